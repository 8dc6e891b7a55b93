/**
 * gzip handling shared by the page and Node (fflate runs in both). Datasets arrive gzipped (IDX .gz,
 * CIFAR .tar.gz); these helpers turn fflate's terse errors into DatasetErrors that name the file, and let a
 * caller look at the first decompressed bytes (a header) without inflating a whole, possibly huge, file.
 */
import { Gunzip } from 'fflate';
import { DatasetError } from './dataset-error.ts';
import { formatBytes } from '../gpu/context.ts';

/** The largest buffer a loader will hold: V8 and Node's readFile top out around 2 GiB. */
export const MAX_DATASET_FILE_BYTES = 2 ** 31 - 1;

/** True when `bytes` starts with the gzip magic number 1f 8b. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * The uncompressed size a gzip file declares in its last four bytes (ISIZE, little-endian, modulo 2^32).
 * `trailer` is those four bytes (or the whole file).
 */
export function gzipDeclaredSize(trailer: Uint8Array): number {
  const t = trailer.subarray(trailer.length - 4);
  return (t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0;
}

/** Decompresses a whole gzip file, or throws a DatasetError naming `file`. */
export function gunzipFile(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) throw new DatasetError(file, 'is not gzip-compressed (no 1f 8b magic number at its start)');
  if (bytes.length < 18) throw new DatasetError(file, `is truncated: ${bytes.length} bytes is shorter than an empty gzip file`);
  const declared = gzipDeclaredSize(bytes);
  // fflate allocates its output from ISIZE, so an impossible ISIZE (beyond our limit, or beyond deflate's
  // 1032:1 maximum ratio, as in a truncated file whose last bytes are not a trailer) is examined by streaming first.
  if (declared > MAX_DATASET_FILE_BYTES || declared > bytes.length * 1032 + 1024) {
    const inflated = streamedLength(bytes, file);
    if (inflated > MAX_DATASET_FILE_BYTES) {
      throw new DatasetError(file, `inflates to more than the ${formatBytes(MAX_DATASET_FILE_BYTES)} a dataset file may hold`);
    }
    throw new DatasetError(file, `is truncated or damaged: it inflates to ${inflated} bytes but its gzip trailer declares ${declared}`);
  }
  // Inflated by streaming into exactly ISIZE bytes: a stream that would outgrow them (a bomb whose trailer lies,
  // which fflate's gunzipSync would silently cut to ISIZE) is stopped there, one that ends short is damaged.
  const out = new Uint8Array(declared);
  let at = 0;
  let overflow = false;
  const stream = new Gunzip((chunk) => {
    if (at + chunk.length > declared) {
      overflow = true;
      throw new RangeError('past ISIZE');
    }
    out.set(chunk, at);
    at += chunk.length;
  });
  try {
    stream.push(bytes, true);
  } catch (error) {
    if (overflow) throw new DatasetError(file, `is truncated or damaged: it inflates to more than the ${declared} bytes its gzip trailer declares`);
    const reason = (error as Error).message;
    const truncated = /unexpected EOF/i.test(reason);
    throw new DatasetError(file, truncated ? 'is truncated: the gzip stream ends early' : `is not a valid gzip file (${reason})`);
  }
  if (at !== declared) {
    throw new DatasetError(file, `is truncated or damaged: it inflates to ${at} bytes but its gzip trailer declares ${declared}`);
  }
  return out;
}

/**
 * Inflates only as much of `prefix` (the first bytes of a gzip file) as it holds and returns up to `want`
 * decompressed bytes: enough to read a header and reject a file that is not a dataset without reading it all.
 */
export function gunzipPrefix(prefix: Uint8Array, want: number, file: string): Uint8Array {
  if (!isGzip(prefix)) throw new DatasetError(file, 'is not gzip-compressed (no 1f 8b magic number at its start)');
  const chunks: Uint8Array[] = [];
  let have = 0;
  const stream = new Gunzip((chunk) => {
    chunks.push(chunk);
    have += chunk.length;
  });
  try {
    stream.push(prefix, false);
  } catch (error) {
    throw new DatasetError(file, `is not a valid gzip file (${(error as Error).message})`);
  }
  const out = new Uint8Array(Math.min(have, want));
  let at = 0;
  for (const chunk of chunks) {
    if (at >= out.length) break;
    const part = chunk.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Inflates `bytes` only to count the output (stopping past the size limit); throws a DatasetError if it ends early. */
function streamedLength(bytes: Uint8Array, file: string): number {
  let length = 0;
  const stream = new Gunzip((chunk) => {
    length += chunk.length;
    if (length > MAX_DATASET_FILE_BYTES) throw new RangeError('too large');
  });
  try {
    stream.push(bytes, true);
  } catch (error) {
    if (error instanceof RangeError) return length;
    const reason = (error as Error).message;
    throw new DatasetError(file, /unexpected EOF/i.test(reason) ? 'is truncated: the gzip stream ends early' : `is not a valid gzip file (${reason})`);
  }
  return length;
}
