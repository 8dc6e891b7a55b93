// gemm_stack_const_b: one GEMM of a stack, C[z] = A[z] . B[z] with A[z] [M, K], B[z] [K, N], C[z] [M, N] stored
// one after the other (gemm.wgsl's MODE 7: Winograd's products), shaped for lavapipe. There only a load from a
// compile-time-constant address is one load and a broadcast; every other address, even one the whole workgroup
// shares, is loaded lane by lane. So B[z] is bound at its own offset (one dispatch per z, from a bind group of its
// own), K and N are pipeline constants and the loops over them are unrolled: every B[k, n] = b[k*N + n] is then a
// constant address, and only A and C cost per-lane loads and stores.
//
// Lanes along rows: lane `lane` of workgroup w owns rows m = (w * ROWS + r) * LANES + lane for r < ROWS (clamped
// to M - 1, so a ragged last workgroup recomputes row M - 1 and writes the same value), keeps their ROWS * K
// values of A in registers, and walks n = 0 .. N - 1 by one call per n (NIR does not unroll a loop whose body is
// hundreds of multiply-adds): per n, K broadcast loads of B, ROWS * K multiply-adds, ROWS stores. The z of this
// dispatch is in its uniform record (aBase = z*M*K, cBase = z*M*N), bound at the record's offset.
// Limits (checked by the planner): K <= MAX_K, N <= 32 (one nStep call each), ROWS <= MAX_ROWS.
override K: u32 = 16u;
override N: u32 = 32u;
override LANES: u32 = 8u;
override ROWS: u32 = 4u;

const MAX_K: u32 = 32u;
const MAX_ROWS: u32 = 4u;

struct Params { M: u32, aBase: u32, cBase: u32 }

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>; // this GEMM's B only: b[k*N + n]
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// aRows[r * K + k] = A[row r, k]; private arrays need constant sizes, only ROWS * K entries are used.
var<private> aRows: array<f32, 128>; // MAX_ROWS * MAX_K
var<private> rowOf: array<u32, 4>; // MAX_ROWS

// Column n of this thread's rows: C[row, n] = sum_k A[row, k] * B[k, n]. `n` is a literal at every call, so after
// inlining the guard folds away (n >= N: no code) and every b index is a constant.
fn nStep(n: u32) {
  if (n < N) {
    var acc: array<f32, 4>; // MAX_ROWS
    for (var k = 0u; k < K; k++) {
      let bkn = b[k * N + n];
      for (var r = 0u; r < ROWS; r++) { acc[r] = fma(aRows[r * K + k], bkn, acc[r]); }
    }
    for (var r = 0u; r < ROWS; r++) { c[P.cBase + rowOf[r] * N + n] = acc[r]; }
  }
}

@compute @workgroup_size(LANES, 1, 1)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  for (var r = 0u; r < ROWS; r++) {
    rowOf[r] = min((wg.x * ROWS + r) * LANES + lid.x, P.M - 1u);
    for (var k = 0u; k < K; k++) { aRows[r * K + k] = a[P.aBase + rowOf[r] * K + k]; }
  }
  nStep(0u); nStep(1u); nStep(2u); nStep(3u); nStep(4u); nStep(5u); nStep(6u); nStep(7u);
  nStep(8u); nStep(9u); nStep(10u); nStep(11u); nStep(12u); nStep(13u); nStep(14u); nStep(15u);
  nStep(16u); nStep(17u); nStep(18u); nStep(19u); nStep(20u); nStep(21u); nStep(22u); nStep(23u);
  nStep(24u); nStep(25u); nStep(26u); nStep(27u); nStep(28u); nStep(29u); nStep(30u); nStep(31u);
}
