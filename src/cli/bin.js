#!/usr/bin/env node
// The `aom-studio` command. The engine is TypeScript shared with the page; tsx compiles it on the fly, so the
// CLI runs from a clone without a build step (and with the same sources the tests exercise).
// The command runs in a child process whose stderr this one filters of Dawn's two native adapter-limit warnings
// (dawn-noise.js says why they cannot be silenced in-process); only the child loads tsx.
import { fileURLToPath } from 'node:url';
import { CHILD_ENV, runFilteringDawnNoise } from './dawn-noise.js';

let code;
if (process.env[CHILD_ENV] === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  code = await main(process.argv.slice(2));
} else {
  code = await runFilteringDawnNoise(fileURLToPath(import.meta.url), process.argv.slice(2));
}
// Dawn keeps the process alive while GPU objects exist; exit explicitly once output is flushed.
process.stdout.write('', () => process.exit(code));
