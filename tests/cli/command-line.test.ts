// The command line of every command, from its option table: help, usage errors (exit 2) and parsing. No test here
// gets past parsing into a command's body, so none needs a GPU or a dataset.
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, loadCommand, main } from '../../src/cli/main.ts';
import { defineCommand, numberRule, parseCommandLine, type CommandSpec, type NumberOption, type OptionSpec } from '../../src/cli/options.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

async function capture(run: (io: { stdout: (s: string) => void; stderr: (s: string) => void }) => Promise<number>) {
  let out = '';
  let err = '';
  const code = await run({ stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

const commands = await Promise.all(COMMAND_NAMES.map(async (name) => ({ name, command: await loadCommand(name)! })));
const hint = (name: string) => `run 'aom-studio ${name} --help' for the options\n`;

/** Arguments that satisfy every required option and positional of `spec` (values are never used: parsing fails first). */
function requiredArgs(spec: CommandSpec, except?: string): string[] {
  const args = (spec.positionals ?? []).map((p) => `some-${p.name}`);
  for (const [name, o] of Object.entries(spec.options)) if (o.required && name !== except) args.push(`--${name}`, `some-${name}`);
  return args;
}

const isNumber = (o: OptionSpec): o is NumberOption => o.type === 'string' && o.number !== undefined;

describe('aom-studio <command> --help', () => {
  it('knows the eleven commands', () => {
    expect(COMMAND_NAMES).toEqual(['data', 'train', 'eval', 'predict', 'analyze', 'bench', 'edit', 'tune', 'baselines', 'export', 'report']);
    for (const { name, command } of commands) expect(command.spec.name).toBe(name);
  });

  for (const name of COMMAND_NAMES) {
    it(`${name}: --help and -h print summary, usage, every option of the table with its default, and examples; exit 0`, async () => {
      const { spec } = commands.find((c) => c.name === name)!.command;
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await capture((io) => main([name, flag], io));
        expect(code, flag).toBe(0);
        expect(err).toBe('');
        const lines = out.split('\n');
        expect(lines[0]).toBe(`aom-studio ${name}: ${spec.summary}`);
        expect(out).toContain(`usage: aom-studio ${name}`);
        for (const [option, o] of Object.entries(spec.options)) {
          // The option's own line starts with its syntax; its description (wrapped) and default follow it.
          const at = lines.findIndex((l) => l.startsWith(`  --${option}${o.type === 'boolean' ? '' : ` ${o.value}`}`));
          expect(at, `--${option}`).toBeGreaterThan(0);
          const next = lines.findIndex((l, i) => i > at && !l.startsWith('   '));
          const entry = lines.slice(at, next).join(' ').replace(/\s+/g, ' ');
          expect(entry).toContain(o.description.split(' ').slice(0, 3).join(' '));
          const shown = o.defaultText ?? (o.type === 'string' ? o.default : undefined);
          if (shown !== undefined) expect(entry, `--${option}`).toContain(`default ${shown}`);
          if (o.required) expect(entry, `--${option}`).toContain('required');
        }
        expect(spec.examples.length).toBeGreaterThan(0);
        for (const example of spec.examples) {
          expect(example.startsWith(`aom-studio ${name}`)).toBe(true);
          expect(out).toContain(`  ${example}\n`);
        }
      }
    });
  }

  it('help even beside a mistake: the user asked what the options are', async () => {
    const { code, out } = await capture((io) => main(['train', '--frobnicate', '--help'], io));
    expect(code).toBe(0);
    expect(out).toMatch(/^aom-studio train: /);
  });
});

describe('aom-studio without a command', () => {
  it('--help, -h and help list every command with its summary, exit 0; nothing at all lists them and exits 2', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], []]) {
      const { code, out, err } = await capture((io) => main(argv, io));
      expect(code, argv.join(' ')).toBe(argv.length ? 0 : 2);
      const text = argv.length ? out : err;
      for (const { name, command } of commands) expect(text.split('\n')).toContain(`  ${name.padEnd(9)} ${command.spec.summary}`);
    }
    const unknown = await capture((io) => main(['trian'], io));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^aom-studio: unknown command 'trian'/);
  });
});

describe('usage errors exit 2 with the message and a pointer to --help', () => {
  for (const { name, command } of commands) {
    const { spec } = command;
    it(`${name}: an unknown option, a non-number, a missing required option, an extra argument`, async () => {
      const expectUsage = async (argv: string[], message: RegExp) => {
        const { code, out, err } = await capture((io) => main([name, ...argv], io));
        expect(code, argv.join(' ')).toBe(2);
        expect(out).toBe('');
        expect(err.split('\n')[0], argv.join(' ')).toMatch(new RegExp(`^aom-studio ${name}: ${message.source}`));
        expect(err.endsWith(hint(name))).toBe(true);
      };
      await expectUsage([...requiredArgs(spec), '--frobnicate'], /unknown option '--frobnicate'/);
      await expectUsage([...requiredArgs(spec), '-z'], /unknown option '-z'/);
      await expectUsage([...requiredArgs(spec), 'stray', 'words'], /unexpected argument '(stray|words)'/);
      const numbers = Object.entries(spec.options).filter(([, o]) => isNumber(o));
      for (const [option, o] of numbers) {
        for (const bad of ['x', '', '1e999']) {
          await expectUsage([...requiredArgs(spec), `--${option}=${bad}`], new RegExp(`--${option} must be ${numberRule(o as NumberOption).replace(/[()[\].+*?]/g, '\\$&')}, got '${bad}'`));
        }
      }
      for (const [option, o] of Object.entries(spec.options)) {
        if (!o.required) continue;
        await expectUsage(requiredArgs(spec, option), new RegExp(`missing --${option} .*\\(--${option} is required\\)`));
        await expectUsage([...requiredArgs(spec, option), `--${option}=`], new RegExp(`missing --${option} `));
      }
      for (const [option, o] of Object.entries(spec.options)) {
        if (o.type === 'boolean') await expectUsage([...requiredArgs(spec), `--${option}=yes`], new RegExp(`--${option} takes no value`));
        else await expectUsage([...requiredArgs(spec), `--${option}`], new RegExp(`--${option} .* needs a value`));
      }
    });
  }

  it('the choices of --split, integer ranges, and several missing options at once', async () => {
    const train = await capture((io) => main(['train', '--model', 'mnist-ref', '--dataset', 'mnist', '--out', 'x', '--epochs', '0'], io));
    expect([train.code, train.err.split('\n')[0]]).toEqual([2, "aom-studio train: --epochs must be an integer >= 1, got '0'"]);
    const optimizer = await capture((io) => main(['train', '--model', 'mnist-ref', '--dataset', 'mnist', '--out', 'x', '--optimizer', 'rmsprop'], io));
    expect(optimizer.err.split('\n')[0]).toBe("aom-studio train: --optimizer must be sgd or adam, got 'rmsprop'");
    const split = await capture((io) => main(['eval', '--model', 'm.json', '--dataset', 'mnist', '--split', 'valid'], io));
    expect([split.code, split.err.split('\n')[0]]).toEqual([2, "aom-studio eval: --split must be train, validation or test, got 'valid'"]);
    const momentum = await capture((io) => main(['train', '--model', 'mnist-ref', '--dataset', 'mnist', '--out', 'x', '--momentum', '1'], io));
    expect(momentum.err.split('\n')[0]).toBe("aom-studio train: --momentum must be a number in [0, 1), got '1'");
    const none = await capture((io) => main(['tune'], io));
    expect([none.code, none.err.split('\n')[0]]).toEqual([2, 'aom-studio tune: missing --dataset SPEC and --out DIR (each is required)']);
  });
});

describe('parseCommandLine', () => {
  const spec = {
    name: 'demo',
    summary: 'a demo',
    positionals: [{ name: 'thing', description: 'what to demo' }],
    options: {
      out: { type: 'string', value: 'DIR', required: true, description: 'where' },
      count: { type: 'string', number: 'integer', min: 1, max: 9, default: 3, value: 'N', description: 'how many' },
      tau: { type: 'string', number: 'real', default: 0, value: 'X', description: 'threshold' },
      ratio: { type: 'string', number: 'real', above: 0, below: 1, value: 'F', description: 'a fraction' },
      mode: { type: 'string', choices: ['fast', 'slow'], default: 'fast', value: 'M', description: 'speed' },
      tag: { type: 'string', multiple: true, value: 'T', description: 'labels' },
      other: { type: 'string', multiple: true, value: 'O', description: 'more labels' },
      json: { type: 'boolean', description: 'JSON' },
    },
    examples: ['aom-studio demo x --out y'],
  } as const satisfies CommandSpec;

  const parse = (argv: string[]) => {
    const parsed = parseCommandLine(spec, argv);
    if (parsed === 'help') throw new Error('unexpected help');
    return parsed;
  };

  it('applies the defaults and gives typed values', () => {
    const { values, positionals } = parse(['thing', '--out', 'o']);
    expect(positionals).toEqual(['thing']);
    expect(values).toEqual({ out: 'o', count: 3, tau: 0, ratio: undefined, mode: 'fast', tag: [], other: [], json: false });
  });

  it('reads --name value and --name=value, the last occurrence wins, values may start with a dash', () => {
    const { values } = parse(['--count=2', 'thing', '--count', '5', '--tau', '-0.5', '--out=-dir', '--mode', 'slow', '--ratio', '0.25', '--json']);
    expect(values).toMatchObject({ count: 5, tau: -0.5, out: '-dir', mode: 'slow', ratio: 0.25, json: true });
  });

  it('keeps every occurrence of a repeatable option, and the order across options', () => {
    const { values, given } = parse(['thing', '--out', 'o', '--tag', 'a', '--other', 'b', '--tag=c']);
    expect(values.tag).toEqual(['a', 'c']);
    expect(values.other).toEqual(['b']);
    expect(given.filter((g) => g.name !== 'out').map((g) => `${g.name}=${g.value}`)).toEqual(['tag=a', 'other=b', 'tag=c']);
  });

  it('takes everything after -- as a positional', () => {
    expect(parse(['--out', 'o', '--', '--json']).positionals).toEqual(['--json']);
  });

  it('answers help for --help or -h anywhere', () => {
    for (const argv of [['--help'], ['-h'], ['thing', '--out', 'o', '-h'], ['--bogus', '--help']]) expect(parseCommandLine(spec, argv)).toBe('help');
  });

  it('throws a UsageError that names the option and the rule', () => {
    const cases: [string[], string][] = [
      [['thing', '--out', 'o', '--count', '10'], "--count must be an integer in 1..9, got '10'"],
      [['thing', '--out', 'o', '--count', '2.5'], "--count must be an integer in 1..9, got '2.5'"],
      [['thing', '--out', 'o', '--ratio', '1'], "--ratio must be a number in (0, 1), got '1'"],
      [['thing', '--out', 'o', '--tau', ' '], "--tau must be a number, got ' '"],
      [['thing', '--out', 'o', '--tau', 'NaN'], "--tau must be a number, got 'NaN'"],
      [['thing', '--out', 'o', '--mode', 'medium'], "--mode must be fast or slow, got 'medium'"],
      [['thing', '--out', 'o', '--mode'], '--mode M needs a value'],
      [['thing', '--out', 'o', '--json=no'], "--json takes no value, got '--json=no'"],
      [['thing', '--out', 'o', '--help-me'], "unknown option '--help-me'"],
      [['thing', '--out', 'o', '-c', '3'], "unknown option '-c'"],
      [['thing'], 'missing --out DIR (--out is required)'],
      [['--out', 'o'], 'missing <thing>'],
      [['thing', 'more', '--out', 'o'], "unexpected argument 'more'"],
    ];
    for (const [argv, message] of cases) {
      const run = () => parseCommandLine(spec, argv);
      expect(run, argv.join(' ')).toThrow(UsageError);
      expect(run, argv.join(' ')).toThrow(message);
    }
  });

  it('words number rules from the bounds', () => {
    const rule = (o: Partial<NumberOption>) => numberRule({ type: 'string', number: 'real', description: '', ...o });
    expect(rule({})).toBe('a number');
    expect(rule({ number: 'integer', min: 0 })).toBe('an integer >= 0');
    expect(rule({ above: 0 })).toBe('a number > 0');
    expect(rule({ below: 1 })).toBe('a number < 1');
    expect(rule({ min: 0, below: 1 })).toBe('a number in [0, 1)');
    expect(rule({ number: 'integer', min: 0, max: 4 })).toBe('an integer in 0..4');
  });

  it('defineCommand turns usage errors of the body into exit 2 and lets other errors through', async () => {
    const command = defineCommand(spec, async ({ values }) => {
      if (values.json) throw new UsageError('--json is not for this thing');
      throw new Error('a real failure');
    });
    const usage = await capture((io) => command(['thing', '--out', 'o', '--json'], io));
    expect(usage).toEqual({ code: 2, out: '', err: `aom-studio demo: --json is not for this thing\nusage: aom-studio demo <thing> --out DIR [options]\n${hint('demo')}` });
    await expect(capture((io) => command(['thing', '--out', 'o'], io))).rejects.toThrow('a real failure');
    expect(() => defineCommand({ ...spec, options: { help: { type: 'boolean', description: 'mine' } } }, async () => 0)).toThrow(/--help is built in/);
  });
});
