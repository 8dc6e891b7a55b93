// batchnorm: batch normalisation over the last (channel) axis of x viewed as [rows, channels]
// (rows = N*H*W for NHWC, N for [N, features]); x[r, c] is at r * channels + c.
//
// Per-channel reductions (stats, backward_reduce): one workgroup per block of WG_C channels, WG_C x WG_R threads.
// Thread (lc, lr) of block b handles channel c = b * WG_C + lc and sums rows r = lr, lr + WG_R, lr + 2 WG_R, ...
// (adjacent lc read adjacent addresses); the WG_R partial sums of a channel are then added by a tree in workgroup
// memory (halving, WG_R a power of two). Fixed order, no atomics: the result is deterministic.
//   stats:            mean = sum x / rows; variance = sum (x - mean)^2 / rows (two passes, biased);
//                     inv_std = 1 / sqrt(variance + eps); moving = moving * momentum + batch * (1 - momentum)
//   backward_reduce:  dbeta = sum dy; dgamma = sum dy * (x - mean) * inv_std
// Element-wise entry points (normalize_train, normalize_infer, backward_dx): one thread per element i, channel
// c = i % channels, i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x.
//   normalize_train:  y = gamma * (x - mean) * inv_std + beta
//   normalize_infer:  y = gamma * (x - moving_mean) * inverseSqrt(moving_var + eps) + beta
//   backward_dx:      dx = gamma * inv_std * (dy - dbeta / rows - xhat * dgamma / rows), xhat = (x - mean) * inv_std
override WG: u32 = 256;
override WG_C: u32 = 8;
override WG_R: u32 = 32;

// one_minus_momentum is computed in float64 on the CPU: 1 - f32(0.99) in f32 is ~1e-6 off in relative terms.
struct Params { rows: u32, channels: u32, epsilon: f32, momentum: f32, one_minus_momentum: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;

// stats
@group(0) @binding(2) var<storage, read_write> batch_mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> batch_inv_std: array<f32>;
@group(0) @binding(4) var<storage, read_write> moving_mean: array<f32>;
@group(0) @binding(5) var<storage, read_write> moving_var: array<f32>;

// normalize_train (saved_*), normalize_infer (running_*); both then bind gamma, beta, y
@group(0) @binding(2) var<storage, read> saved_mean: array<f32>;
@group(0) @binding(3) var<storage, read> saved_inv_std: array<f32>;
@group(0) @binding(2) var<storage, read> running_mean: array<f32>;
@group(0) @binding(3) var<storage, read> running_var: array<f32>;
@group(0) @binding(4) var<storage, read> gamma: array<f32>;
@group(0) @binding(5) var<storage, read> beta: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

// backward_reduce (dgamma_out, dbeta_out) and backward_dx (gamma_b, dgamma_in, dbeta_in, dx)
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> mean_b: array<f32>;
@group(0) @binding(4) var<storage, read> inv_std_b: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta_out: array<f32>;
@group(0) @binding(5) var<storage, read> gamma_b: array<f32>;
@group(0) @binding(6) var<storage, read> dgamma_in: array<f32>;
@group(0) @binding(7) var<storage, read> dbeta_in: array<f32>;
@group(0) @binding(8) var<storage, read_write> dx: array<f32>;

// Partial sums of thread (lc, lr) at lr * WG_C + lc; two sums at once for backward_reduce.
var<workgroup> partial: array<vec2f, WG_C * WG_R>;

// Adds the WG_R partial sums of channel lane lc by halving and returns the total to every thread of the lane.
// Contains barriers: every thread of the workgroup must call it (it only depends on constants, so it does).
fn reduce_rows(lc: u32, lr: u32) -> vec2f {
  for (var half = WG_R / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (lr < half) { partial[lr * WG_C + lc] += partial[(lr + half) * WG_C + lc]; }
  }
  workgroupBarrier();
  let total = partial[lc];
  workgroupBarrier(); // all lanes have read the total before `partial` is written again
  return total;
}

@compute @workgroup_size(WG_C, WG_R)
fn stats(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wg.x * WG_C + lid.x;
  let in_range = c < params.channels; // the last block may be partial; its idle lanes still join the barriers
  let n = f32(params.rows);
  var sum = 0.0;
  if (in_range) {
    for (var r = lid.y; r < params.rows; r += WG_R) { sum += x[r * params.channels + c]; }
  }
  partial[lid.y * WG_C + lid.x] = vec2f(sum, 0.0);
  let mean = reduce_rows(lid.x, lid.y).x / n;
  // Second pass over the deviations: no cancellation, unlike E[x^2] - E[x]^2.
  var squares = 0.0;
  if (in_range) {
    for (var r = lid.y; r < params.rows; r += WG_R) {
      let d = x[r * params.channels + c] - mean;
      squares += d * d;
    }
  }
  partial[lid.y * WG_C + lid.x] = vec2f(squares, 0.0);
  let variance = reduce_rows(lid.x, lid.y).x / n;
  if (in_range && lid.y == 0u) {
    batch_mean[c] = mean;
    batch_inv_std[c] = inverseSqrt(variance + params.epsilon);
    moving_mean[c] = moving_mean[c] * params.momentum + mean * params.one_minus_momentum;
    moving_var[c] = moving_var[c] * params.momentum + variance * params.one_minus_momentum;
  }
}

fn element_index(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lid.x;
}

@compute @workgroup_size(WG)
fn normalize_train(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element_index(wg, nwg, lid);
  if (i >= params.rows * params.channels) { return; }
  let c = i % params.channels;
  y[i] = gamma[c] * ((x[i] - saved_mean[c]) * saved_inv_std[c]) + beta[c];
}

@compute @workgroup_size(WG)
fn normalize_infer(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element_index(wg, nwg, lid);
  if (i >= params.rows * params.channels) { return; }
  let c = i % params.channels;
  y[i] = gamma[c] * ((x[i] - running_mean[c]) * inverseSqrt(running_var[c] + params.epsilon)) + beta[c];
}

@compute @workgroup_size(WG_C, WG_R)
fn backward_reduce(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wg.x * WG_C + lid.x;
  var sums = vec2f(0.0); // (sum dy, sum dy * xhat)
  if (c < params.channels) {
    let mean = mean_b[c];
    let inv_std = inv_std_b[c];
    for (var r = lid.y; r < params.rows; r += WG_R) {
      let i = r * params.channels + c;
      sums += vec2f(dy[i], dy[i] * ((x[i] - mean) * inv_std));
    }
  }
  partial[lid.y * WG_C + lid.x] = sums;
  let total = reduce_rows(lid.x, lid.y);
  if (c < params.channels && lid.y == 0u) {
    dbeta_out[c] = total.x;
    dgamma_out[c] = total.y;
  }
}

@compute @workgroup_size(WG)
fn backward_dx(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = element_index(wg, nwg, lid);
  if (i >= params.rows * params.channels) { return; }
  let c = i % params.channels;
  let n = f32(params.rows);
  let xhat = (x[i] - mean_b[c]) * inv_std_b[c];
  dx[i] = gamma_b[c] * inv_std_b[c] * (dy[i] - dbeta_in[c] / n - xhat * dgamma_in[c] / n);
}
