/**
 * Whether a path inside an archive (a zip entry, a tar member, a weight shard a model.json lists) stays inside it:
 * nothing a user opens may name a file outside the folder or archive it came in.
 */
/** Why `name` is not a safe path inside an archive, or null. */
export function unsafeEntryName(name: string): string | null {
  if (name.length === 0 || name.length > 1024) return 'has an empty or over-long name';
  if (name.includes('\0')) return 'has a NUL character in its name';
  if (name.includes('\\')) return 'has a backslash in its name (paths in a zip use /)';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').some((part) => part === '..')) return "has a '..' component (it would land outside the folder)";
  return null;
}
