// dropout: inverted dropout with a stateless hash mask, so the CPU reference (src/reference/dropout.ts, with
// pcgHash from src/gpu/kernels/pcg-hash.ts) and this kernel draw the same mask bit for bit.
// One thread per element i < count, i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x:
//   h = pcg_hash(pcg_hash(seed) + i)            (wrapping u32 arithmetic, as in the TS reference)
//   keep = h >= keep_threshold                  (u = h / 2^32 >= rate, compared exactly in integers:
//                                                keep_threshold = ceil(rate * 2^32), computed on the CPU)
//   out[i] = keep ? in[i] * scale : 0           (scale = 1 / (1 - rate))
// The forward maps x -> y and the backward dy -> dx with the same seed: the layer is a fixed diagonal, so both
// directions are this one entry point.
override WG: u32 = 256;

struct Params { count: u32, seed: u32, keep_threshold: u32, scale: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// PCG hash (Jarzynski & Olano 2020): one LCG step, then PCG's RXS-M-XS output permutation.
fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= params.count) { return; }
  let keep = pcg_hash(pcg_hash(params.seed) + i) >= params.keep_threshold;
  dst[i] = select(0.0, src[i] * params.scale, keep);
}
