/**
 * Unzipping an untrusted archive (a dataset .zip, a project file) with its sizes bounded before anything is
 * allocated and checked again while inflating:
 *   1. the central directory is read first (fflate's filter, nothing inflated): every entry's name is checked
 *      (no absolute path, drive letter, backslash, NUL or '..' component: nothing may name a place outside the
 *      archive), duplicates are refused, and the declared sizes are held to the caller's limits, per entry and
 *      in all, together with the entry count;
 *   2. the entries wanted are then inflated by streaming, and one that outgrows the size it declared (a zip
 *      bomb whose headers lie) is stopped at that size; one that ends short of it is damaged.
 * `fail` makes the caller's error (a DatasetError, a project error) from a problem in words.
 */
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { unsafeEntryName } from './archive-path.ts';

export { unsafeEntryName } from './archive-path.ts';

export interface UnzipLimits {
  /** Most entries (all of them, wanted or not). */
  maxEntries: number;
  /** Most bytes one wanted entry may declare. */
  maxEntryBytes: number;
  /** Most bytes all wanted entries may declare together. */
  maxTotalBytes: number;
  /** Whether to inflate the entry (directories, ending in '/', are never wanted). */
  wanted(name: string): boolean;
}

export interface Unzipped {
  files: Map<string, Uint8Array>;
  /** Files skipped (not wanted; directory entries are not counted). */
  skipped: number;
}

export function unzipBounded(bytes: Uint8Array, limits: UnzipLimits, makeError: (problem: string) => Error): Unzipped {
  // Errors made here pass through fflate's callbacks unchanged; anything else fflate throws is a damaged archive.
  const ours = new WeakSet<Error>();
  const fail = (problem: string): Error => {
    const error = makeError(problem);
    ours.add(error);
    return error;
  };
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
  if (!isZip) throw fail('is not a zip archive (no PK signature at its start)');
  const declared = new Map<string, number>();
  let entries = 0;
  let total = 0;
  let skipped = 0;
  let problem: Error | null = null;
  try {
    unzipSync(bytes, {
      filter: (entry) => {
        if (problem) return false;
        entries++;
        const unsafe = unsafeEntryName(entry.name);
        if (entries > limits.maxEntries) problem = fail(`has more than ${limits.maxEntries} entries`);
        else if (unsafe) problem = fail(`entry '${entry.name.slice(0, 200)}' ${unsafe}`);
        else if (declared.has(entry.name)) problem = fail(`has two entries named '${entry.name}'`);
        else if (entry.name.endsWith('/')) declared.set(entry.name, -1); // a directory: nothing to inflate
        else if (!limits.wanted(entry.name)) skipped++;
        else if (entry.compression !== 0 && entry.compression !== 8) problem = fail(`entry '${entry.name}' uses compression method ${entry.compression} (only stored and deflate are read)`);
        else if (entry.originalSize > limits.maxEntryBytes) problem = fail(`entry '${entry.name}' declares ${entry.originalSize} bytes, more than ${limits.maxEntryBytes} allowed for one entry`);
        else if ((total += entry.originalSize) > limits.maxTotalBytes) problem = fail(`declares more than ${limits.maxTotalBytes} bytes in all when unpacked`);
        else declared.set(entry.name, entry.originalSize);
        return false;
      },
    });
  } catch (error) {
    throw fail(`is not a readable zip archive (${(error as Error).message})`);
  }
  if (problem) throw problem;

  const files = new Map<string, Uint8Array>();
  const unzip = new Unzip((file) => {
    const limit = declared.get(file.name);
    if (limit === undefined || limit < 0 || files.has(file.name)) return; // not wanted: never started, never inflated
    const chunks: Uint8Array[] = [];
    let have = 0;
    file.ondata = (error, chunk, final) => {
      if (error) throw fail(`entry '${file.name}' cannot be inflated (${error.message})`);
      have += chunk.length;
      if (have > limit) throw fail(`entry '${file.name}' inflates to more than the ${limit} bytes its header declares (a zip bomb?)`);
      chunks.push(chunk);
      if (final) {
        if (have !== limit) throw fail(`entry '${file.name}' inflates to ${have} bytes but its header declares ${limit}`);
        const out = new Uint8Array(have);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        files.set(file.name, out);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    unzip.push(bytes, true);
  } catch (error) {
    if (ours.has(error as Error)) throw error;
    throw fail(`is not a readable zip archive (${(error as Error).message})`);
  }
  for (const [name, size] of declared) if (size >= 0 && !files.has(name)) throw fail(`entry '${name}' is listed but its data could not be read (truncated archive?)`);
  return { files, skipped };
}
