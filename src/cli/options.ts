/**
 * The command line of every `aom-studio` command, driven by one table per command: the same entries parse the
 * arguments (with Node's `util.parseArgs`), apply the defaults, check the values (numbers, integer ranges,
 * choices, required options) and write `--help`. A command is `defineCommand(spec, body)`: the result takes argv
 * and answers `--help` / `-h` (exit 0), turns any UsageError into `aom-studio <cmd>: <message>` plus a pointer to
 * `--help` (exit 2), and otherwise runs the body with typed values.
 */
import { parseArgs } from 'node:util';
import type { CommandIo } from './command-io.ts';
import { UsageError } from './usage-error.ts';

interface OptionBase {
  /** What the option does, in one line (help adds the default, the allowed values and "required"). */
  description: string;
  /** Placeholder of the value in help and messages ('N', 'PATH'); string options only. */
  value?: string;
  /** The command cannot run without it (so it has no default). */
  required?: boolean;
  /** The default in words, for help, when it is not a literal `default` (e.g. 'the whole split'). */
  defaultText?: string;
}

/** `--json`: true when given, false otherwise. */
export interface FlagOption extends OptionBase {
  type: 'boolean';
}

/** `--out DIR`: the text as given; with `choices`, one of them; with `multiple`, every occurrence in order. */
export interface TextOption extends OptionBase {
  type: 'string';
  multiple?: boolean;
  default?: string;
  choices?: readonly string[];
  number?: never;
}

/** `--epochs N`: a finite number ('integer': a whole one), within the bounds given (min/max inclusive, above/below exclusive). */
export interface NumberOption extends OptionBase {
  type: 'string';
  number: 'real' | 'integer';
  default?: number;
  min?: number;
  max?: number;
  above?: number;
  below?: number;
  multiple?: never;
  choices?: never;
}

export type OptionSpec = FlagOption | TextOption | NumberOption;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** An argument that is not an option, e.g. the dataset spec of `aom-studio data <spec>`. */
export interface PositionalSpec {
  name: string;
  description: string;
}

export interface CommandSpec<T extends OptionTable = OptionTable> {
  name: string;
  /** One line: what the command does (the first line of its help and its line in `aom-studio --help`). */
  summary: string;
  /** Required positional arguments, in order (none for most commands). */
  positionals?: readonly PositionalSpec[];
  options: T;
  /** Paragraphs printed after the options. */
  notes?: readonly string[];
  /** Whole command lines, at least one. */
  examples: readonly string[];
}

type Given<O, T> = O extends { required: true } ? T : O extends { default: string | number } ? T : T | undefined;
type ValueOf<O> = O extends { type: 'boolean' }
  ? boolean
  : O extends { multiple: true }
    ? string[]
    : O extends { number: 'real' | 'integer' }
      ? Given<O, number>
      : O extends { choices: readonly (infer C extends string)[] }
        ? Given<O, C>
        : Given<O, string>;

/** The parsed values, keyed by option name: booleans, numbers, strings, choice unions and arrays as declared. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

export interface CommandLine<T extends OptionTable> {
  values: OptionValues<T>;
  positionals: string[];
  /** Every option occurrence in command-line order (edit applies its edits in the order they were given). */
  given: { name: keyof T & string; value: string | undefined /* undefined for a flag */ }[];
  /** The arguments as received. */
  argv: readonly string[];
}

export type Command = ((argv: string[], io: CommandIo) => Promise<number>) & { spec: CommandSpec };

/** A command from its table and its body; see the file comment for what the wrapper does. */
export function defineCommand<const T extends OptionTable>(
  spec: CommandSpec<T>,
  body: (args: CommandLine<T>, io: CommandIo) => Promise<number>,
): Command & { spec: CommandSpec<T> } {
  if ('help' in spec.options) throw new Error(`aom-studio ${spec.name}: --help is built in; the option table must not declare it`);
  if (spec.examples.length === 0) throw new Error(`aom-studio ${spec.name}: the command needs at least one example`);
  const run = async (argv: string[], io: CommandIo): Promise<number> => {
    try {
      const parsed = parseCommandLine(spec, argv);
      if (parsed === 'help') {
        io.stdout(formatHelp(spec));
        return 0;
      }
      return await body(parsed, io);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr(formatUsageError(spec, error.message));
      return 2;
    }
  };
  return Object.assign(run, { spec });
}

/** A usage error as printed: what is wrong, the usage line, and where the options are described. */
export function formatUsageError(spec: CommandSpec, message: string): string {
  return `aom-studio ${spec.name}: ${message}\nusage: ${usageLine(spec)}\nrun 'aom-studio ${spec.name} --help' for the options\n`;
}

/** `--name PLACEHOLDER` as help and messages show it. */
function optionSyntax(name: string, o: OptionSpec): string {
  return o.type === 'boolean' ? `--${name}` : `--${name} ${o.value ?? 'VALUE'}`;
}

/** `aom-studio train --model NAME|PATH --dataset SPEC --out DIR [options]`: positionals and required options. */
export function usageLine(spec: CommandSpec): string {
  const required = Object.entries(spec.options).filter(([, o]) => o.required).map(([name, o]) => optionSyntax(name, o));
  const positionals = (spec.positionals ?? []).map((p) => `<${p.name}>`);
  return ['aom-studio', spec.name, ...positionals, ...required, '[options]'].join(' ');
}

/**
 * Reads argv against the table: 'help' when `--help` or `-h` is anywhere in it (even beside a mistake: the
 * user asked what the options are), else the values; throws UsageError naming the first problem found.
 *
 * parseArgs runs with `strict: false` and its tokens are checked here against the table, for two reasons: a value
 * may start with a dash (`--tau -0.5`, which strict mode refuses as ambiguous), and the messages name the option
 * the way help spells it instead of Node's generic wording.
 */
export function parseCommandLine<T extends OptionTable>(spec: CommandSpec<T>, argv: readonly string[]): CommandLine<T> | 'help' {
  const config: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) config[name] = { type: o.type, multiple: o.type === 'string' && o.multiple === true };
  const { tokens } = parseArgs({ args: [...argv], options: config, strict: false, allowPositionals: true, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return 'help';

  const raw = new Map<string, string[]>();
  const given: CommandLine<T>['given'] = [];
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const o = Object.hasOwn(spec.options, token.name) ? spec.options[token.name] : undefined;
    // A short form (-x) is never declared: only -h exists, and it was answered above.
    if (!o || token.rawName !== `--${token.name}`) throw new UsageError(`unknown option '${token.rawName}'`);
    if (o.type === 'boolean' && token.value !== undefined) throw new UsageError(`--${token.name} takes no value, got '${token.rawName}=${token.value}'`);
    if (o.type === 'string' && token.value === undefined) throw new UsageError(`${optionSyntax(token.name, o)} needs a value`);
    raw.set(token.name, [...(raw.get(token.name) ?? []), token.value ?? '']);
    given.push({ name: token.name as keyof T & string, value: token.value });
  }

  const expected = spec.positionals ?? [];
  if (positionals.length > expected.length) throw new UsageError(`unexpected argument '${positionals[expected.length]}'`);
  if (positionals.length < expected.length) throw new UsageError(`missing <${expected[positionals.length].name}>`);

  // An empty value (`--out=`) of a required option counts as missing: no command can use an empty path or spec.
  const missing = Object.entries(spec.options).filter(([name, o]) => o.required && !raw.get(name)?.at(-1));
  if (missing.length === 1) throw new UsageError(`missing ${optionSyntax(missing[0][0], missing[0][1])} (--${missing[0][0]} is required)`);
  if (missing.length > 1) {
    const names = missing.map(([name, o]) => optionSyntax(name, o));
    throw new UsageError(`missing ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} (each is required)`);
  }

  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = readValue(name, o, raw.get(name));
  return { values: values as OptionValues<T>, positionals, given, argv };
}

/** One option's value from its occurrences (the last wins unless it is `multiple`), checked against its entry. */
function readValue(name: string, o: OptionSpec, texts: string[] | undefined): unknown {
  if (o.type === 'boolean') return texts !== undefined;
  if (o.multiple) return texts ?? [];
  const text = texts?.[texts.length - 1];
  if (text === undefined) return o.default;
  if (o.number) {
    const value = Number(text);
    // Number('') and Number(' ') are 0; an empty value is not a number.
    const ok = text.trim() !== '' && Number.isFinite(value) && (o.number === 'real' || Number.isInteger(value)) && inBounds(value, o);
    if (!ok) throw new UsageError(`--${name} must be ${numberRule(o)}, got '${text}'`);
    return value;
  }
  if (o.choices && !o.choices.includes(text)) throw new UsageError(`--${name} must be ${orList(o.choices)}, got '${text}'`);
  return text;
}

function inBounds(v: number, o: NumberOption): boolean {
  return !(o.min !== undefined && v < o.min) && !(o.max !== undefined && v > o.max) && !(o.above !== undefined && v <= o.above) && !(o.below !== undefined && v >= o.below);
}

/** 'an integer >= 1', 'a number in [0, 1)', 'an integer in 0..4294967295', 'a number'. */
export function numberRule(o: NumberOption): string {
  const kind = o.number === 'integer' ? 'an integer' : 'a number';
  const low = o.min !== undefined ? { v: o.min, open: false } : o.above !== undefined ? { v: o.above, open: true } : null;
  const high = o.max !== undefined ? { v: o.max, open: false } : o.below !== undefined ? { v: o.below, open: true } : null;
  if (low && high) {
    if (o.number === 'integer' && !low.open && !high.open) return `${kind} in ${low.v}..${high.v}`;
    return `${kind} in ${low.open ? '(' : '['}${low.v}, ${high.v}${high.open ? ')' : ']'}`;
  }
  if (low) return `${kind} ${low.open ? '>' : '>='} ${low.v}`;
  if (high) return `${kind} ${high.open ? '<' : '<='} ${high.v}`;
  return kind;
}

function orList(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** What help says after an option's description: its allowed values, repeatable, required or its default. */
function optionFacts(o: OptionSpec): string[] {
  const facts: string[] = [];
  if (o.type === 'string' && o.number) facts.push(numberRule(o));
  if (o.type === 'string' && o.choices) facts.push(o.choices.join(' | '));
  if (o.type === 'string' && o.multiple) facts.push('repeatable');
  if (o.required) facts.push('required');
  else if (o.defaultText !== undefined) facts.push(`default ${o.defaultText}`);
  else if (o.type === 'string' && o.default !== undefined) facts.push(`default ${o.default}`);
  return facts;
}

const HELP_WIDTH = 100;

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** `name  description` rows with the descriptions in one column, wrapped; a long name puts its text below it. */
function table(rows: [string, string][]): string[] {
  const column = Math.min(30, Math.max(...rows.map(([name]) => name.length)) + 4);
  const out: string[] = [];
  for (const [name, text] of rows) {
    const body = wrap(text, HELP_WIDTH - column);
    const first = name.length + 4 <= column ? `  ${name.padEnd(column - 2)}${body.shift() ?? ''}` : `  ${name}`;
    out.push(first.trimEnd(), ...body.map((l) => `${' '.repeat(column)}${l}`));
  }
  return out;
}

/** The command's help: summary, usage, arguments, every option with its default, notes, examples. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`aom-studio ${spec.name}: ${spec.summary}`, '', `usage: ${usageLine(spec)}`];
  if (spec.positionals?.length) lines.push('', 'arguments:', ...table(spec.positionals.map((p) => [`<${p.name}>`, p.description])));
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => {
    const facts = optionFacts(o);
    return [optionSyntax(name, o), facts.length ? `${o.description} [${facts.join("; ")}]` : o.description];
  });
  rows.push(['-h, --help', 'print this help']);
  lines.push('', 'options:', ...table(rows));
  for (const note of spec.notes ?? []) lines.push('', ...wrap(note, HELP_WIDTH));
  lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}
