// aom_count: activation-occurrence counts of one conv layer, accumulated batch after batch on the GPU.
//
// count_main: one thread per (position p, kernel k) of the layer's output map, flat index i = p * K + k
// (i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x, so neighbouring threads read neighbouring channels of one
// position: coalesced). The thread loops over the batch's valid rows n < valid[0] and adds, for the row's label c,
//   counts[k, c, p] += (act[n, p, k] > tau)     act NHWC: act[(n * HW + p) * K + k]; counts [K, C, H*W]
// Every counts element belongs to exactly one thread, so no atomics are needed and the sum is exact (u32).
//
// count_main_classes: the same threads and sums for at most MAX_CLASS_SLOTS classes, kept in registers over the
// batch (local[c] for the CLASS_SLOTS = classes slots, every index a constant once the loops are unrolled) and
// added to counts once at the end, with no branch in the row loop: gallivm (lavapipe) runs both sides of an `if`
// under a lane mask, so count_main's read-modify-write of counts costs two storage accesses on every row whether
// or not the row counts; here a row costs its label and its activation, and the class is chosen by selects.
//
// count_main_classes4: the same for K % 4 == 0 with four kernels per thread, thread i = p * K/4 + g owning kernels
// 4g .. 4g + 3 of position p: one vec4 load of act per row serves four counts, and the row's label one load for
// four (on lavapipe each of those loads costs a loop over the lanes).
//
// class_main: one thread per class c, classCounts[c] += |{ n < valid[0] : labels[n] == c }|.
//
// valid[0] is the number of real rows of the batch (a ragged last batch is padded with copies of its last
// image); it lives in a storage buffer written once per batch, so the planned calls never change.
// A label >= classes is skipped (the gather kernel reads labels from the dataset, which checks them on load).
override WG: u32 = 256;

struct Params { batch: u32, hw: u32, kernels: u32, classes: u32, tau: f32 }

@group(0) @binding(0) var<uniform> params: Params;

// count_main
@group(0) @binding(1) var<storage, read> act: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> valid: array<u32>;
@group(0) @binding(4) var<storage, read_write> counts: array<u32>;

// class_main
@group(0) @binding(1) var<storage, read> class_labels: array<u32>;
@group(0) @binding(2) var<storage, read> class_valid: array<u32>;
@group(0) @binding(3) var<storage, read_write> class_counts: array<u32>;

// The counting entry points' thread: the flat index over workgroups spread on x and y (threadWorkgroups), and the
// rows of the batch to count (the real images, at most the batch).
fn threadIndex(wg: vec3u, nwg: vec3u, lid: vec3u) -> u32 { return (wg.y * nwg.x + wg.x) * WG + lid.x; }
fn batchRows() -> u32 { return min(valid[0], params.batch); }

// The cell thread i counts: position p and kernel (or group of four kernels) g of `groups` per position, i = p *
// groups + g; `threads` = hw * groups is both the count of cells (threads past it have none) and the distance, in
// elements of the array read, between the same cell of consecutive rows.
struct Cell { p: u32, g: u32, threads: u32 }
fn cellOf(i: u32, groups: u32) -> Cell { return Cell(i / groups, i % groups, params.hw * groups); }

@compute @workgroup_size(WG)
fn count_main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  let cell = cellOf(i, params.kernels); // g: the kernel
  if (i >= cell.threads) { return; }
  let rows = batchRows();
  for (var n = 0u; n < rows; n++) {
    let c = labels[n];
    if (c < params.classes && act[n * cell.threads + i] > params.tau) {
      let at = (cell.g * params.classes + c) * params.hw + cell.p;
      counts[at] = counts[at] + 1u;
    }
  }
}

const MAX_CLASS_SLOTS: u32 = 16u;
override CLASS_SLOTS: u32 = 1u; // = params.classes, at most MAX_CLASS_SLOTS (aom-count.ts)

@compute @workgroup_size(WG)
fn count_main_classes(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  let cell = cellOf(i, params.kernels); // g: the kernel
  if (i >= cell.threads) { return; }
  let rows = batchRows();
  // Zeroed by hand: lavapipe was seen to keep a loop-local array's values from an earlier iteration.
  var local: array<u32, MAX_CLASS_SLOTS>;
  for (var c = 0u; c < CLASS_SLOTS; c++) { local[c] = 0u; }
  for (var n = 0u; n < rows; n++) {
    let label = labels[n]; // a label >= classes matches no slot: skipped, as in count_main
    let hit = select(0u, 1u, act[n * cell.threads + i] > params.tau);
    for (var c = 0u; c < CLASS_SLOTS; c++) { local[c] += select(0u, hit, label == c); }
  }
  for (var c = 0u; c < CLASS_SLOTS; c++) {
    let at = (cell.g * params.classes + c) * params.hw + cell.p;
    counts[at] = counts[at] + local[c];
  }
}

@group(0) @binding(1) var<storage, read> act4: array<vec4f>;

@compute @workgroup_size(WG)
fn count_main_classes4(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = threadIndex(wg, nwg, lid);
  let cell = cellOf(i, params.kernels / 4u); // g: the four kernels 4g .. 4g + 3, one vec4 of act4
  if (i >= cell.threads) { return; }
  let rows = batchRows();
  var local: array<vec4u, MAX_CLASS_SLOTS>; // local[c][e]: kernel 4g + e, class c
  for (var c = 0u; c < CLASS_SLOTS; c++) { local[c] = vec4u(0u); }
  for (var n = 0u; n < rows; n++) {
    let label = labels[n];
    let hit = select(vec4u(0u), vec4u(1u), act4[n * cell.threads + i] > vec4f(params.tau));
    for (var c = 0u; c < CLASS_SLOTS; c++) { local[c] += select(vec4u(0u), hit, label == c); }
  }
  for (var c = 0u; c < CLASS_SLOTS; c++) {
    for (var e = 0u; e < 4u; e++) {
      let at = ((4u * cell.g + e) * params.classes + c) * params.hw + cell.p;
      counts[at] = counts[at] + local[c][e];
    }
  }
}

@compute @workgroup_size(WG)
fn class_main(@builtin(global_invocation_id) gid: vec3u) {
  let c = gid.x;
  if (c >= params.classes) { return; }
  let rows = min(class_valid[0], params.batch);
  var n_c = 0u;
  for (var n = 0u; n < rows; n++) {
    n_c += select(0u, 1u, class_labels[n] == c);
  }
  class_counts[c] = class_counts[c] + n_c;
}
