// optimizers: in-place parameter updates, one thread per parameter i < count,
// i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x. Each thread reads p[i], g[i] and its state, and writes them
// back; no two threads touch the same element.
//   sgd:  v = momentum * v + (g + weight_decay * p);  p = p - lr * v
//         (L2 decay folded into the gradient; momentum 0 is plain SGD)
//   adam: m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  mhat = m / bias1;  vhat = v / bias2;
//         p = p - lr * (mhat / (sqrt(vhat) + eps) + weight_decay * p)        (AdamW: decoupled decay)
//         bias1 = 1 - b1^t and bias2 = 1 - b2^t are computed on the CPU in float64 for the 1-based step t, and
//         so are 1 - b1 and 1 - b2: in f32, 1 - f32(0.999) is 1.3e-5 off in relative terms, which v would inherit.
// lr, bias1 and bias2 change every step: the host rewrites the uniform with queue.writeBuffer and reuses the call.
override WG: u32 = 256;

struct SgdParams { count: u32, lr: f32, momentum: f32, weight_decay: f32 }
struct AdamParams {
  count: u32, lr: f32, beta1: f32, one_minus_beta1: f32, beta2: f32, one_minus_beta2: f32,
  epsilon: f32, weight_decay: f32, bias1: f32, bias2: f32,
}

@group(0) @binding(0) var<uniform> sgd_params: SgdParams;
@group(0) @binding(0) var<uniform> adam_params: AdamParams;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
// sgd: velocity; adam: first and second moments
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(3) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment2: array<f32>;

@compute @workgroup_size(WG)
fn sgd(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= sgd_params.count) { return; }
  let p = param[i];
  let v = sgd_params.momentum * velocity[i] + (grad[i] + sgd_params.weight_decay * p);
  velocity[i] = v;
  param[i] = p - sgd_params.lr * v;
}

@compute @workgroup_size(WG)
fn adam(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= adam_params.count) { return; }
  let p = param[i];
  let g = grad[i];
  let m = adam_params.beta1 * moment1[i] + adam_params.one_minus_beta1 * g;
  let v = adam_params.beta2 * moment2[i] + adam_params.one_minus_beta2 * g * g;
  moment1[i] = m;
  moment2[i] = v;
  let mhat = m / adam_params.bias1;
  let vhat = v / adam_params.bias2;
  param[i] = p - adam_params.lr * (mhat / (sqrt(vhat) + adam_params.epsilon) + adam_params.weight_decay * p);
}
