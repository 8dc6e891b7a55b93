/**
 * NumPy `.npy` files, format version 1.0 (numpy.lib.format): the 6-byte magic `\x93NUMPY`, version bytes 1 0,
 * a little-endian u16 header length, then an ASCII Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (K, C, H, W), }` padded with spaces and ended by '\n' so
 * that the data starts at a multiple of 64 bytes (what NumPy itself writes), then the elements little-endian
 * in C (row-major) order. Only the dtypes aom-studio writes are supported: float32 ('<f4') and uint32 ('<u4').
 */

export type NpyData = Float32Array | Uint32Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
const PREAMBLE = MAGIC.length + 2 + 2; // magic, version, header length
const ALIGN = 64;

/** NumPy's dtype string of a typed array (always little-endian). */
function descrOf(data: NpyData): '<f4' | '<u4' {
  return data instanceof Float32Array ? '<f4' : '<u4';
}

/** Python's repr of a shape tuple: `()`, `(5,)`, `(2, 3)`. */
function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Encodes `data` with `shape` (C order) as a .npy v1.0 file. */
export function encodeNpy(data: NpyData, shape: readonly number[]): Uint8Array {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`encodeNpy: shape [${shape.join(', ')}] has a dimension that is not a non-negative integer`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeNpy: shape [${shape.join(', ')}] holds ${count} elements but the data has ${data.length}`);

  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  // Pad with spaces so that preamble + header + '\n' is a multiple of ALIGN.
  const unpadded = PREAMBLE + header.length + 1;
  header += ' '.repeat((ALIGN - (unpadded % ALIGN)) % ALIGN) + '\n';
  if (header.length > 0xffff) throw new RangeError(`encodeNpy: header of ${header.length} bytes does not fit format 1.0`);

  const out = new Uint8Array(PREAMBLE + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1; // major version
  out[7] = 0; // minor version
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[PREAMBLE + i] = header.charCodeAt(i);
  // Typed arrays are in platform order; every platform WebGPU runs on is little-endian, but write explicitly.
  const view = new DataView(out.buffer, PREAMBLE + header.length);
  if (data instanceof Float32Array) for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setUint32(i * 4, data[i], true);
  return out;
}

/** A decoded .npy file: its dtype string, shape and elements. */
export interface DecodedNpy {
  descr: '<f4' | '<u4';
  shape: number[];
  data: NpyData;
  /** Byte offset of the data (a multiple of 64 for files NumPy or encodeNpy wrote). */
  dataOffset: number;
}

/** Decodes a .npy v1.0 file holding '<f4' or '<u4' in C order; `name` goes into error messages. */
export function decodeNpy(bytes: Uint8Array, name = 'npy file'): DecodedNpy {
  const fail = (problem: string): never => {
    throw new RangeError(`${name}: ${problem}`);
  };
  if (bytes.length < PREAMBLE || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (no \\x93NUMPY magic)');
  if (bytes[6] !== 1 || bytes[7] !== 0) fail(`format version ${bytes[6]}.${bytes[7]} is not supported (only 1.0)`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  const dataOffset = PREAMBLE + headerLength;
  if (bytes.length < dataOffset) fail('truncated header');
  const header = String.fromCharCode(...bytes.subarray(PREAMBLE, dataOffset));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4' && descr !== '<u4') return fail(`dtype '${descr}' is not supported (only '<f4' and '<u4')`);
  if (fortran !== 'False') fail('Fortran-order arrays are not supported');
  if (shapeText === undefined) return fail('header has no shape');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - dataOffset !== count * 4) fail(`shape (${shapeText}) needs ${count * 4} data bytes, the file has ${bytes.length - dataOffset}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, count * 4);
  const data = descr === '<f4' ? new Float32Array(count) : new Uint32Array(count);
  for (let i = 0; i < count; i++) data[i] = descr === '<f4' ? view.getFloat32(i * 4, true) : view.getUint32(i * 4, true);
  return { descr, shape, data, dataOffset };
}
