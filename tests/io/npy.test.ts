import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '../../src/io/npy.ts';

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe('npy v1.0', () => {
  it('writes the magic, version, a 64-byte aligned header and little-endian C-order data', () => {
    const data = Float32Array.from([1.5, -2, 3.25, 0, Number.NaN, 1e-30]);
    const bytes = encodeNpy(data, [2, 3]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = ascii(bytes.subarray(10, 10 + headerLength));
    expect(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }")).toBe(true);
    expect(header.endsWith('\n')).toBe(true);
    expect(bytes.length).toBe(10 + headerLength + 24);
    // 1.5f = 0x3fc00000, little-endian.
    expect(Array.from(bytes.subarray(10 + headerLength, 14 + headerLength))).toEqual([0x00, 0x00, 0xc0, 0x3f]);
    const back = decodeNpy(bytes);
    expect(back.descr).toBe('<f4');
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('round-trips uint32 of every rank, 1-D as (n,) and 0-D as ()', () => {
    for (const shape of [[5], [2, 1, 3, 2], [], [0, 4]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Uint32Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 0);
      const bytes = encodeNpy(data, shape);
      const header = ascii(bytes.subarray(10, 10 + (bytes[8] | (bytes[9] << 8))));
      expect(header).toContain(`'descr': '<u4'`);
      expect(header).toContain(`'shape': ${shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`}`);
      const back = decodeNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(back.data).toBeInstanceOf(Uint32Array);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('refuses a shape that does not match the data, and files it cannot read', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 elements but the data has 5/);
    const bytes = encodeNpy(new Float32Array(4), [4]);
    expect(() => decodeNpy(bytes.subarray(0, bytes.length - 1), 'x.npy')).toThrow(/x.npy: shape \(4,\) needs 16 data bytes/);
    const f8 = bytes.slice();
    f8.set([...`'<f8'`].map((c) => c.charCodeAt(0)), 10 + 10);
    expect(() => decodeNpy(f8, 'y.npy')).toThrow(/y.npy: dtype '<f8' is not supported/);
    expect(() => decodeNpy(new Uint8Array(20))).toThrow(/not a .npy file/);
  });
});
