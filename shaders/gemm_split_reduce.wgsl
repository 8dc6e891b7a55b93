// gemm_split_reduce: sums the partial results of a split-K GEMM.
// One thread per output element i < count: out[i] = sum_{z < splits} partial[z * count + i] (+ bias, ReLU are not
// needed here: split-K is used only for weight and bias gradients). Deterministic: a fixed summation order.
override WG: u32 = 256;

struct Params { count: u32, splits: u32 }

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= P.count) { return; }
  var sum = 0.0;
  for (var z = 0u; z < P.splits; z++) { sum += partial[z * P.count + i]; }
  out[i] = sum;
}
