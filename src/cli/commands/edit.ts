/**
 * `aom-studio edit --model <model.json> [--drop conv1:3,7] [--widen conv2:+8[:net2net|fresh]]
 *   [--insert-after conv2[:3x3[:width]]] [--noise X] [--seed S] --out <dir> [--json]`
 *
 * Applies architecture edits to a saved model, in the order they are given on the command line, and saves the
 * result in the same format (model.json + shards). Prints each edit, the parameters and FLOPs before and after,
 * and the layers that changed. No noise unless --noise asks for it, so widening and inserting are exact.
 */
import { loadModelDir, saveModelDir } from '../../io/model-files-node.ts';
import { ModelFormatError } from '../../io/model-format-error.ts';
import { ModelSpecError } from '../../nn/shapes.ts';
import { describeEdit, type Edit } from '../../surgery/edits.ts';
import { EditTextError, parseDropText, parseInsertText, parseWidenText } from '../../surgery/edit-text.ts';
import { ModelHistory, type VersionComparison } from '../../surgery/history.ts';
import { SurgeryError } from '../../surgery/surgery-error.ts';
import { numberOption, option, parseArgs, UsageError } from '../args.ts';

export interface EditCommandIo {
  stdout: (text: string) => void;
  /** Errors go here when given, else to stdout. */
  stderr?: (text: string) => void;
}

const USAGE = `usage: aom-studio edit --model <model.json> [edits…] --out <dir> [--noise X] [--seed S] [--json]
  --model PATH              model.json (or its folder) to edit
  --drop LAYER:K,K,a-b      drop kernels K of a conv (or dense) layer, e.g. conv1:3,7
  --widen LAYER:+N[:MODE]   add N kernels; MODE net2net (copies, default) or fresh (He init, zero outgoing)
  --insert-after LAYER[:KxK[:WIDTH]]  insert an identity conv + ReLU after a ReLU layer (default 3x3, same width)
  --noise X                 relative noise on net2net copies (default 0: the function is kept exactly)
  --seed S                  seed of the widening choices, noise and fresh weights (integer, default 0)
  --out DIR                 folder to write model.json and its weight shards into
  --json                    print JSON instead of text
Edits apply in the order given; each option may repeat.
`;

const EDIT_OPTIONS = ['drop', 'widen', 'insert-after'];
const VALUE_OPTIONS = ['model', 'out', 'noise', 'seed', ...EDIT_OPTIONS];

interface EditArgs {
  model: string;
  out: string;
  json: boolean;
  edits: Edit[];
}

/**
 * The edit options in command-line order. parseArgs groups values by option name, which loses the order
 * between different options, so this walks argv again with the same rules (`--name value` or `--name=value`).
 */
function editTextsInOrder(argv: string[]): { option: string; text: string }[] {
  const out: { option: string; text: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue;
    const eq = argv[i].indexOf('=');
    const name = argv[i].slice(2, eq < 0 ? undefined : eq);
    if (!VALUE_OPTIONS.includes(name)) continue;
    const value = eq >= 0 ? argv[i].slice(eq + 1) : argv[++i];
    if (EDIT_OPTIONS.includes(name)) out.push({ option: name, text: value });
  }
  return out;
}

/** The command's arguments, or a usage problem in words. */
function readArgs(argv: string[]): EditArgs | string {
  try {
    const args = parseArgs(argv, { values: VALUE_OPTIONS, flags: ['json'] });
    if (args.positionals.length > 0) return `unexpected argument '${args.positionals[0]}'`;
    const model = option(args, 'model');
    const out = option(args, 'out');
    if (!model) return 'missing --model <model.json>';
    if (!out) return 'missing --out <dir>';
    const noise = numberOption(args, 'noise', 0);
    if (noise < 0) return `--noise must be >= 0, got ${noise}`;
    const seed = numberOption(args, 'seed', 0);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) return `--seed must be an integer in 0..4294967295, got '${option(args, 'seed')}'`;
    const edits = editTextsInOrder(argv).map(({ option: name, text }): Edit => {
      if (name === 'drop') return parseDropText(text);
      if (name === 'widen') return parseWidenText(text, { noise, seed });
      return parseInsertText(text, { seed });
    });
    if (edits.length === 0) return 'no edits given (use --drop, --widen or --insert-after)';
    if (noise > 0 && !edits.some((e) => e.kind === 'widen' && e.mode === 'net2net')) {
      return '--noise applies to net2net widening (--widen LAYER:+N), and there is none';
    }
    // Noise is for net2net copies only; a fresh widening in the same command takes none.
    for (const e of edits) if (e.kind === 'widen' && e.mode === 'fresh') delete e.noise;
    return { model, out, json: args.flags.has('json'), edits };
  } catch (error) {
    if (error instanceof UsageError || error instanceof EditTextError) return error.message;
    throw error;
  }
}

const n = (v: number): string => v.toLocaleString('en-US');
const change = (a: number, b: number): string => {
  const sign = b >= a ? '+' : '-';
  return `${sign}${n(Math.abs(b - a))} (${sign}${((Math.abs(b - a) / a) * 100).toFixed(1)}%)`;
};

/** The readable report: edits, before/after totals, changed layers, files. */
function formatReport(modelPath: string, name: string, edits: Edit[], cmp: VersionComparison, out: string): string {
  const lines = [`model    ${modelPath} ('${name}')`];
  edits.forEach((e, i) => lines.push(`edit ${i + 1}   ${describeEdit(e)}`));
  const rows: [string, number, number][] = [['params', cmp.params.a, cmp.params.b], ['FLOPs', cmp.flops.a, cmp.flops.b]];
  const w = Math.max(6, ...rows.flatMap(([, a, b]) => [n(a).length, n(b).length]));
  lines.push('', `${''.padEnd(8)}${'before'.padStart(w)}  ${'after'.padStart(w)}  change`);
  for (const [label, a, b] of rows) lines.push(`${label.padEnd(8)}${n(a).padStart(w)}  ${n(b).padStart(w)}  ${change(a, b)}`);
  const changed = cmp.layers.filter((l) => l.status !== 'same');
  if (changed.length > 0) {
    lines.push('', 'layers');
    for (const l of changed) {
      const detail = l.status === 'changed' ? l.changes.join('; ') : `${l.status} (${(l.a ?? l.b)!.kind}, output [${(l.a ?? l.b)!.outputShape.join(', ')}])`;
      lines.push(`  ${l.name.padEnd(12)} ${detail}`);
    }
  }
  lines.push('', `saved    ${out}`, '');
  return lines.join('\n');
}

export async function editCommand(argv: string[], io: EditCommandIo): Promise<number> {
  const stderr = io.stderr ?? io.stdout;
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const parsed = readArgs(argv);
  if (typeof parsed === 'string') {
    stderr(`aom-studio edit: ${parsed}\n${USAGE}`);
    return 2;
  }
  let history: ModelHistory;
  try {
    history = ModelHistory.start(await loadModelDir(parsed.model), { note: parsed.model });
    parsed.edits.forEach((edit, i) => {
      try {
        history.apply(edit);
      } catch (error) {
        if (error instanceof SurgeryError) throw new SurgeryError(`edit ${i + 1} (${describeEdit(edit)}): ${error.message}`, error.layer);
        throw error;
      }
    });
    await saveModelDir(history.currentVersion.model, parsed.out);
  } catch (error) {
    if (error instanceof SurgeryError || error instanceof ModelFormatError || error instanceof ModelSpecError || isFileError(error)) {
      stderr(`aom-studio edit: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
  const cmp = history.compare(0, history.current);
  if (parsed.json) {
    const report = {
      model: parsed.model,
      out: parsed.out,
      edits: parsed.edits.map((edit) => ({ edit, description: describeEdit(edit) })),
      params: cmp.params,
      flops: cmp.flops,
      layers: cmp.layers.filter((l) => l.status !== 'same').map((l) => ({ name: l.name, status: l.status, changes: l.changes })),
    };
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout(formatReport(parsed.model, history.get(0).model.spec.name, parsed.edits, cmp, parsed.out));
  }
  return 0;
}

/** Node's file errors (ENOENT, EACCES, …) are the user's to fix; their message names the path. */
function isFileError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'path' in error;
}
