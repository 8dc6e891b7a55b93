/**
 * Packs a kernel's runtime shape into the bytes of its WGSL uniform struct. Every field we use is a 4-byte
 * scalar (u32, i32 or f32), laid out in declaration order, so the struct has no padding between fields and
 * only needs rounding up to 16 bytes at the end (done by GpuContext.uniform).
 */
export type UniformField = { u32: number } | { i32: number } | { f32: number };

export function packUniforms(fields: readonly UniformField[]): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil((fields.length * 4) / 16) * 16));
  const view = new DataView(bytes);
  fields.forEach((field, i) => {
    if ('u32' in field) {
      if (!Number.isInteger(field.u32) || field.u32 < 0 || field.u32 > 0xffffffff) throw new RangeError(`uniform field ${i}: ${field.u32} is not a u32`);
      view.setUint32(i * 4, field.u32, true);
    } else if ('i32' in field) {
      view.setInt32(i * 4, field.i32, true);
    } else {
      view.setFloat32(i * 4, field.f32, true);
    }
  });
  return bytes;
}

/** Shorthand for a struct of u32 fields only. */
export const u32s = (...values: number[]): ArrayBuffer => packUniforms(values.map((u32) => ({ u32 })));
