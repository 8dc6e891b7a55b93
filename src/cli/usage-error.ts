/**
 * A mistake in how a command was called (an unknown option, a missing or malformed value, an unexpected
 * argument). Commands throw it; the shared runner (options.ts) prints `aom-studio <cmd>: <message>` and a pointer to
 * `--help`, and exits 2. Every other user-facing error (a bad file, a model that does not fit, no GPU) exits 1.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
