// elementwise: small helpers of the training engine on flat f32 buffers, one thread per element i < count,
// i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x.
//   scale: x[i] = a * x[i]            (in place: e.g. averaging accumulated gradients)
//   axpy:  y[i] = y[i] + a * x[i]
//   add:   y[i] = y[i] + x[i]         (accumulating a gradient into an existing one)
//   copy:  y[i] = x[i]                (inside a list of KernelCalls, where a buffer copy cannot go)
override WG: u32 = 256;

struct Params { count: u32, a: f32 }

@group(0) @binding(0) var<uniform> params: Params;
// scale
@group(0) @binding(1) var<storage, read_write> scaled: array<f32>;
// axpy, add, copy
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn element(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn scale(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element(wg, nwg, lid);
  if (i < params.count) { scaled[i] = params.a * scaled[i]; }
}

@compute @workgroup_size(WG)
fn axpy(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element(wg, nwg, lid);
  if (i < params.count) { y[i] = y[i] + params.a * x[i]; }
}

@compute @workgroup_size(WG)
fn add(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element(wg, nwg, lid);
  if (i < params.count) { y[i] = y[i] + x[i]; }
}

@compute @workgroup_size(WG)
fn copy(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element(wg, nwg, lid);
  if (i < params.count) { y[i] = x[i]; }
}
