/**
 * `aom-studio edit --model <model.json> [--drop conv1:3,7] [--widen conv2:+8[:net2net|fresh]]
 *   [--insert-after conv2[:3x3[:width]]] [--noise X] [--seed S] --out <dir> [--json]`
 *
 * Applies architecture edits to a saved model, in the order they are given on the command line, and saves the
 * result in the same format (model.json + shards). Prints each edit, the parameters and FLOPs before and after,
 * and the layers that changed. No noise unless --noise asks for it, so widening and inserting are exact.
 */
import { loadModelFile, saveModelDir } from '../../io/model-files-node.ts';
import { ModelFormatError } from '../../io/model-format-error.ts';
import { ModelSpecError } from '../../nn/shapes.ts';
import { describeEdit, type Edit } from '../../surgery/edits.ts';
import { EditTextError, parseDropText, parseInsertText, parseWidenText } from '../../surgery/edit-text.ts';
import { ModelHistory, type VersionComparison } from '../../surgery/history.ts';
import { SurgeryError } from '../../surgery/surgery-error.ts';
import type { CommandIo } from '../command-io.ts';
import { defineCommand, type CommandLine, type CommandSpec } from '../options.ts';
import { UsageError } from '../usage-error.ts';
import { openProjectFile, PROJECT_OPTION, requireOneSource, saveProjectFile, VERSION_OPTION, type OpenProject } from '../project-option.ts';

const EDIT = {
  name: 'edit',
  summary: 'edit an architecture (drop kernels, widen, insert a layer) and save the result as a model',
  options: {
    model: { type: 'string', value: 'PATH', description: 'model.json (or its folder) or .onnx file to edit' },
    project: { ...PROJECT_OPTION, description: 'a .aomproj project: edit its current version (or --version); the edited versions are added to it' },
    version: VERSION_OPTION,
    out: { type: 'string', value: 'DIR', defaultText: 'none with --project', description: 'folder to write model.json and its weight shards into (required without --project)' },
    drop: { type: 'string', multiple: true, value: 'LAYER:K,K,a-b', defaultText: 'none', description: 'drop kernels K of a conv (or dense) layer, e.g. conv1:3,7' },
    widen: { type: 'string', multiple: true, value: 'LAYER:+N[:MODE]', defaultText: 'none', description: 'add N kernels; MODE net2net (copies, default) or fresh (He init, zero outgoing)' },
    'insert-after': { type: 'string', multiple: true, value: 'LAYER[:KxK[:WIDTH]]', defaultText: 'none', description: 'insert an identity conv + ReLU after a ReLU layer (default 3x3, same width)' },
    noise: { type: 'string', number: 'real', min: 0, default: 0, value: 'X', description: 'relative noise on net2net copies (0: the function is kept exactly)' },
    seed: { type: 'string', number: 'integer', min: 0, max: 0xffffffff, default: 0, value: 'S', description: 'seed of the widening choices, noise and fresh weights' },
    json: { type: 'boolean', description: 'print JSON instead of text' },
  },
  notes: ['Edits apply in the order given on the command line; each edit option may repeat. At least one edit is needed.'],
  examples: [
    'aom-studio edit --model src/models/mnist-ref/model.json --drop conv1:3,7 --widen conv2:+8 --out runs/edited',
    'aom-studio edit --model runs/edited --insert-after conv2:3x3 --json --out runs/deeper',
    'aom-studio edit --project runs/tuned/tune.aomproj --drop conv2:0-3',
  ],
} as const satisfies CommandSpec;

type EditOptions = typeof EDIT.options;

export const editCommand = defineCommand(EDIT, runEdit);

/** The edits in command-line order (the option table groups values by name, which loses the order between options). */
function readEdits({ values, given }: CommandLine<EditOptions>): Edit[] {
  const { noise, seed } = values;
  try {
    const edits = given.flatMap(({ name, value }): Edit[] => {
      if (name === 'drop') return [parseDropText(value!)];
      if (name === 'widen') return [parseWidenText(value!, { noise, seed })];
      if (name === 'insert-after') return [parseInsertText(value!, { seed })];
      return [];
    });
    if (edits.length === 0) throw new UsageError('no edits given (use --drop, --widen or --insert-after)');
    if (noise > 0 && !edits.some((e) => e.kind === 'widen' && e.mode === 'net2net')) {
      throw new UsageError('--noise applies to net2net widening (--widen LAYER:+N), and there is none');
    }
    // Noise is for net2net copies only; a fresh widening in the same command takes none.
    for (const e of edits) if (e.kind === 'widen' && e.mode === 'fresh') delete e.noise;
    return edits;
  } catch (error) {
    if (error instanceof EditTextError) throw new UsageError(error.message);
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

async function runEdit(args: CommandLine<EditOptions>, io: CommandIo): Promise<number> {
  const stderr = io.stderr;
  const { values } = args;
  requireOneSource(values.model, values.project, values.version);
  if (!values.project && !values.out) throw new UsageError('missing --out (or give --project, whose file gets the edited versions)');
  const source = values.project ? `${values.project}` : values.model!;
  const parsed = { model: source, out: values.out, json: values.json, edits: readEdits(args) };
  let history: ModelHistory;
  let project: OpenProject | null = null;
  let start = 0;
  try {
    if (values.project) {
      project = await openProjectFile(values.project, values.version);
      history = project.history;
      start = project.versionId;
      parsed.model = `${values.project} version ${start}`;
    } else {
      history = ModelHistory.start(await loadModelFile(values.model!), { note: values.model! });
    }
    parsed.edits.forEach((edit, i) => {
      try {
        history.apply(edit);
      } catch (error) {
        if (error instanceof SurgeryError) throw new SurgeryError(`edit ${i + 1} (${describeEdit(edit)}): ${error.message}`, error.layer);
        throw error;
      }
    });
    if (parsed.out) await saveModelDir(history.currentVersion.model, parsed.out);
    if (project) await saveProjectFile(project);
  } catch (error) {
    if (error instanceof SurgeryError || error instanceof ModelFormatError || error instanceof ModelSpecError || isFileError(error)) {
      stderr(`aom-studio edit: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
  const cmp = history.compare(start, history.current);
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
    io.stdout(formatReport(parsed.model, history.get(start).model.spec.name, parsed.edits, cmp, [parsed.out, project && `${project.path} (new versions ${history.size - parsed.edits.length} to ${history.current})`].filter(Boolean).join(', ')));
  }
  return 0;
}

/** Node's file errors (ENOENT, EACCES, …) are the user's to fix; their message names the path. */
function isFileError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'path' in error;
}
