/**
 * Dawn's two adapter-limit warnings, filtered out of the CLI's stderr.
 *
 * On drivers that report very large dynamic-buffer limits (lavapipe, RADV), Dawn clamps them while it enumerates
 * adapters and says so on stderr, once per process:
 *   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
 *   Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.
 * Users cannot act on them, and they look like a problem. They cannot be avoided from JavaScript:
 * - they are printed by `requestAdapter()` itself (Dawn's NormalizeLimits), before any device or limit is requested,
 *   so asking for those limits explicitly (at 16 or at the adapter's values) changes nothing;
 * - dawn.node's `create([...])` flags (`enable-dawn-features`, `disable-dawn-features`, `backend`, `adapter`,
 *   `dlldir`, `verbose`) and Dawn's toggles have no switch for its warning log;
 * - the text is written by native code (fprintf to file descriptor 2), not through `process.stderr`, and Node
 *   cannot redirect its own descriptor 2.
 * So bin.js runs the CLI as a child process whose stderr it reads through `DawnNoiseFilter`, which drops exactly
 * these two lines and passes everything else on unchanged and without delay.
 *
 * Plain JavaScript (types in dawn-noise.d.ts) because the parent process never loads tsx: that keeps the wrapper's
 * cost to one Node start (about 0.1 s) instead of 0.45 s.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** One of the two warnings, as a whole line without its newline. */
export const DAWN_LIMIT_WARNING =
  /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/;

const WARNING_START = 'Warning: maxDynamic';

/**
 * A line filter over a text stream that arrives in arbitrary chunks. Complete lines pass unless they are one of the
 * warnings; a trailing partial line passes at once (progress lines, prompts) unless it may still become one.
 */
export class DawnNoiseFilter {
  #held = '';

  /** Feeds a chunk; returns the text to write now. */
  push(chunk) {
    const text = this.#held + chunk;
    this.#held = '';
    let out = '';
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      const line = text.slice(start, end);
      if (!DAWN_LIMIT_WARNING.test(line)) out += `${line}\n`;
      start = end + 1;
    }
    const rest = text.slice(start);
    if (WARNING_START.startsWith(rest) || rest.startsWith(WARNING_START)) this.#held = rest;
    else out += rest;
    return out;
  }

  /** The end of the stream: what was held back as a possible warning is output after all, unless it is one. */
  end() {
    const rest = this.#held;
    this.#held = '';
    return DAWN_LIMIT_WARNING.test(rest) ? '' : rest;
  }
}

/** Set in the child's environment, so that bin.js runs the CLI there instead of spawning again. */
export const CHILD_ENV = 'AOM_STUDIO_CLI_CHILD';

/**
 * Runs `node <script> <args>` as a child with this process's stdin and stdout and its stderr passed through
 * DawnNoiseFilter; resolves to the exit code to end with. Signals: Ctrl-C reaches the child directly (it is in the
 * terminal's foreground process group with us), so this process ignores SIGINT rather than sending a second one,
 * which `train` would take for "abort now"; SIGTERM and SIGHUP, sent to this process alone, are passed on.
 */
export async function runFilteringDawnNoise(script, args) {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  const filter = new DawnNoiseFilter();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const text = filter.push(chunk);
    if (text) process.stderr.write(text);
  });
  const ignore = () => {};
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  try {
    const [code, signal] = await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve([c, s])); // after its stderr has ended
    });
    const rest = filter.end();
    if (rest) process.stderr.write(rest);
    // A child ended by a signal: exit as shells report it (128 + the signal's number).
    return signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
  }
}
