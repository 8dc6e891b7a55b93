// ablation: zero one kernel's output map and count the correct predictions that remain.
//
// mask_main: one thread per element i < count of an NHWC map with C channels (i spread over x
// and y): y[i] = 0 if i % C == kernel else x[i]. A masked copy, not in place, so that the unmasked map (x, saved
// once per batch) serves every kernel of the layer: the consumers of the layer read y.
//
// correct_main: one workgroup of WG threads; thread t sums correct[r] for r = t, t + WG, ... < min(valid[0], rows),
// then a tree in workgroup memory (halving; WG a power of two), and thread 0 adds the total to totals[slot].
// Integer sums in a fixed order: exact, and no atomics.
override WG: u32 = 256;

struct MaskParams { count: u32, channels: u32, kernel: u32 }
struct CorrectParams { rows: u32, slot: u32 }

// mask_main
@group(0) @binding(0) var<uniform> mask: MaskParams;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

// correct_main
@group(0) @binding(0) var<uniform> tally: CorrectParams;
@group(0) @binding(1) var<storage, read> correct: array<u32>;
@group(0) @binding(2) var<storage, read> valid: array<u32>;
@group(0) @binding(3) var<storage, read_write> totals: array<u32>;

var<workgroup> partial: array<u32, WG>;

@compute @workgroup_size(WG)
fn mask_main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= mask.count) { return; }
  y[i] = select(x[i], 0.0, i % mask.channels == mask.kernel);
}

@compute @workgroup_size(WG)
fn correct_main(@builtin(local_invocation_id) lid: vec3u) {
  let t = lid.x;
  let rows = min(valid[0], tally.rows);
  var sum = 0u;
  for (var r = t; r < rows; r += WG) { sum += correct[r]; }
  partial[t] = sum;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (t < half) { partial[t] += partial[t + half]; }
  }
  if (t == 0u) { totals[tally.slot] = totals[tally.slot] + partial[0]; }
}
