/**
 * CPU reference of shaders/adapter_peak.wgsl's FMA loop: thread i's 16 chains acc = acc * multiplier + addend,
 * in float32 (each multiply-add rounded once, as a fused multiply-add is; Math.fround of the double result is
 * that rounding for float32 inputs, whose product is exact in double), summed as the shader sums them.
 */
export function fmaLoop(threads: number, iterations: number, multiplier: number, addend: number): Float32Array {
  const f = Math.fround;
  const m = f(multiplier);
  const c = f(addend);
  const out = new Float32Array(threads);
  for (let i = 0; i < threads; i++) {
    const x = i % 61;
    // Chain j (0..15) is lane j % 4 of vec4 j / 4, starting at (j + x) / 64.
    const acc = Array.from({ length: 16 }, (_, j) => f((j + x) / 64));
    for (let k = 0; k < iterations; k++) for (let j = 0; j < 16; j++) acc[j] = f(acc[j] * m + c);
    // s = a0 + a1 + a2 + a3 per lane, then s.x + s.y + s.z + s.w.
    const lane = [0, 1, 2, 3].map((l) => f(f(f(acc[l] + acc[4 + l]) + acc[8 + l]) + acc[12 + l]));
    out[i] = f(f(f(lane[0] + lane[1]) + lane[2]) + lane[3]);
  }
  return out;
}
