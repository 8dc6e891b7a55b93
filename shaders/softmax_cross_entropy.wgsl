// softmax-cross-entropy: loss, gradient and accuracy of logits [rows, classes] against u32 labels [rows].
//
// rows_main: one workgroup of WG threads per row r (r = wg.y * num_workgroups.x + wg.x). Thread t visits the
// classes j = t, t + WG, t + 2 WG, ... of the row; three tree reductions in workgroup memory (halving, WG a power
// of two) then give, for l[j] = logits[r * classes + j] and label y:
//   m = max_j l[j] and its first index (ties -> lowest class), S = sum_j exp(l[j] - m) (every exponent <= 0),
//   loss[r] = log(S) - (l[y] - m), predicted[r] = argmax, correct[r] = (argmax == y),
//   dlogits[r, j] = (exp(l[j] - m) / S - [j == y]) / rows        (the gradient of the mean loss).
// A label >= classes gives loss NaN (the host cannot be told from here; NaN makes the step's loss visibly bad).
//
// infer_main: the forward-only variant for inference (evaluation, analysis): the same per-row loss, predicted
// class and correct flag by the same reductions (so the same bits), no dlogits. Only the first valid[0] rows
// of the batch are real images (a partial last batch, written per batch by the host); a row r >= valid[0] gets
// loss 0, predicted NO_CLASS and correct 0, so sums over all rows count the real ones only.
//
// totals: one workgroup of WG threads sums loss[] and correct[] over all rows (thread t takes rows t, t + WG, ...,
// then a tree), in a fixed order, and writes totals = (loss sum, correct count as f32), added to the previous
// totals when `accumulate` is set (an epoch's running sums, read back once).
override WG: u32 = 64;

const NO_CLASS: u32 = 0xffffffffu;

struct Params { rows: u32, classes: u32, accumulate: u32 }

@group(0) @binding(0) var<uniform> params: Params;

// rows_main
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(5) var<storage, read_write> predicted: array<u32>;
@group(0) @binding(6) var<storage, read_write> correct: array<u32>;

// infer_main: logits, labels, then valid, loss and the rows_main predicted / correct.
@group(0) @binding(3) var<storage, read> valid: array<u32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;

// totals
@group(0) @binding(1) var<storage, read> loss_in: array<f32>;
@group(0) @binding(2) var<storage, read> correct_in: array<u32>;
@group(0) @binding(3) var<storage, read_write> totals: array<f32>;

var<workgroup> best_value: array<f32, WG>;
var<workgroup> best_class: array<u32, WG>;
var<workgroup> sums: array<f32, WG>;
var<workgroup> counts: array<u32, WG>;

// Whether candidate (v, j) beats the current best (bv, bj): larger value, or equal value and lower class.
fn beats(v: f32, j: u32, bv: f32, bj: u32) -> bool {
  if (j == NO_CLASS) { return false; }
  return bj == NO_CLASS || v > bv || (v == bv && j < bj);
}

// The max, its first index and S = sum_j exp(l[j] - m) of the row whose logits start at `base`, for the
// workgroup's thread t. Every thread of the workgroup must call it (it holds barriers).
struct RowStats { m: f32, argmax: u32, total: f32 }

fn row_stats(base: u32, t: u32) -> RowStats {
  // 1. max and first argmax. Within a thread the classes come in increasing order, so strict > keeps the first.
  var bv = 0.0;
  var bj = NO_CLASS;
  for (var j = t; j < params.classes; j += WG) {
    let v = logits[base + j];
    if (bj == NO_CLASS || v > bv) { bv = v; bj = j; }
  }
  best_value[t] = bv;
  best_class[t] = bj;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (t < half && beats(best_value[t + half], best_class[t + half], best_value[t], best_class[t])) {
      best_value[t] = best_value[t + half];
      best_class[t] = best_class[t + half];
    }
  }
  workgroupBarrier();
  let m = best_value[0];
  let argmax = best_class[0];

  // 2. S = sum exp(l - m).
  var s = 0.0;
  for (var j = t; j < params.classes; j += WG) { s += exp(logits[base + j] - m); }
  sums[t] = s;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (t < half) { sums[t] += sums[t + half]; }
  }
  workgroupBarrier();
  return RowStats(m, argmax, sums[0]);
}

// loss = log(S) - (l[y] - m), or NaN for a label outside the classes.
fn cross_entropy(base: u32, label: u32, stats: RowStats) -> f32 {
  if (label < params.classes) {
    // l[y] - m first: it is exact in f32 (Sterbenz), whereas log(S) + m would round at the scale of m.
    return log(stats.total) - (logits[base + label] - stats.m);
  }
  // A quiet NaN. Through a `var`, because a constant NaN is a shader-creation error in WGSL.
  var nan_bits = 0x7fc00000u;
  return bitcast<f32>(nan_bits);
}

@compute @workgroup_size(WG)
fn rows_main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  if (row >= params.rows) { return; } // the same for the whole workgroup, so the barriers below stay uniform
  let t = lid.x;
  let base = row * params.classes;
  let stats = row_stats(base, t);

  // 3. Outputs.
  let label = labels[row];
  let n = f32(params.rows);
  for (var j = t; j < params.classes; j += WG) {
    let p = exp(logits[base + j] - stats.m) / stats.total;
    dlogits[base + j] = (p - select(0.0, 1.0, j == label)) / n;
  }
  if (t == 0u) {
    loss[row] = cross_entropy(base, label, stats);
    predicted[row] = stats.argmax;
    correct[row] = select(0u, 1u, stats.argmax == label);
  }
}

@compute @workgroup_size(WG)
fn infer_main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * nwg.x + wg.x;
  if (row >= params.rows) { return; } // uniform per workgroup, as in rows_main
  let t = lid.x;
  let base = row * params.classes;
  // Padding rows run the reductions too (valid[0] is read only below, outside the barriers).
  let stats = row_stats(base, t);
  if (t == 0u) {
    if (row < valid[0]) {
      let label = labels[row];
      row_loss[row] = cross_entropy(base, label, stats);
      predicted[row] = stats.argmax;
      correct[row] = select(0u, 1u, stats.argmax == label);
    } else {
      row_loss[row] = 0.0;
      predicted[row] = NO_CLASS;
      correct[row] = 0u;
    }
  }
}

@compute @workgroup_size(WG)
fn totals_main(@builtin(local_invocation_id) lid: vec3u) {
  let t = lid.x;
  var l = 0.0;
  var k = 0u;
  for (var r = t; r < params.rows; r += WG) {
    l += loss_in[r];
    k += correct_in[r];
  }
  sums[t] = l;
  counts[t] = k;
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    workgroupBarrier();
    if (t < half) {
      sums[t] += sums[t + half];
      counts[t] += counts[t + half];
    }
  }
  if (t == 0u) {
    var previous = vec2f(0.0);
    if (params.accumulate != 0u) { previous = vec2f(totals[0], totals[1]); }
    totals[0] = previous.x + sums[0];
    totals[1] = previous.y + f32(counts[0]);
  }
}
