// relu: the rectifier, forward and backward, element-wise over flat f32 buffers.
// One thread per element i < count, i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x (workgroups are spread
// over x and y when count / WG exceeds the per-dimension limit).
//   forward:  y[i]  = x[i] if x[i] > 0 else 0
//   backward: dx[i] = dy[i] if y[i] > 0 else 0   (the mask comes from the forward output; x need not be kept)
// `select` rather than max() or a multiply by the mask: the result is exactly the reference's, -0 included.
override WG: u32 = 256;

struct Params { count: u32 }

@group(0) @binding(0) var<uniform> params: Params;

// forward
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

// backward (another entry point, so it may reuse binding numbers)
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> y_saved: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= params.count) { return; }
  let v = x[i];
  y[i] = select(0.0, v, v > 0.0);
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= params.count) { return; }
  dx[i] = select(0.0, dy[i], y_saved[i] > 0.0);
}
