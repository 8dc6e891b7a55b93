#!/usr/bin/env node
// The `aom-studio` command. The engine is TypeScript shared with the page; tsx compiles it on the fly, so the
// CLI runs from a clone without a build step (and with the same sources the tests exercise).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
const code = await main(process.argv.slice(2));
// Dawn keeps the process alive while GPU objects exist; exit explicitly once output is flushed.
process.stdout.write('', () => process.exit(code));
