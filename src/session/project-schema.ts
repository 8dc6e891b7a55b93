/**
 * The schema of a project file's JSON (project-file.ts), checked field by field before anything of it is used:
 * a hand-edited or hostile file fails here with the path of the field at fault (`versions[2].spec.layers[1]`),
 * and what passes has the types the session core relies on. Typed arrays come from the file's blobs, already
 * restored (and their element types checked) by project-file.ts.
 */
import type { ModelSpec } from '../nn/layers.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { preprocessingProblem } from '../nn/preprocessing.ts';
import { readAomStudioMetadata } from '../io/tfjs-layers.ts';
import { isPlainObject } from '../io/untrusted-json.ts';
import type { HistoryJson, StoredHistory } from '../surgery/history.ts';
import type { BaselinesReport, DatasetChoice, LayerMaps } from './engine-api.ts';
import type { SessionState } from './studio-session.ts';

export class ProjectFormatError extends Error {
  override name = 'ProjectFormatError';
}

type Check = (value: unknown, path: string) => void;

const bad = (path: string, what: string, value: unknown): ProjectFormatError => {
  const shown = typeof value === 'object' && value !== null ? (Array.isArray(value) ? 'a list' : 'an object') : JSON.stringify(value)?.slice(0, 60);
  return new ProjectFormatError(`${path} must be ${what}, got ${shown}`);
};

const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const num: Check = (v, p) => {
  if (typeof v !== 'number') throw bad(p, 'a number', v);
};
const str: Check = (v, p) => {
  if (typeof v !== 'string') throw bad(p, 'a string', v);
};
const int: Check = (v, p) => {
  if (!isInt(v) || v < 0) throw bad(p, 'a non-negative integer', v);
};
const list = (item: Check): Check => (v, p) => {
  if (!Array.isArray(v)) throw bad(p, 'a list', v);
  v.forEach((x, i) => item(x, `${p}[${i}]`));
};
const optional = (check: Check): Check => (v, p) => {
  if (v !== undefined && v !== null) check(v, p);
};
const object = (fields: Record<string, Check>): Check => (v, p) => {
  if (!isPlainObject(v)) throw bad(p, 'an object', v);
  for (const [name, check] of Object.entries(fields)) check(v[name], `${p}.${name}`);
};
const record = (item: Check): Check => (v, p) => {
  if (!isPlainObject(v)) throw bad(p, 'an object', v);
  for (const [key, x] of Object.entries(v)) item(x, `${p}['${key}']`);
};
const typed = (type: 'Float32Array' | 'Uint32Array') => (v: unknown, p: string) => {
  if (!(type === 'Float32Array' ? v instanceof Float32Array : v instanceof Uint32Array)) throw bad(p, `a ${type} (a blob of the project)`, v);
};

const edit: Check = (v, p) => {
  if (v === null) return;
  if (!isPlainObject(v)) throw bad(p, 'an edit or null', v);
  if (v.kind === 'drop') object({ layer: str, kernels: list(int) })(v, p);
  else if (v.kind === 'widen') {
    object({ layer: str, by: int, noise: optional(num), seed: optional(int) })(v, p);
    if (v.mode !== 'net2net' && v.mode !== 'fresh') throw bad(`${p}.mode`, "'net2net' or 'fresh'", v.mode);
  } else if (v.kind === 'insert') object({ after: str, kernelSize: optional(list(int)), width: optional(int), name: optional(str), seed: optional(int) })(v, p);
  else throw bad(`${p}.kind`, "'drop', 'widen' or 'insert'", v.kind);
};

const curves: Check = optional(object({
  step: list(num), loss: list(num), accuracy: list(num), epochStep: list(num),
  validationLoss: list(optional(num)), validationAccuracy: list(optional(num)),
}));

const training: Check = optional(object({
  config: object({ epochs: int, batchSize: int, optimizer: str, lr: num, seed: int, maxSteps: int }), subset: int,
}));

const metrics: Check = object({
  params: optional(num), flops: optional(num), accuracy: optional(num), loss: optional(num), validationAccuracy: optional(num),
  validationLoss: optional(num), inferenceMs: optional(num), testCount: optional(int), evaluatedOn: optional(str), inheritedFrom: optional(int),
});

/** A model spec: layers the registry knows, with shapes that fit, valid preprocessing and metadata. */
function spec(v: unknown, p: string): void {
  object({ name: str, inputShape: list(int), layers: list(object({ kind: str, name: str })) })(v, p);
  const s = v as ModelSpec;
  const problem = preprocessingProblem(s.preprocessing, s.inputShape[2]);
  if (problem) throw new ProjectFormatError(`${p}.preprocessing: ${problem}`);
  try {
    readAomStudioMetadata({ classNames: s.classNames, split: s.split }, s.inputShape[2], p);
    summarizeModel(s);
  } catch (error) {
    throw new ProjectFormatError(`${p}: ${(error as Error).message}`);
  }
}

const history: Check = object({
  current: int,
  versions: list(object({
    id: int, parent: optional(int), redoChild: optional(int), spec,
    weights: record(record(object({ shape: list(int), blob: str }))),
    edit, metrics, curves, training, note: str, createdAt: str,
  })),
});

const maps: Check = (v, p) => {
  object({
    versionId: int, layer: str, kernels: int, classes: int, classNames: list(str), height: int, width: int, imagesPerClass: list(int),
    aom: typed('Float32Array'), csm: typed('Float32Array'), odm: typed('Float32Array'), stats: list(object({})),
    suggestions: list(object({ rule: str })), accuracy: num, notes: list(str), seconds: num,
  })(v, p);
  const m = v as LayerMaps;
  const size = m.kernels * m.classes * m.height * m.width;
  if (m.aom.length !== size || m.csm.length !== size) throw new ProjectFormatError(`${p}: aom and csm need ${size} values (kernels x classes x height x width), have ${m.aom.length} and ${m.csm.length}`);
  if (m.odm.length !== m.kernels * m.kernels) throw new ProjectFormatError(`${p}: odm needs ${m.kernels * m.kernels} values, has ${m.odm.length}`);
  if (m.classNames.length !== m.classes || m.imagesPerClass.length !== m.classes || m.stats.length !== m.kernels) {
    throw new ProjectFormatError(`${p}: classNames, imagesPerClass (one per class) or stats (one per kernel) have the wrong length`);
  }
};

export interface ProjectJson {
  format: 'aom-studio-project';
  formatVersion: 1;
  savedAt: string;
  dataset: DatasetChoice | null;
  settings: Record<string, unknown>;
  state: {
    history: { json: HistoryJson; blobs: StoredHistory['blobs'] };
    untrained: number[];
    maps: Record<string, LayerMaps>;
    /** Absent in projects saved before the page kept its baselines comparisons. */
    baselines?: Record<string, BaselinesReport>;
  };
}

/**
 * A saved baselines comparison (version-baselines.ts): checked where the page reads it (the plan's version, the
 * layers, each row's method and numbers), so that a damaged one fails on opening, not in the table.
 */
const baselinesReport: Check = object({
  plan: object({ version: int, start: int }),
  layers: list(str),
  rows: list(object({ method: str, parameters: num, flops: num, convKernels: int, validationAccuracy: optional(num), testAccuracy: optional(num) })),
  seconds: num,
});

/** Checks the restored project JSON; throws ProjectFormatError naming the field. */
export function checkProject(value: unknown): asserts value is ProjectJson {
  if (!isPlainObject(value) || value.format !== 'aom-studio-project') throw new ProjectFormatError("project.json is not an aom-studio project (format 'aom-studio-project')");
  if (value.formatVersion !== 1) throw new ProjectFormatError(`project.json has format version ${JSON.stringify(value.formatVersion)}; this build reads version 1`);
  object({
    savedAt: str, settings: object({}),
    state: object({ untrained: list(int), maps: record(maps), baselines: optional(record(baselinesReport)), history: object({ blobs: record(typed('Float32Array')) }) }),
  })(value, 'project');
  const choice = value.dataset;
  if (choice !== null && !(isPlainObject(choice) && (choice.kind === 'builtin-mnist' || (choice.kind === 'files' && Array.isArray(choice.names) && choice.names.every((n) => typeof n === 'string'))))) {
    throw bad('project.dataset', "null, { kind: 'builtin-mnist' } or { kind: 'files', names }", choice);
  }
  const state = value.state as Record<string, Record<string, unknown>>;
  history(state.history.json, 'project.state.history');
}

/** The session state of a checked project (the history is rebuilt, and checked further, by ModelHistory.fromStored). */
export const projectState = (json: ProjectJson): SessionState => ({
  history: json.state.history, untrained: json.state.untrained, maps: json.state.maps, baselines: json.state.baselines ?? {}, pending: null,
});
