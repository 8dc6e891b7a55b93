/**
 * A small reader for tar archives (POSIX ustar, with the GNU long-name and pax path extensions), enough for
 * the official CIFAR archives and what `tar` writes today. Members are views into the archive (no copies).
 *
 * Layout: a sequence of 512-byte headers, each followed by the member's data padded to a multiple of 512;
 * two zero blocks end the archive. Header fields used: name [0, 100), size [124, 136) (octal, or base-256
 * when the first byte has its high bit set), checksum [148, 156), type [156], prefix [345, 500) (ustar).
 */
import { DatasetError } from './dataset-error.ts';
import { unsafeEntryName } from './archive-path.ts';

export interface TarEntry {
  /** Path inside the archive, e.g. 'cifar-10-batches-bin/data_batch_1.bin'. */
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

/** A NUL-terminated string field. */
function field(header: Uint8Array, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** A numeric field: octal text, or big-endian base-256 when the top bit of the first byte is set (GNU, > 8 GiB). */
function numberField(header: Uint8Array, start: number, length: number): number {
  if (header[start] & 0x80) {
    let value = header[start] & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + header[i];
    return value;
  }
  const text = field(header, start, length).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** Whether a 512-byte block is a tar header: its checksum (sum of bytes, checksum field read as spaces) matches. */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length < BLOCK) return false;
  const stored = numberField(block, 148, 8);
  if (!Number.isFinite(stored)) return false;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === stored && sum !== 8 * 0x20; // an all-zero block sums to 256 and is the end marker, not a header
}

const isZeroBlock = (block: Uint8Array) => block.every((b) => b === 0);

/** The `path` record of a pax extended header ("<length> path=<value>\n" records). */
function paxPath(data: Uint8Array): string | null {
  const text = decoder.decode(data);
  for (const record of text.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return null;
}

/** Lists the regular files of a tar archive; throws a DatasetError naming `file` if it is not one or is cut short. */
export function readTar(bytes: Uint8Array, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  let ended = false;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(header)) {
      ended = true;
      break;
    }
    if (!isTarHeader(header)) {
      throw new DatasetError(
        file,
        offset === 0 ? 'is not a tar archive (its first block is not a tar header)' : `is damaged: the block at byte ${offset} is not a tar header`,
      );
    }
    const size = numberField(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) {
      const name = longName ?? field(header, 0, 100);
      throw new DatasetError(file, `is truncated: member ${name} needs ${size} bytes from byte ${dataStart}, but the archive ends at byte ${bytes.length}`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = field(data, 0, data.length); // GNU: this member's data is the next member's name
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    const ustar = field(header, 257, 6).startsWith('ustar');
    const prefix = ustar ? field(header, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = null;
    if (type === '0' || type === '7') {
      // Regular files ('7': contiguous); a name that would land outside the archive is refused, not skipped.
      const unsafe = unsafeEntryName(name);
      if (unsafe) throw new DatasetError(file, `member '${name.slice(0, 200)}' ${unsafe}`);
      entries.push({ name, data });
    }
  }
  if (!ended && offset < bytes.length && offset > 0) {
    throw new DatasetError(file, `is truncated: the header at byte ${offset} is cut short (the archive ends at byte ${bytes.length})`);
  }
  if (entries.length === 0 && offset === 0) throw new DatasetError(file, 'is not a tar archive (too short or empty)');
  return entries;
}
