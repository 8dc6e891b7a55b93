/**
 * CLI entry: `aom-studio <command> [options]`. One explicit table of commands; each lives in
 * src/cli/commands/<name>.ts and returns an exit code. Errors a user can act on (bad files, shapes, no GPU)
 * print one clear line and exit 1; anything else prints its stack.
 */
import { GpuUnavailableError } from '../gpu/errors.ts';

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

type Command = (args: string[], io: CommandIo) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  data: { summary: 'describe a dataset: aom-studio data <spec> [--json]', load: async () => (await import('./commands/data.ts')).dataCommand },
  train: { summary: 'train a model: aom-studio train --model <mnist-ref|cifar-ref|model.json> --dataset <spec> --out <dir>', load: async () => (await import('./commands/train.ts')).trainCommand },
  eval: { summary: 'evaluate a model: aom-studio eval --model <model.json> --dataset <spec> [--split test] [--json]', load: async () => (await import('./commands/eval.ts')).evalCommand },
  predict: { summary: 'write logits: aom-studio predict --model <model.json> --dataset <spec> [--split test] [--limit N] --out <logits.npy>', load: async () => (await import('./commands/predict.ts')).predictCommand },
  analyze: { summary: 'maps, statistics and suggestions: aom-studio analyze --model M --dataset D --out DIR [--split S] [--per-class N] [--layer L]... [--tau X] [--json]', load: async () => (await import('./commands/analyze.ts')).analyzeCommand },
  bench: { summary: 'benchmark the GPU kernels: aom-studio bench [--json] [--filter TEXT]', load: async () => (await import('./commands/bench.ts')).benchCommand },
  edit: { summary: 'edit an architecture: aom-studio edit --model <model.json> [--drop L:K,K] [--widen L:+N] [--insert-after L] --out <dir>', load: async () => (await import('./commands/edit.ts')).editCommand },
  tune: { summary: 'the method end to end: aom-studio tune --model <model.json> --dataset <spec> [--auto] [--retrain-epochs N] --out <dir>', load: async () => (await import('./commands/tune.ts')).tuneCommand },
};

export function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `aom-studio: tune CNN architectures with Activation Occurrence Maps on WebGPU\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`aom-studio: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
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
