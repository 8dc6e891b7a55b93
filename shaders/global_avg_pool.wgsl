// global_avg_pool: the mean over all spatial positions of each channel of an NHWC tensor (Keras
// GlobalAveragePooling2D, channels_last, keepdims false): [batch, height, width, channels] -> [batch, channels].
//
// Index notation, with P = height * width positions and p = h * width + w:
//   x[n, p, c] is at (n * P + p) * channels + c;  y[n, c] (and dy) at n * channels + c.
//   forward:  y[n, c]     = (sum_{p = 0}^{P - 1} x[n, p, c]) / P
//   backward: dx[n, p, c] = dy[n, c] / P          (every position receives an equal share)
//
// forward: one thread per output element o = n * channels + c; it sums its channel's P values in increasing p, so
// the result is the same run to run (no atomics, no reduction order that depends on scheduling). Consecutive
// threads take consecutive channels, so at every step a workgroup reads consecutive addresses of one position.
// backward: one thread per input element i = (n * P + p) * channels + c, reading dy[n, c]; every dx element has
// exactly one writer.
// Thread index: i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x (workgroups spread over x and y when needed).
override WG: u32 = 256;

struct Params { batch: u32, height: u32, width: u32, channels: u32 }

@group(0) @binding(0) var<uniform> params: Params;

// forward
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

// backward (another entry point, so it may reuse binding numbers)
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

fn thread_index(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o = thread_index(wg, nwg, lid);
  let channels = params.channels;
  if (o >= params.batch * channels) { return; }
  let positions = params.height * params.width;
  let n = o / channels;
  let c = o % channels;
  var sum = 0.0;
  var at = n * positions * channels + c; // x[n, 0, c]
  for (var p = 0u; p < positions; p++) {
    sum += x[at];
    at += channels;
  }
  y[o] = sum / f32(positions);
}

@compute @workgroup_size(WG)
fn backward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  let channels = params.channels;
  let positions = params.height * params.width;
  if (i >= params.batch * positions * channels) { return; }
  let c = i % channels;
  let n = i / (positions * channels);
  dx[i] = dy[n * channels + c] / f32(positions);
}
