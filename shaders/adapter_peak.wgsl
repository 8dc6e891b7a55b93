// adapter_peak: the adapter's attainable ceilings, for the benchmarks' "share of peak" (src/bench/peak-cases.ts).
// Thread i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x (workgroups spread over x and y past the limit).
//
//   fma:  thread i < count runs `iterations` rounds of 16 independent multiply-adds on four vec4 chains,
//           acc[j] = fma(acc[j], multiplier, addend),  acc[j] starting at vec4(x + 4j, x + 4j + 1, ...) / 64,
//           x = f32(i % 61), and writes out[i] = the sum of the 16 lanes (so nothing is dead code).
//         16 independent chains per thread hide the FMA latency on a CPU's vector units (lavapipe runs a
//         workgroup's invocations as the lanes of one vector) as on a GPU's; the multiplier and addend come from
//         the uniform so the compiler cannot fold the loop. FLOPs: count * iterations * 16 * 2.
//   copy: thread i < count copies dst[i] = src[i] (vec4, 16 bytes): 32 bytes of traffic per thread.
override WG: u32 = 64u;

struct FmaParams { count: u32, iterations: u32, multiplier: f32, addend: f32 }
struct CopyParams { count: u32 }

@group(0) @binding(0) var<uniform> fma_params: FmaParams;
@group(0) @binding(0) var<uniform> copy_params: CopyParams;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(WG)
fn fma_loop(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= fma_params.count) { return; }
  let x = f32(i % 61u);
  var a0 = (vec4f(0.0, 1.0, 2.0, 3.0) + x) / 64.0;
  var a1 = (vec4f(4.0, 5.0, 6.0, 7.0) + x) / 64.0;
  var a2 = (vec4f(8.0, 9.0, 10.0, 11.0) + x) / 64.0;
  var a3 = (vec4f(12.0, 13.0, 14.0, 15.0) + x) / 64.0;
  let m = vec4f(fma_params.multiplier);
  let c = vec4f(fma_params.addend);
  for (var k = 0u; k < fma_params.iterations; k++) {
    a0 = fma(a0, m, c);
    a1 = fma(a1, m, c);
    a2 = fma(a2, m, c);
    a3 = fma(a3, m, c);
  }
  let s = a0 + a1 + a2 + a3;
  out[i] = s.x + s.y + s.z + s.w;
}

@compute @workgroup_size(WG)
fn copy(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i < copy_params.count) { dst[i] = src[i]; }
}
