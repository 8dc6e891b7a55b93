// pool: 2-D max and average pooling over NHWC tensors, forward and backward, with TF 'same'/'valid' geometry
// (out_h, out_w, pad_top, pad_left come from windowGeometry in src/gpu/kernels/window-geometry.ts).
//
// Index notation: x[n, iy, ix, c] is at ((n * in_h + iy) * in_w + ix) * channels + c; y, dy and argmax are
// [n, oy, ox, c], laid out the same way with out_h, out_w. Window (oy, ox) covers the input rows
// iy = oy * stride_h + ky - pad_top for ky in [0, pool_h) (columns likewise); taps outside the input are padding:
// max skips them, average divides by the number of in-bounds taps (TF semantics).
//
// Forward entry points: one thread per output element o = ((n * out_h + oy) * out_w + ox) * channels + c, looping
// over its window. max_forward_argmax also records the window's FIRST maximal tap (row-major tap order, ties ->
// first) as ky * pool_w + kx, for the backward.
// Backward entry points: one thread per input element; it loops over the few windows that cover it, in increasing
// (oy, ox) order, and gathers their contributions. Every dx element has exactly one writer, so there are no
// atomics and the result does not depend on scheduling. max_backward_scatter, for windows that tile the input
// exactly (stride = window, no padding, out * stride = in), turns it around: one thread per output element writes
// its window's pool_h * pool_w inputs (dy at the argmax tap, 0 elsewhere), still one writer per dx element.
// For software adapters, where the windows tile, the `_lanes` kernels at the end replace the max pool's
// thread-per-element ones (lanes along channels, no per-lane division).
// Thread index: i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x (workgroups spread over x and y when needed).
override WG: u32 = 256;

// argmax value of a window with no in-bounds tap (TF geometry never produces one, but the kernels stay total).
const NO_TAP: u32 = 0xffffffffu;

struct Params {
  batch: u32, in_h: u32, in_w: u32, channels: u32,
  out_h: u32, out_w: u32, pool_h: u32, pool_w: u32,
  stride_h: u32, stride_w: u32, pad_top: u32, pad_left: u32,
}

@group(0) @binding(0) var<uniform> params: Params;

// Forward bindings (max_forward, max_forward_argmax, avg_forward).
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<u32>;

// Backward bindings. Entry points are laid out separately, so they may reuse binding numbers:
// max_backward binds (dy, argmax_saved, dx), avg_backward binds (dy, dx_avg).
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> argmax_saved: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx_avg: array<f32>;
// max_backward_scatter_relu(_lanes) also binds the pooled output (dy, argmax_saved, dx, pooled).
@group(0) @binding(4) var<storage, read> pooled: array<f32>;

fn thread_index(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 {
  return (wg.y * nwg.x + wg.x) * WG + lid.x;
}

// (n, row, col, c) of a flat NHWC index into a tensor of `rows` x `cols` pixels.
fn unflatten(i: u32, rows: u32, cols: u32) -> vec4u {
  let c = i % params.channels;
  let pixel = i / params.channels;
  let col = pixel % cols;
  let row = (pixel / cols) % rows;
  return vec4u(pixel / (cols * rows), row, col, c);
}

fn x_index(n: u32, iy: u32, ix: u32, c: u32) -> u32 {
  return ((n * params.in_h + iy) * params.in_w + ix) * params.channels + c;
}

fn y_index(n: u32, oy: u32, ox: u32, c: u32) -> u32 {
  return ((n * params.out_h + oy) * params.out_w + ox) * params.channels + c;
}

// Number of in-bounds taps of a window starting at signed coordinate `start` on an axis of length `size`.
fn in_bounds(start: i32, k: u32, size: u32) -> u32 {
  return u32(max(min(start + i32(k), i32(size)) - max(start, 0), 0));
}

// The windows along one axis that cover input coordinate i, as the half-open range [first, end): all o with
// o * s - pad <= i <= o * s - pad + k - 1, i.e. ceil((i + pad - k + 1) / s) <= o <= floor((i + pad) / s),
// clipped to [0, out). Worked in u32 because i + pad >= 0.
fn covering(i: u32, pad: u32, k: u32, s: u32, out: u32) -> vec2u {
  let reach = i + pad;
  var first = 0u;
  if (reach + 1u > k) { first = (reach + 1u - k + s - 1u) / s; }
  return vec2u(first, min(out, reach / s + 1u));
}

struct WindowMax { value: f32, tap: u32 }

fn window_max(o: vec4u) -> WindowMax {
  var best = WindowMax(0.0, NO_TAP);
  let top = i32(o.y * params.stride_h) - i32(params.pad_top);
  let left = i32(o.z * params.stride_w) - i32(params.pad_left);
  for (var ky = 0u; ky < params.pool_h; ky++) {
    let iy = top + i32(ky);
    if (iy < 0 || iy >= i32(params.in_h)) { continue; }
    for (var kx = 0u; kx < params.pool_w; kx++) {
      let ix = left + i32(kx);
      if (ix < 0 || ix >= i32(params.in_w)) { continue; }
      let v = x[x_index(o.x, u32(iy), u32(ix), o.w)];
      // Strictly greater: an equal later tap does not take over, so ties go to the first tap.
      if (best.tap == NO_TAP || v > best.value) { best = WindowMax(v, ky * params.pool_w + kx); }
    }
  }
  return best;
}

fn output_count() -> u32 {
  return params.batch * params.out_h * params.out_w * params.channels;
}

fn input_count() -> u32 {
  return params.batch * params.in_h * params.in_w * params.channels;
}

@compute @workgroup_size(WG)
fn max_forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= output_count()) { return; }
  y[i] = window_max(unflatten(i, params.out_h, params.out_w)).value;
}

@compute @workgroup_size(WG)
fn max_forward_argmax(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= output_count()) { return; }
  let best = window_max(unflatten(i, params.out_h, params.out_w));
  y[i] = best.value;
  argmax[i] = best.tap;
}

// dx[n, iy, ix, c] = sum of dy[n, oy, ox, c] over the windows covering (iy, ix) whose argmax is this tap.
@compute @workgroup_size(WG)
fn max_backward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= input_count()) { return; }
  let p = unflatten(i, params.in_h, params.in_w);
  let rows = covering(p.y, params.pad_top, params.pool_h, params.stride_h, params.out_h);
  let cols = covering(p.z, params.pad_left, params.pool_w, params.stride_w, params.out_w);
  var sum = 0.0;
  for (var oy = rows.x; oy < rows.y; oy++) {
    let ky = p.y + params.pad_top - oy * params.stride_h; // in [0, pool_h) by the choice of rows
    for (var ox = cols.x; ox < cols.y; ox++) {
      let kx = p.z + params.pad_left - ox * params.stride_w;
      let o = y_index(p.x, oy, ox, p.w);
      if (argmax_saved[o] == ky * params.pool_w + kx) { sum += dy[o]; }
    }
  }
  dx[i] = sum;
}

// The same for windows that tile the input: thread o = (n, oy, ox, c) writes dx[n, oy*pool_h + ky, ox*pool_w + kx, c]
// (for GPUs: software adapters take max_backward_scatter_lanes, at the end).
@compute @workgroup_size(WG)
fn max_backward_scatter(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= output_count()) { return; }
  let o = unflatten(i, params.out_h, params.out_w);
  let g = dy[i];
  let tap = argmax_saved[i];
  for (var ky = 0u; ky < params.pool_h; ky++) {
    for (var kx = 0u; kx < params.pool_w; kx++) {
      dx[x_index(o.x, o.y * params.pool_h + ky, o.z * params.pool_w + kx, o.w)] = select(0.0, g, tap == ky * params.pool_w + kx);
    }
  }
}

// The same with the backward of the ReLU whose output this pool reads folded in (the network skips that ReLU's
// own backward pass, src/nn/gpu-network.ts): the ReLU passes the gradient where its output is > 0, and the only
// input of a window that receives any gradient is its argmax tap, whose value is the pooled output. So
// dx[tap] = dy where pooled > 0, else 0; every other input 0, as before. (A window of zeros takes its first tap as
// argmax and pooled = 0: dx = 0 there, as the ReLU's backward gives.) For GPUs; software adapters take
// max_backward_scatter_relu_lanes.
@compute @workgroup_size(WG)
fn max_backward_scatter_relu(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= output_count()) { return; }
  let o = unflatten(i, params.out_h, params.out_w);
  let g = select(0.0, dy[i], pooled[i] > 0.0);
  let tap = argmax_saved[i];
  for (var ky = 0u; ky < params.pool_h; ky++) {
    for (var kx = 0u; kx < params.pool_w; kx++) {
      dx[x_index(o.x, o.y * params.pool_h + ky, o.z * params.pool_w + kx, o.w)] = select(0.0, g, tap == ky * params.pool_w + kx);
    }
  }
}

@compute @workgroup_size(WG)
fn avg_forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= output_count()) { return; }
  let o = unflatten(i, params.out_h, params.out_w);
  let top = i32(o.y * params.stride_h) - i32(params.pad_top);
  let left = i32(o.z * params.stride_w) - i32(params.pad_left);
  let y0 = u32(max(top, 0));
  let y1 = u32(min(top + i32(params.pool_h), i32(params.in_h)));
  let x0 = u32(max(left, 0));
  let x1 = u32(min(left + i32(params.pool_w), i32(params.in_w)));
  var sum = 0.0;
  for (var iy = y0; iy < y1; iy++) {
    for (var ix = x0; ix < x1; ix++) { sum += x[x_index(o.x, iy, ix, o.w)]; }
  }
  let count = in_bounds(top, params.pool_h, params.in_h) * in_bounds(left, params.pool_w, params.in_w);
  y[i] = select(0.0, sum / f32(count), count > 0u);
}

// dx[n, iy, ix, c] = sum over the windows covering (iy, ix) of dy[n, oy, ox, c] / (that window's in-bounds taps).
@compute @workgroup_size(WG)
fn avg_backward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = thread_index(wg, nwg, lid);
  if (i >= input_count()) { return; }
  let p = unflatten(i, params.in_h, params.in_w);
  let rows = covering(p.y, params.pad_top, params.pool_h, params.stride_h, params.out_h);
  let cols = covering(p.z, params.pad_left, params.pool_w, params.stride_w, params.out_w);
  var sum = 0.0;
  for (var oy = rows.x; oy < rows.y; oy++) {
    let taps_h = in_bounds(i32(oy * params.stride_h) - i32(params.pad_top), params.pool_h, params.in_h);
    for (var ox = cols.x; ox < cols.y; ox++) {
      let taps_w = in_bounds(i32(ox * params.stride_w) - i32(params.pad_left), params.pool_w, params.in_w);
      sum += dy[y_index(p.x, oy, ox, p.w)] / f32(taps_h * taps_w);
    }
  }
  dx_avg[i] = sum;
}

// Lanes along channels, for software adapters (lavapipe; GPUs keep the thread-per-element kernels, whose
// 256-thread workgroups fill them) and windows that tile the input (stride = window, no padding, out * stride =
// in; poolWindowsTile), the layout the networks' pools have: a workgroup is CHANNEL_LANES threads over channels
// c = block * CHANNEL_LANES + lane, walking a run of RUN consecutive output pixels; its linear index is
// w = run * blocks + block (blocks = ceil(channels / CHANNEL_LANES)). The run's first pixel is decoded once, from
// values the whole workgroup shares, and the walk carries (row = n * out_h + oy, ox) along by increments, so no
// lane divides: lavapipe divides a vector lane by lane, each division as slow as a load (a probe measured 0.52 G
// divisions/s against 5.7 G multiplies), and one pixel per workgroup costs more in workgroups than it saves
// (0.55x). RUN = 64 measured best of 16-128: against the thread-per-element kernels, forward 1.82x and 1.15x,
// ReLU-folded backward 2.17x and 2.05x on mnist-ref's two pools. With tiling windows, input row n * in_h + oy * pool_h + ky is row * pool_h + ky.
override CHANNEL_LANES: u32 = 8u;
override RUN: u32 = 64u;

struct LaneRun { c: u32, first: u32, end: u32, ox: u32, row: u32 }

// This workgroup's run and this lane's channel; end = first when the lane has nothing to do (past the channels
// or past the last pixel), so the walks below are empty there.
fn lane_run(wg: vec3u, nwg: vec3u, lid: vec3u) -> LaneRun {
  let w = wg.y * nwg.x + wg.x;
  let blocks = (params.channels + CHANNEL_LANES - 1u) / CHANNEL_LANES;
  let c = (w % blocks) * CHANNEL_LANES + lid.x;
  let pixels = params.batch * params.out_h * params.out_w;
  let first = min(pixels, (w / blocks) * RUN);
  let end = select(first, min(pixels, first + RUN), c < params.channels);
  return LaneRun(c, first, end, first % params.out_w, first / params.out_w);
}

// The walk's step to the next output pixel: ox along the row, then the next row (n * out_h + oy).
fn next_pixel(r: ptr<function, LaneRun>) {
  (*r).ox++;
  if ((*r).ox == params.out_w) { (*r).ox = 0u; (*r).row++; }
}

// x (or dx) of tap (ky, kx) of output pixel (row, ox), channel c.
fn tile_tap_index(row: u32, ox: u32, ky: u32, kx: u32, c: u32) -> u32 {
  return ((row * params.pool_h + ky) * params.in_w + ox * params.pool_w + kx) * params.channels + c;
}

fn tile_window_max(row: u32, ox: u32, c: u32) -> WindowMax {
  var best = WindowMax(0.0, NO_TAP);
  for (var ky = 0u; ky < params.pool_h; ky++) {
    for (var kx = 0u; kx < params.pool_w; kx++) {
      let v = x[tile_tap_index(row, ox, ky, kx, c)];
      if (best.tap == NO_TAP || v > best.value) { best = WindowMax(v, ky * params.pool_w + kx); }
    }
  }
  return best;
}

@compute @workgroup_size(CHANNEL_LANES)
fn max_forward_lanes(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var r = lane_run(wg, nwg, lid);
  for (var pixel = r.first; pixel < r.end; pixel++) {
    y[pixel * params.channels + r.c] = tile_window_max(r.row, r.ox, r.c).value;
    next_pixel(&r);
  }
}

@compute @workgroup_size(CHANNEL_LANES)
fn max_forward_argmax_lanes(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var r = lane_run(wg, nwg, lid);
  for (var pixel = r.first; pixel < r.end; pixel++) {
    let best = tile_window_max(r.row, r.ox, r.c);
    let o = pixel * params.channels + r.c;
    y[o] = best.value;
    argmax[o] = best.tap;
    next_pixel(&r);
  }
}

// dx over the window of output pixel (row, ox), channel c: g at the argmax tap, 0 at the others.
fn scatter_tile_window(row: u32, ox: u32, c: u32, g: f32, tap: u32) {
  for (var ky = 0u; ky < params.pool_h; ky++) {
    for (var kx = 0u; kx < params.pool_w; kx++) {
      dx[tile_tap_index(row, ox, ky, kx, c)] = select(0.0, g, tap == ky * params.pool_w + kx);
    }
  }
}

// max_backward_scatter and max_backward_scatter_relu with lanes along channels (two walks, not one with a flag:
// a binding a shared function touches counts as used by every entry point that calls it).
@compute @workgroup_size(CHANNEL_LANES)
fn max_backward_scatter_lanes(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var r = lane_run(wg, nwg, lid);
  for (var pixel = r.first; pixel < r.end; pixel++) {
    let o = pixel * params.channels + r.c;
    scatter_tile_window(r.row, r.ox, r.c, dy[o], argmax_saved[o]);
    next_pixel(&r);
  }
}

@compute @workgroup_size(CHANNEL_LANES)
fn max_backward_scatter_relu_lanes(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  var r = lane_run(wg, nwg, lid);
  for (var pixel = r.first; pixel < r.end; pixel++) {
    let o = pixel * params.channels + r.c;
    scatter_tile_window(r.row, r.ox, r.c, select(0.0, dy[o], pooled[o] > 0.0), argmax_saved[o]);
    next_pixel(&r);
  }
}
