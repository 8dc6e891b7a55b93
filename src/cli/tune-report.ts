/**
 * Reading back the tune.json that `aom-studio tune --auto` writes (commands/tune.ts), for the baselines: the
 * configuration of its retraining, the size of its analysis set, its rows (one per version: parameters, FLOPs,
 * validation and test accuracy) and, per analysed layer, the edits it applied, from which come the kernels it
 * dropped per layer. The versions' models lie beside it in v<id>/. Anything that is not such a report (not JSON,
 * fields missing or of the wrong type, a tune run without --auto) is a TuneReportError naming the file and the
 * field.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEFAULT_TRAIN_CONFIG, checkTrainConfig, type TrainConfig } from '../nn/train-config.ts';
import { describeEdit, type Edit } from '../surgery/edits.ts';
import { parseUntrustedJson } from '../io/untrusted-json.ts';
import type { LayerDrop } from '../analysis/drop-plan.ts';

export class TuneReportError extends Error {
  override name = 'TuneReportError';
}

export interface TuneReportRow {
  version: number;
  layer: string | null;
  edit: string;
  parameters: number;
  flops: number;
  validationAccuracy: number | null;
  testAccuracy: number | null;
}

export interface TuneReportStep {
  layer: string;
  /** The edits tune applied after analysing the layer, in order (none when it changed nothing). */
  edits: Edit[];
  /** The version the edits were applied to, and the retrained version they produced (equal when no edit). */
  before: number;
  after: number;
}

export interface TuneReport {
  /** The tune.json file, and the folder that holds it and the versions' v<id>/ folders. */
  path: string;
  dir: string;
  model: string;
  dataset: string;
  analysisImages: number;
  config: TrainConfig;
  /** rows[0] is the starting model; rows[i + 1] the result of steps[i]. */
  rows: TuneReportRow[];
  steps: TuneReportStep[];
  /** Kernels dropped per conv layer, over all steps. */
  dropped: Map<string, number>;
  /**
   * The drops in the order tune made them, one per step that dropped (a layer appears once per pass that dropped
   * from it): the baselines drop and retrain in the same order, so they get the same number of retrainings.
   */
  dropSteps: LayerDrop[];
  /** The edits that are not drops (widen, insert), in words: the baselines only drop, so they differ there. */
  otherEdits: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isAccuracy = (v: unknown): v is number | null => v === null || (typeof v === 'number' && v >= 0 && v <= 1);

/** Reads tune.json at `path`, or `path`/tune.json when `path` is a folder. */
/** A tune.json of many versions is a few hundred kB; anything far larger is not one. */
const MAX_TUNE_JSON_CHARS = 64 * 2 ** 20;

export async function readTuneReport(path: string): Promise<TuneReport> {
  const file = (await stat(path)).isDirectory() ? join(path, 'tune.json') : path;
  const text = await readFile(file, 'utf8');
  const fail = (problem: string): never => {
    throw new TuneReportError(`${file} is not a tune.json written by 'aom-studio tune --auto': ${problem}`);
  };
  let json: unknown;
  try {
    // Named 'it' here: the message below already starts with the file's name.
    json = parseUntrustedJson(text, 'it', MAX_TUNE_JSON_CHARS);
  } catch (error) {
    fail((error as Error).message.replace(/^it: is not valid JSON/, 'it is not JSON').replace(/^it: /, ''));
  }
  if (!isObject(json)) return fail('it is not a JSON object');
  for (const key of ['rows', 'steps', 'config']) if (!(key in json)) fail(`it has no '${key}'`);
  if (typeof json.model !== 'string' || typeof json.dataset !== 'string') fail("'model' and 'dataset' must be strings");
  if (json.auto !== true) fail("it was made without --auto ('auto' is not true), so it applied no edits");
  if (!isCount(json.analysisImages)) fail("'analysisImages' must be a whole number");
  if (!Array.isArray(json.rows) || !Array.isArray(json.steps)) fail("'rows' and 'steps' must be arrays");
  const rawRows = json.rows as unknown[];
  const rawSteps = json.steps as unknown[];
  if (rawRows.length !== rawSteps.length + 1) fail(`it has ${rawRows.length} rows for ${rawSteps.length} steps (expected one row per step plus the starting model)`);

  const rows = rawRows.map((r, i): TuneReportRow => {
    if (!isObject(r)) return fail(`rows[${i}] is not an object`);
    if (!isCount(r.version) || !isCount(r.parameters) || !isCount(r.flops)) fail(`rows[${i}] needs whole-number 'version', 'parameters' and 'flops'`);
    if (!isAccuracy(r.validationAccuracy) || !isAccuracy(r.testAccuracy)) fail(`rows[${i}] needs 'validationAccuracy' and 'testAccuracy' in [0, 1] or null`);
    if ((i === 0) !== (r.layer === null) || (r.layer !== null && typeof r.layer !== 'string')) fail(`rows[${i}].layer must be ${i === 0 ? 'null (the starting model)' : 'a layer name'}`);
    return {
      version: r.version as number, layer: r.layer as string | null, edit: typeof r.edit === 'string' ? r.edit : '',
      parameters: r.parameters as number, flops: r.flops as number,
      validationAccuracy: r.validationAccuracy as number | null, testAccuracy: r.testAccuracy as number | null,
    };
  });

  const dropped = new Map<string, number>();
  const dropSteps: LayerDrop[] = [];
  const otherEdits: string[] = [];
  const steps = rawSteps.map((s, i): TuneReportStep => {
    if (!isObject(s) || typeof s.layer !== 'string' || !Array.isArray(s.edits)) return fail(`steps[${i}] needs a 'layer' name and an 'edits' array`);
    if (rows[i + 1].layer !== s.layer) fail(`steps[${i}] is layer '${s.layer}' but rows[${i + 1}] is layer '${rows[i + 1].layer}'`);
    const edits = (s.edits as unknown[]).map((e, j) => readEdit(e, `steps[${i}].edits[${j}]`, fail));
    for (const edit of edits) {
      if (edit.kind === 'drop') {
        const count = new Set(edit.kernels).size;
        dropped.set(edit.layer, (dropped.get(edit.layer) ?? 0) + count);
        dropSteps.push({ layer: edit.layer, count });
      } else otherEdits.push(describeEdit(edit));
    }
    return { layer: s.layer, edits, before: rows[i].version, after: rows[i + 1].version };
  });

  if (!isObject(json.config)) return fail("'config' must be an object");
  // An older report may lack newer fields: they take the defaults tune would have used.
  const config = { ...DEFAULT_TRAIN_CONFIG, ...(json.config as Partial<TrainConfig>) };
  try {
    checkTrainConfig(config);
  } catch (error) {
    fail(`its 'config' is not a valid training configuration (${(error as Error).message})`);
  }
  return {
    path: file, dir: dirname(file), model: json.model as string, dataset: json.dataset as string,
    analysisImages: json.analysisImages as number, config, rows, steps, dropped, dropSteps, otherEdits,
  };
}

/** One edit of the report, checked enough that applying it fails only for model reasons. */
function readEdit(e: unknown, where: string, fail: (problem: string) => never): Edit {
  if (!isObject(e)) return fail(`${where} is not an edit object`);
  if (e.kind === 'drop') {
    if (typeof e.layer !== 'string' || !Array.isArray(e.kernels) || !e.kernels.every(isCount)) fail(`${where} (drop) needs a 'layer' and whole-number 'kernels'`);
    return { kind: 'drop', layer: e.layer as string, kernels: [...(e.kernels as number[])] };
  }
  if (e.kind === 'widen') {
    if (typeof e.layer !== 'string' || !isCount(e.by) || (e.mode !== 'net2net' && e.mode !== 'fresh')) fail(`${where} (widen) needs 'layer', 'by' and 'mode'`);
    return e as unknown as Edit;
  }
  if (e.kind === 'insert') {
    if (typeof e.after !== 'string') fail(`${where} (insert) needs 'after'`);
    return e as unknown as Edit;
  }
  return fail(`${where} has unknown kind ${JSON.stringify(e.kind)}`);
}
