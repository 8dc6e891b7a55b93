// fill: sets every element of a f32 buffer to a constant.
// One thread per element: out[i] = value for i < count. Workgroups are spread over x and y when the count
// exceeds the per-dimension limit: i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x.
override WG: u32 = 256;

struct Params { count: u32, value: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i < params.count) { out[i] = params.value; }
}
