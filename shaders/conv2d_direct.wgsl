// conv2d_direct: the forward and the weight gradient of a convolution with few input channels (a network's first
// layer: 1-channel MNIST, 3-channel RGB), where the implicit GEMM (gemm.wgsl) spends more on the index math of each
// tap than on its multiply-adds: its K = kH*kW*inC is 25 or 27, one or three k per outer step.
//
// Tensors as in conv2d-contract.ts: x NHWC [batch, inH, inW, INC], w HWIO [KH, KW, INC, outC], y NHWC
// [batch, outH, outW, outC]; iy = oy*strideH + ky - padTop, ix = ox*SW + kx - padLeft (zero outside the image).
//
// forward and weight_grad: a workgroup is LANES threads along output channels (forward_pixels, below, puts them
// along output pixels): thread `lane` owns o_j = colBase + lane + LANES * j (j < COLS).
// It walks a run of output pixels along one output row (n, oy), ox = ox0, ox0 + 1, ... and keeps the receptive
// field of the current pixel in registers: win[t * INC + c] = x[n, iy(ky), ix(ox, kx), c] with t = ky * KW + kx.
// Moving to the next ox shifts the window by SW columns (win at kx takes the value at kx + SW) and loads only the
// KH * min(SW, KW) * INC new values, so a pixel costs that many loads for KH*KW*INC*COLS multiply-adds (mnist-ref's
// conv1: 5 loads for 50). Every index into win, wreg and acc is a constant once KH, KW, INC, SW and COLS are fixed
// and the loops unrolled, so they live in registers (or the stack), never in per-lane storage loads.
//
//   forward:      acc[j] = sum_{t, c} win[t*INC + c] * w[t, c, o_j];  y[n, oy, ox, o_j] = act(acc[j] + bias[o_j])
//                 w is read once per thread into wreg[(t*INC + c) * COLS + j]; a workgroup covers rowsPerSplit
//                 output rows (a run of `run` pixels of each), so that one read serves many pixels.
//   weight_grad:  dw[t, c, o_j] = sum_{n, oy, ox} win[t*INC + c] * dy[n, oy, ox, o_j], with db[o_j] = sum dy as well
//                 (with RELU, dy where the layer's output y > 0: its ReLU's backward folded in);
//                 workgroup z of the grid's y axis sums output rows [z*rowsPerSplit, (z+1)*rowsPerSplit) of the
//                 batch*outH rows and writes partials dwPartial[z][t*INC + c][o] and dbPartial[z][o], which
//                 gemm_split_reduce.wgsl sums.
override KH: u32 = 3u;
override KW: u32 = 3u;
override INC: u32 = 1u;
override SW: u32 = 1u; // stride along x: how far the window shifts per output pixel
override COLS: u32 = 2u;
override LANES: u32 = 8u;
override HAS_BIAS: bool = false;
override RELU: bool = false;

// Private arrays need constant sizes; only the first KH*KW*INC (x COLS) entries are used. conv2d-direct.ts admits
// a conv only where KH*KW*INC <= MAX_WIN and COLS <= MAX_COLS.
const MAX_WIN: u32 = 64u;
const MAX_KH: u32 = 8u;
const MAX_COLS: u32 = 4u;

struct Params {
  batch: u32, inH: u32, inW: u32, outH: u32,
  outW: u32, outC: u32, strideH: u32, padTop: u32,
  padLeft: u32, colTiles: u32, run: u32, runsPerRow: u32,
  rowsPerSplit: u32, // weight_grad: output rows per split; forward: per workgroup
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
// forward
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
// weight_grad
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dwPartial: array<f32>;
@group(0) @binding(4) var<storage, read_write> dbPartial: array<f32>;
// weight_grad with RELU: the layer's output y = max(pre-activation, 0); dy is masked to where y > 0 (the ReLU's
// backward, for a first layer whose pre-activation gradient has no other reader).
@group(0) @binding(5) var<storage, read> reluOutput: array<f32>;

// Where row ky of the window reads x for output row (n, oy): rowStart[ky] = index of x[n, iy, 0, 0], or -1 when iy
// is outside the image (those taps read zero).
var<private> rowStart: array<i32, MAX_KH>;
var<private> win: array<f32, MAX_WIN>;

fn setRows(n: u32, oy: u32) {
  for (var ky = 0u; ky < KH; ky++) {
    let iy = i32(oy * P.strideH + ky) - i32(P.padTop);
    let inside = iy >= 0 && iy < i32(P.inH);
    rowStart[ky] = select(-1, (i32(n * P.inH) + iy) * i32(P.inW * INC), inside);
  }
}

// The window moves along an output row without branches: gallivm (lavapipe) runs both sides of every `if`
// under a lane mask, loads included, so a window that chose per tap between keeping a column and loading it paid
// for KH*KW*INC loads at every pixel. Instead each pixel shifts the kept columns (constant indices: register moves)
// and loads only the NEW = min(SW, KW) columns that enter; the columns a run's first pixel keeps are loaded once
// before the run, as the NEW..KW-1 columns of a virtual pixel one step to its left (zero outside the image).

// Loads window columns kx in [kxFrom, KW) for the pixel whose leftmost tap is at input column ix0.
fn loadColumns(ix0: i32, kxFrom: u32) {
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = kxFrom; kx < KW; kx++) {
      let ix = ix0 + i32(kx);
      let inside = rowStart[ky] >= 0 && ix >= 0 && ix < i32(P.inW);
      for (var c = 0u; c < INC; c++) {
        win[(ky * KW + kx) * INC + c] = select(0.0, x[u32(select(0, rowStart[ky] + ix * i32(INC) + i32(c), inside))], inside);
      }
    }
  }
}

// win at column kx takes the value at kx + SW, for the columns that stay in the window.
fn shiftColumns() {
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx + SW < KW; kx++) {
      for (var c = 0u; c < INC; c++) { win[(ky * KW + kx) * INC + c] = win[(ky * KW + kx + SW) * INC + c]; }
    }
  }
}

fn newColumns() -> u32 { return min(SW, KW); }

// Before a run starting at output column ox0: the columns its first pixel keeps from a (virtual) previous one.
fn startRun(ox0: u32) { loadColumns(i32(ox0 * SW) - i32(SW) - i32(P.padLeft), newColumns()); }

// Moves the window onto output column ox (after startRun or the pixel ox - 1).
fn slide(ox: u32) {
  shiftColumns();
  loadColumns(i32(ox * SW) - i32(P.padLeft), KW - newColumns());
}

fn channelOf(colTile: u32, lane: u32, j: u32) -> u32 { return colTile * LANES * COLS + lane + LANES * j; }

@compute @workgroup_size(LANES, 1, 1)
fn forward(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  // Workgroups are numbered linearly over (block of rowsPerSplit output rows, run along them, column tile),
  // spread over x and y. A workgroup covers several rows so that reading its weights once is worth it.
  let tile = wg.y * nwg.x + wg.x;
  let colTile = tile % P.colTiles;
  let run = tile / P.colTiles;
  let rowBegin = (run / P.runsPerRow) * P.rowsPerSplit;
  let rows = P.batch * P.outH;
  if (rowBegin >= rows) { return; } // spare workgroups of the spread grid (uniform)
  let rowEnd = min(rows, rowBegin + P.rowsPerSplit);
  let ox0 = (run % P.runsPerRow) * P.run;
  let ox1 = min(P.outW, ox0 + P.run);

  // Channels past outC read channel outC - 1 (a valid address) and are never written.
  var col: array<u32, MAX_COLS>;
  for (var j = 0u; j < COLS; j++) { col[j] = min(channelOf(colTile, lid.x, j), P.outC - 1u); }
  var wreg: array<f32, 256>; // MAX_WIN * MAX_COLS
  for (var t = 0u; t < KH * KW * INC; t++) {
    for (var j = 0u; j < COLS; j++) { wreg[t * COLS + j] = w[t * P.outC + col[j]]; }
  }
  var b: array<f32, MAX_COLS>;
  for (var j = 0u; j < COLS; j++) { b[j] = select(0.0, bias[col[j]], HAS_BIAS); }

  for (var row = rowBegin; row < rowEnd; row++) {
    setRows(row / P.outH, row % P.outH);
    startRun(ox0);
    for (var ox = ox0; ox < ox1; ox++) {
      slide(ox);
      // Zeroed by hand each pixel: lavapipe was seen to keep a loop-local array's values from the iteration before.
      var acc: array<f32, MAX_COLS>;
      for (var j = 0u; j < COLS; j++) { acc[j] = 0.0; }
      for (var t = 0u; t < KH * KW * INC; t++) {
        for (var j = 0u; j < COLS; j++) { acc[j] = fma(win[t], wreg[t * COLS + j], acc[j]); }
      }
      let out = (row * P.outW + ox) * P.outC;
      for (var j = 0u; j < COLS; j++) {
        let o = channelOf(colTile, lid.x, j);
        if (o >= P.outC) { break; }
        var v = acc[j] + b[j];
        if (RELU) { v = max(v, 0.0); }
        y[out + o] = v;
      }
    }
  }
}

// forward_pixels: lanes along output pixels instead of output channels, for OUTC <= MAX_OUTC output channels (a
// multiple of 4) and at most MAX_PIXEL_TAPS taps: thread g walks run `g % runsPerRow` of output row g / runsPerRow
// (rows = batch*outH, runs of `run` pixels; conv2d-direct.ts gives each thread a whole row) with the same sliding
// window, and computes every output channel of each pixel:
//   y[n, oy, ox, o] = act(bias[o] + sum_t win[t] * w[t*OUTC + o]),  written as OUTC / 4 vec4s per pixel.
// Why it is faster on lavapipe: every weight index is a constant, which gallivm loads once and broadcasts (a
// per-lane address costs a loop over the lanes), so the thread copies its OUTC x taps weights into registers (or
// the stack) once; and each lane's window loads serve all OUTC channels, so a pixel costs KH * min(SW, KW) * INC
// loads and OUTC / 4 vec4 stores for KH*KW*INC*OUTC multiply-adds (mnist-ref's conv1: 5 loads, 4 stores, 400).
// The taps are walked by one call per tap, each with a constant t: NIR unrolls a loop over the OUTC channels but
// not one over the taps around it (KH*KW*INC*OUTC multiply-adds is past its limit), and a tap index left in a loop
// would make every weight index a per-lane load again. Taps past KH*KW*INC are constant-false and compile away.
@group(0) @binding(4) var<storage, read_write> y4: array<vec4f>;
const MAX_OUTC: u32 = 32u;
const MAX_PIXEL_TAPS: u32 = 32u; // the calls to tapLoad and tapFma below
override OUTC: u32 = 4u;
var<private> pixelAcc: array<f32, MAX_OUTC>;
var<private> pixelW: array<f32, 1024>; // MAX_PIXEL_TAPS * MAX_OUTC: pixelW[t * OUTC + o] = w[t, o]

fn tapLoad(t: u32) {
  if (t < KH * KW * INC) {
    for (var o = 0u; o < OUTC; o++) { pixelW[t * OUTC + o] = w[t * OUTC + o]; }
  }
}

fn tapFma(t: u32) {
  if (t < KH * KW * INC) {
    for (var o = 0u; o < OUTC; o++) { pixelAcc[o] = fma(win[t], pixelW[t * OUTC + o], pixelAcc[o]); }
  }
}

@compute @workgroup_size(LANES, 1, 1)
fn forward_pixels(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let g = (wg.y * nwg.x + wg.x) * LANES + lid.x;
  let row = g / P.runsPerRow;
  if (row >= P.batch * P.outH) { return; } // spare threads of the last workgroup
  let ox0 = (g % P.runsPerRow) * P.run;
  let ox1 = min(P.outW, ox0 + P.run);
  tapLoad(0u); tapLoad(1u); tapLoad(2u); tapLoad(3u); tapLoad(4u); tapLoad(5u); tapLoad(6u); tapLoad(7u);
  tapLoad(8u); tapLoad(9u); tapLoad(10u); tapLoad(11u); tapLoad(12u); tapLoad(13u); tapLoad(14u); tapLoad(15u);
  tapLoad(16u); tapLoad(17u); tapLoad(18u); tapLoad(19u); tapLoad(20u); tapLoad(21u); tapLoad(22u); tapLoad(23u);
  tapLoad(24u); tapLoad(25u); tapLoad(26u); tapLoad(27u); tapLoad(28u); tapLoad(29u); tapLoad(30u); tapLoad(31u);
  setRows(row / P.outH, row % P.outH);
  startRun(ox0);
  for (var ox = ox0; ox < ox1; ox++) {
    slide(ox);
    // Set by hand each pixel (lavapipe was seen to keep a loop-local array's values from the iteration before).
    for (var o = 0u; o < OUTC; o++) { pixelAcc[o] = select(0.0, bias[o], HAS_BIAS); }
    tapFma(0u); tapFma(1u); tapFma(2u); tapFma(3u); tapFma(4u); tapFma(5u); tapFma(6u); tapFma(7u);
    tapFma(8u); tapFma(9u); tapFma(10u); tapFma(11u); tapFma(12u); tapFma(13u); tapFma(14u); tapFma(15u);
    tapFma(16u); tapFma(17u); tapFma(18u); tapFma(19u); tapFma(20u); tapFma(21u); tapFma(22u); tapFma(23u);
    tapFma(24u); tapFma(25u); tapFma(26u); tapFma(27u); tapFma(28u); tapFma(29u); tapFma(30u); tapFma(31u);
    let out = (row * P.outW + ox) * (OUTC / 4u);
    for (var q = 0u; q < OUTC / 4u; q++) {
      var v = vec4f(pixelAcc[4u * q], pixelAcc[4u * q + 1u], pixelAcc[4u * q + 2u], pixelAcc[4u * q + 3u]);
      if (RELU) { v = max(v, vec4f(0.0)); }
      y4[out + q] = v;
    }
  }
}

@compute @workgroup_size(LANES, 1, 1)
fn weight_grad(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  // x: column tiles; y: splits of the batch*outH output rows.
  let colTile = wg.x;
  let split = wg.y;
  let rows = P.batch * P.outH;
  let rowBegin = split * P.rowsPerSplit;
  let rowEnd = min(rows, rowBegin + P.rowsPerSplit);

  var col: array<u32, MAX_COLS>;
  for (var j = 0u; j < COLS; j++) { col[j] = min(channelOf(colTile, lid.x, j), P.outC - 1u); }
  var acc: array<f32, 256>; // MAX_WIN * MAX_COLS: acc[(t*INC + c) * COLS + j]
  var accBias: array<f32, MAX_COLS>;
  for (var row = rowBegin; row < rowEnd; row++) {
    setRows(row / P.outH, row % P.outH);
    startRun(0u);
    for (var ox = 0u; ox < P.outW; ox++) {
      slide(ox);
      let at = (row * P.outW + ox) * P.outC;
      var g: array<f32, MAX_COLS>;
      for (var j = 0u; j < COLS; j++) {
        g[j] = dy[at + col[j]];
        if (RELU) { g[j] = select(0.0, g[j], reluOutput[at + col[j]] > 0.0); }
        accBias[j] += g[j];
      }
      for (var t = 0u; t < KH * KW * INC; t++) {
        for (var j = 0u; j < COLS; j++) { acc[t * COLS + j] = fma(win[t], g[j], acc[t * COLS + j]); }
      }
    }
  }

  let taps = KH * KW * INC;
  for (var j = 0u; j < COLS; j++) {
    let o = channelOf(colTile, lid.x, j);
    if (o >= P.outC) { break; }
    for (var t = 0u; t < taps; t++) { dwPartial[(split * taps + t) * P.outC + o] = acc[t * COLS + j]; }
    dbPartial[split * P.outC + o] = accBias[j];
  }
}
