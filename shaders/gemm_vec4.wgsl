// gemm_vec4: C[M, N] = A[M, K] · B[K, N] (+ bias[n]) (ReLU) for GEMMs whose operands are plain matrices in
// memory (dense layers and Winograd's stacked products), reading them as vec4s: the 'lavapipe-vec4' kernels
// (src/gpu/kernels/gemm-variant.ts). lavapipe loads every non-constant storage address lane by lane, so on it the
// cost of a GEMM is its number of load instructions; a vec4 load fetches four floats for the price of one, and
// these kernels do 4x the multiply-adds per load of shaders/gemm.wgsl's register tiles. (gemm.wgsl stays the
// kernel for implicit convolutions and for shapes these do not take.)
//
// `stack` GEMMs of the same size are stored one after the other (stack = 1 for a dense layer); workgroup z picks
// GEMM s = z % stack and, when SPLIT, K slice z / stack, whose partial tile goes to C[z] (C[split][s][M][N]) for
// gemm_split_reduce.wgsl to sum; otherwise GEMM s writes C[s]. Three layouts, one entry point each, all with
// 8-invocation workgroups (lavapipe's vector width on AVX2) and no workgroup memory:
//
//   main_ab   A row-major  A[s][m][k] = a[(s*M + m)*K + k]     B row-major  B[s][k][n] = b[(s*K + k)*N + n]
//             (dense forward, Winograd forward and input-gradient products). Needs K % 4 == 0, N % 4 == 0.
//             Lane `lane` owns rows m = rowBase + lane + 8*i (i < TILE_M) and every lane the same column quads
//             q = colQuadBase + j (j < TILE_N), columns 4q..4q+3. Per 4 k: TILE_M vec4 loads of A (a row's
//             k..k+3), 4 * TILE_N of B (rows k..k+3, one quad each), 16 * TILE_M * TILE_N multiply-adds.
//   main_abt  A row-major, B stored transposed  B[s][k][n] = b[(s*N + n)*K + k]   (dense input gradient: B = wᵀ).
//             Needs K % 4 == 0. Rows as main_ab; every lane the same columns n = colBase + j (j < TILE_N).
//             Per 4 k: TILE_M + TILE_N vec4 loads, 4 * TILE_M * TILE_N multiply-adds (dot products).
//   main_atb  A stored transposed  A[s][m][k] = a[(s*K + k)*M + m], B row-major   (dense weight gradient: A = xᵀ;
//             Winograd's weight-gradient products). Needs M % 4 == 0, N % 4 == 0. Lane `lane` owns column quads
//             q = colQuadBase + lane + 8*j (j < TILE_N); every lane the same row quads rowQuadBase + i (i < TILE_M),
//             rows 4p..4p+3. Per k: TILE_M vec4 loads of A (4 rows), TILE_N of B, 16 * TILE_M * TILE_N multiply-adds.
//
// Ragged edges: rows past M read row M - 1 and columns (or quads) past N read the last one, valid addresses whose
// results are never written. K is walked whole (4 at a time where it is the vector axis), from kBegin to kEnd.
override HAS_BIAS: bool = false;
override RELU: bool = false;
override SPLIT: bool = false;
override TILE_M: u32 = 8u; // at most MAX_M
override TILE_N: u32 = 2u; // at most MAX_N

const LANES: u32 = 8u;
// Private arrays need constant sizes; only the first TILE_M x TILE_N entries are used (the rest is dead code).
const MAX_M: u32 = 8u;
const MAX_N: u32 = 8u;

struct Params {
  M: u32, N: u32, K: u32, kPerSplit: u32,
  colTiles: u32, stack: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<vec4f>;
@group(0) @binding(2) var<storage, read> b: array<vec4f>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

// The workgroup's place: its output tile (row tile, column tile) numbered linearly over x, y, the GEMM of the
// stack and the K range of its slice.
struct Place { rowTile: u32, colTile: u32, s: u32, kBegin: u32, kEnd: u32, cBase: u32 }

fn placeOf(wg: vec3u, nwg: vec3u) -> Place {
  let tile = wg.y * nwg.x + wg.x;
  var kBegin = 0u;
  var kEnd = P.K;
  if (SPLIT) {
    kBegin = (wg.z / P.stack) * P.kPerSplit;
    kEnd = min(P.K, kBegin + P.kPerSplit);
  }
  // C[z] for a split's partial (z = split * stack + s) and for GEMM s of an unsplit stack (z = s).
  return Place(tile / P.colTiles, tile % P.colTiles, wg.z % P.stack, kBegin, kEnd, wg.z * P.M * P.N);
}

// The epilogue: bias, ReLU (never on a partial: split GEMMs are gradients, which have neither), the store.
fn store(cBase: u32, m: u32, n: u32, value: f32) {
  if (m >= P.M || n >= P.N) { return; }
  var v = value;
  if (HAS_BIAS) { v += bias[n]; }
  if (RELU) { v = max(v, 0.0); }
  c[cBase + m * P.N + n] = v;
}

@compute @workgroup_size(LANES, 1, 1)
fn main_ab(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let place = placeOf(wg, nwg);
  let rowBase = place.rowTile * LANES * TILE_M;
  if (rowBase >= P.M) { return; } // spare workgroups of the spread grid (uniform: all lanes leave)
  let K4 = P.K / 4u;
  let N4 = P.N / 4u;
  let colQuadBase = place.colTile * TILE_N;
  // vec4 index of A[s][m][0] for each owned row, and of B[s][0][4q] for each column quad.
  var aRow: array<u32, MAX_M>;
  for (var i = 0u; i < TILE_M; i++) { aRow[i] = (place.s * P.M + min(rowBase + lid.x + LANES * i, P.M - 1u)) * K4; }
  var bQuad: array<u32, MAX_N>;
  for (var j = 0u; j < TILE_N; j++) { bQuad[j] = place.s * P.K * N4 + min(colQuadBase + j, N4 - 1u); }

  var acc: array<array<vec4f, MAX_N>, MAX_M>;
  for (var k4 = place.kBegin / 4u; k4 < place.kEnd / 4u; k4++) {
    var av: array<vec4f, MAX_M>;
    for (var i = 0u; i < TILE_M; i++) { av[i] = a[aRow[i] + k4]; }
    for (var kk = 0u; kk < 4u; kk++) {
      let bRow = (k4 * 4u + kk) * N4; // B[s][k][.] starts at vec4 s*K*N4 + k*N4
      for (var j = 0u; j < TILE_N; j++) {
        let bv = b[bQuad[j] + bRow];
        for (var i = 0u; i < TILE_M; i++) { acc[i][j] = fma(vec4f(av[i][kk]), bv, acc[i][j]); }
      }
    }
  }
  for (var i = 0u; i < TILE_M; i++) {
    let m = rowBase + lid.x + LANES * i;
    for (var j = 0u; j < TILE_N; j++) {
      let n = (colQuadBase + j) * 4u;
      for (var t = 0u; t < 4u; t++) { store(place.cBase, m, n + t, acc[i][j][t]); }
    }
  }
}

@compute @workgroup_size(LANES, 1, 1)
fn main_abt(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let place = placeOf(wg, nwg);
  let rowBase = place.rowTile * LANES * TILE_M;
  if (rowBase >= P.M) { return; }
  let K4 = P.K / 4u;
  let colBase = place.colTile * TILE_N;
  var aRow: array<u32, MAX_M>;
  for (var i = 0u; i < TILE_M; i++) { aRow[i] = (place.s * P.M + min(rowBase + lid.x + LANES * i, P.M - 1u)) * K4; }
  // vec4 index of B[s][0][n], i.e. of column n of the transposed store (its row n): b[(s*N + n)*K4 + k4].
  var bCol: array<u32, MAX_N>;
  for (var j = 0u; j < TILE_N; j++) { bCol[j] = (place.s * P.N + min(colBase + j, P.N - 1u)) * K4; }

  var acc: array<array<f32, MAX_N>, MAX_M>;
  for (var k4 = place.kBegin / 4u; k4 < place.kEnd / 4u; k4++) {
    var av: array<vec4f, MAX_M>;
    for (var i = 0u; i < TILE_M; i++) { av[i] = a[aRow[i] + k4]; }
    for (var j = 0u; j < TILE_N; j++) {
      let bv = b[bCol[j] + k4];
      for (var i = 0u; i < TILE_M; i++) { acc[i][j] += dot(av[i], bv); }
    }
  }
  for (var i = 0u; i < TILE_M; i++) {
    for (var j = 0u; j < TILE_N; j++) { store(place.cBase, rowBase + lid.x + LANES * i, colBase + j, acc[i][j]); }
  }
}

@compute @workgroup_size(LANES, 1, 1)
fn main_atb(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let place = placeOf(wg, nwg);
  let M4 = P.M / 4u;
  let N4 = P.N / 4u;
  let rowQuadBase = place.rowTile * TILE_M;
  if (rowQuadBase >= M4) { return; }
  let colQuadBase = place.colTile * LANES * TILE_N;
  // vec4 index of A[s][4p][k] (= a[(s*K + k)*M + 4p]) at k = 0, and of B[s][0][4q].
  var aQuad: array<u32, MAX_M>;
  for (var i = 0u; i < TILE_M; i++) { aQuad[i] = place.s * P.K * M4 + min(rowQuadBase + i, M4 - 1u); }
  var bQuad: array<u32, MAX_N>;
  for (var j = 0u; j < TILE_N; j++) { bQuad[j] = place.s * P.K * N4 + min(colQuadBase + lid.x + LANES * j, N4 - 1u); }

  // acc[i*4 + t][j]: row 4(rowQuadBase + i) + t, column quad colQuadBase + lane + 8j.
  var acc: array<array<vec4f, MAX_N>, 16>;
  for (var k = place.kBegin; k < place.kEnd; k++) {
    var bv: array<vec4f, MAX_N>;
    for (var j = 0u; j < TILE_N; j++) { bv[j] = b[bQuad[j] + k * N4]; }
    for (var i = 0u; i < TILE_M; i++) {
      let av = a[aQuad[i] + k * M4];
      for (var t = 0u; t < 4u; t++) {
        for (var j = 0u; j < TILE_N; j++) { acc[i * 4u + t][j] = fma(vec4f(av[t]), bv[j], acc[i * 4u + t][j]); }
      }
    }
  }
  for (var i = 0u; i < TILE_M; i++) {
    for (var t = 0u; t < 4u; t++) {
      let m = (rowQuadBase + i) * 4u + t;
      for (var j = 0u; j < TILE_N; j++) {
        let n = (colQuadBase + lid.x + LANES * j) * 4u;
        for (var u = 0u; u < 4u; u++) { store(place.cBase, m, n + u, acc[i * 4u + t][j][u]); }
      }
    }
  }
}
