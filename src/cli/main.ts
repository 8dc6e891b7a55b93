/**
 * CLI entry: `aom-studio <command> [options]`. One explicit table of commands, each loaded only when needed
 * (src/cli/commands/<name>.ts, a `defineCommand` from options.ts that parses its own options, answers `--help`,
 * and exits 2 on a usage error). Errors a user can act on (bad files, shapes, no GPU) print one clear line and
 * exit 1; anything else prints its stack. Commands never import this file.
 */
import { GpuUnavailableError } from '../gpu/errors.ts';
import type { CommandIo } from './command-io.ts';
import type { Command } from './options.ts';

const commands: Record<string, () => Promise<Command>> = {
  data: async () => (await import('./commands/data.ts')).dataCommand,
  train: async () => (await import('./commands/train.ts')).trainCommand,
  eval: async () => (await import('./commands/eval.ts')).evalCommand,
  predict: async () => (await import('./commands/predict.ts')).predictCommand,
  analyze: async () => (await import('./commands/analyze.ts')).analyzeCommand,
  bench: async () => (await import('./commands/bench.ts')).benchCommand,
  edit: async () => (await import('./commands/edit.ts')).editCommand,
  tune: async () => (await import('./commands/tune.ts')).tuneCommand,
  baselines: async () => (await import('./commands/baselines.ts')).baselinesCommand,
  export: async () => (await import('./commands/export.ts')).exportCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
};

/** The command names, in the order `aom-studio --help` lists them. */
export const COMMAND_NAMES: readonly string[] = Object.keys(commands);

/** The command called `name` (its module is imported on first use); undefined for an unknown name. */
export function loadCommand(name: string): Promise<Command> | undefined {
  return Object.hasOwn(commands, name) ? commands[name]() : undefined;
}

/** The list of commands with their summaries (this loads every command module, which takes a moment). */
export async function usage(): Promise<string> {
  const loaded = await Promise.all(COMMAND_NAMES.map((name) => commands[name]()));
  const lines = loaded.map((c) => `  ${c.spec.name.padEnd(9)} ${c.spec.summary}`);
  return (
    'aom-studio: tune CNN architectures with Activation Occurrence Maps on WebGPU\n\n' +
    'usage: aom-studio <command> [options]\n\n' +
    `commands:\n${lines.join('\n')}\n\n` +
    "run 'aom-studio <command> --help' for a command's options and examples\n"
  );
}

export async function main(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout(await usage());
    return 0;
  }
  if (!name) {
    io.stderr(await usage());
    return 2;
  }
  const loading = loadCommand(name);
  if (!loading) {
    io.stderr(`aom-studio: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  const command = await loading;
  try {
    return await command(rest, io);
  } catch (error) {
    const e = error as Error;
    if (isUserFacing(e)) {
      io.stderr(`aom-studio ${name}: ${e.message}\n`);
      return 1;
    }
    io.stderr(`aom-studio ${name}: ${e.stack ?? e.message}\n`);
    return 1;
  }
}

/** Errors whose message is the whole story (named after a file, layer or limit); others get a stack trace. */
function isUserFacing(e: Error): boolean {
  return e instanceof GpuUnavailableError || /Error$/.test(e.name) && e.name !== 'Error' && e.name !== 'TypeError' && e.name !== 'RangeError' && e.name !== 'ReferenceError';
}

const defaultIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
