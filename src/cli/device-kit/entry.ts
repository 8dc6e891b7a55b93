/**
 * The device kit's entry point (build.ts bundles it): the CLI's main, run in this process. bin.js's child process
 * (which filters two native Dawn warnings from stderr and loads tsx) has no place in a bundle; the warnings stay.
 */
import { main } from '../main.ts';

const code = await main(process.argv.slice(2));
// Dawn keeps the process alive while GPU objects exist; exit explicitly once output is flushed.
process.stdout.write('', () => process.exit(code));
