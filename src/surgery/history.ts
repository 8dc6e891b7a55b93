/**
 * The history of a tuning session: a tree of model versions. The first version is the model the designer
 * started from; every edit makes a child of the version it was applied to, so going back (undo) and editing
 * again starts a branch and keeps the old one. Each version keeps its architecture and weights, its metrics
 * (parameters and FLOPs computed here; accuracy, loss and inference time filled by whoever evaluates), the edit
 * that made it and the suggestion (any JSON, with its numbers) that motivated it.
 *
 * Redo follows, from each version, the child last visited (made, or undone from), like an editor's undo tree.
 *
 * Stored form (toStored / fromStored): a JSON document with everything but the weight values, plus one
 * Float32Array per weight under a key `v<id>/<layer>/<weight>` that the JSON names. The page stores both in
 * IndexedDB, whose structured clone keeps typed arrays as they are (no copy into JSON numbers).
 * A version's model belongs to the history once committed: callers must not modify its weights in place.
 */
import type { LayerSpec, Model, ModelSpec, ModelWeights } from '../nn/layers.ts';
import { summarizeModel, type LayerSummary } from '../nn/shapes.ts';
import { modelToArtifacts, type ModelArtifacts, type SaveOptions } from '../io/tfjs-layers.ts';
import type { TrainingCurves } from '../nn/training-curves.ts';
import type { TrainConfig } from '../nn/train-config.ts';
import { applyEdit, type Edit } from './edits.ts';

/** What is known about a version; params and flops always, the rest once evaluated. */
export interface VersionMetrics {
  /** Parameters (all weights, as Keras counts them). */
  params: number;
  /** FLOPs per image, forward (shapes.ts's rules). */
  flops: number;
  /** Test-split accuracy in [0, 1]. */
  accuracy?: number;
  /** Test-split mean cross-entropy. */
  loss?: number;
  validationAccuracy?: number;
  validationLoss?: number;
  /** Inference time per image, milliseconds. */
  inferenceMs?: number;
  /** Images the test figures were measured on. */
  testCount?: number;
  /** Which images (session/evaluation-set.ts's key): two versions' figures compare only when these are equal. */
  evaluatedOn?: string;
  /** The version whose figures these are, when an edit that keeps the function inherited them (not yet retrained). */
  inheritedFrom?: number;
}

/** The optional metrics, in the order comparisons list them. */
export const EVALUATED_METRICS = ['accuracy', 'loss', 'validationAccuracy', 'validationLoss', 'inferenceMs'] as const;
export type EvaluatedMetric = (typeof EVALUATED_METRICS)[number];

export interface Version {
  readonly id: number;
  /** The version this one was made from; null for the first. */
  readonly parent: number | null;
  readonly model: Model;
  /** The edit that made this version from its parent; null for the first version and for retrained copies. */
  readonly edit: Edit | null;
  /** What motivated the edit (an analysis suggestion with its numbers, as JSON), or null. */
  readonly suggestion: unknown;
  readonly metrics: VersionMetrics;
  /** The curves of the training run that made this version (a retrained copy), or null. */
  readonly curves: TrainingCurves | null;
  /** The budget of the training run that made this version (a retrained copy), or null (also in older histories). */
  readonly training: TrainingRecord | null;
  /** A free-text note ("retrained 3 epochs", "imported"). */
  readonly note: string;
  /** ISO 8601 time of creation. */
  readonly createdAt: string;
}

/** How a retrained copy was trained: the whole configuration, and the training images used (0: the whole training split). */
export interface TrainingRecord {
  config: TrainConfig;
  subset: number;
}

export interface CommitInfo {
  edit?: Edit | null;
  suggestion?: unknown;
  metrics?: Partial<Omit<VersionMetrics, 'params' | 'flops'>>;
  curves?: TrainingCurves | null;
  training?: TrainingRecord | null;
  note?: string;
  /** The parent; default the current version. */
  from?: number;
}

/** A number in two versions. */
export interface NumberDiff {
  a: number;
  b: number;
  /** b - a. */
  delta: number;
}

/** One layer in a side-by-side comparison. */
export interface LayerComparison {
  name: string;
  /** 'changed': the spec or a weight shape differs; 'same': same architecture (the values may differ, see weightsDiffer). */
  status: 'same' | 'changed' | 'added' | 'removed';
  a: LayerSummary | null;
  b: LayerSummary | null;
  /** What differs, in words ("filters: 16 -> 12", "kernel: [5,5,16,32] -> [5,5,12,32]"). */
  changes: string[];
  /** For 'same' layers: whether any weight value differs (after retraining, say). */
  weightsDiffer: boolean;
}

export interface VersionComparison {
  a: number;
  b: number;
  /** The last version both descend from. */
  commonAncestor: number;
  /** The edits between them: those undone going up from a to the ancestor, then those applied down to b. */
  edits: { version: number; edit: Edit | null; direction: 'undone' | 'applied' }[];
  layers: LayerComparison[];
  params: NumberDiff;
  flops: NumberDiff;
  /** Evaluated metrics known in at least one of the two versions (delta when known in both). */
  metrics: Partial<Record<EvaluatedMetric, { a?: number; b?: number; delta?: number }>>;
}

export class HistoryError extends Error {
  override name = 'HistoryError';
}

/** The JSON part of a stored history. */
export interface HistoryJson {
  format: 'aom-studio-history';
  formatVersion: 1;
  current: number;
  versions: {
    id: number;
    parent: number | null;
    redoChild: number | null;
    spec: ModelSpec;
    /** Layer -> weight -> its shape and the key of its values in `blobs`. */
    weights: Record<string, Record<string, { shape: number[]; blob: string }>>;
    edit: Edit | null;
    suggestion: unknown;
    metrics: VersionMetrics;
    /** Absent in histories saved before versions kept their training curves. */
    curves?: TrainingCurves | null;
    /** Absent in histories saved before versions kept their training budget. */
    training?: TrainingRecord | null;
    note: string;
    createdAt: string;
  }[];
}

export interface StoredHistory {
  json: HistoryJson;
  blobs: Record<string, Float32Array>;
}

interface Node {
  version: Version;
  children: number[];
  redoChild: number | null;
}

function countMetrics(model: Model): { params: number; flops: number } {
  const summary = summarizeModel(model.spec);
  return { params: summary.totalParams, flops: summary.totalFlops };
}

const diff = (a: number, b: number): NumberDiff => ({ a, b, delta: b - a });
const fmt = (v: unknown): string => JSON.stringify(v);

export class ModelHistory {
  private readonly nodes: Node[] = [];
  private currentId = 0;

  private constructor() {}

  /** A history whose first version is `model` (the pre-trained model the designer starts from). */
  static start(model: Model, info: Omit<CommitInfo, 'from' | 'edit'> = {}): ModelHistory {
    const history = new ModelHistory();
    history.add(null, model, info);
    return history;
  }

  private add(parent: number | null, model: Model, info: CommitInfo): Version {
    const version: Version = {
      id: this.nodes.length,
      parent,
      model,
      edit: info.edit ?? null,
      suggestion: info.suggestion ?? null,
      metrics: { ...info.metrics, ...countMetrics(model) },
      curves: info.curves ?? null,
      training: info.training ?? null,
      note: info.note ?? '',
      createdAt: new Date().toISOString(),
    };
    this.nodes.push({ version, children: [], redoChild: null });
    if (parent !== null) {
      const p = this.node(parent);
      p.children.push(version.id);
      p.redoChild = version.id;
    }
    this.currentId = version.id;
    return version;
  }

  private node(id: number): Node {
    const node = Number.isInteger(id) ? this.nodes[id] : undefined;
    if (!node) throw new HistoryError(`history: there is no version ${id} (versions 0..${this.nodes.length - 1})`);
    return node;
  }

  /** The id of the version being looked at (and edited next). */
  get current(): number {
    return this.currentId;
  }

  get currentVersion(): Version {
    return this.node(this.currentId).version;
  }

  get size(): number {
    return this.nodes.length;
  }

  get(id: number): Version {
    return this.node(id).version;
  }

  /** Every version, in creation order. */
  versions(): Version[] {
    return this.nodes.map((n) => n.version);
  }

  /** The ids of a version's children, in creation order. */
  children(id: number): number[] {
    return [...this.node(id).children];
  }

  /** The ids from the first version down to `id`. */
  path(id: number): number[] {
    const ids: number[] = [];
    for (let at: number | null = this.node(id).version.id; at !== null; at = this.node(at).version.parent) ids.unshift(at);
    return ids;
  }

  /**
   * Adds `model` as a new child of `info.from` (default: the current version) and makes it current. Committing
   * from a version that already has children starts a branch; the other children stay.
   */
  commit(model: Model, info: CommitInfo = {}): Version {
    const from = info.from ?? this.currentId;
    this.node(from);
    return this.add(from, model, info);
  }

  /** Applies `edit` to version `info.from` (default current) and commits the result with the edit recorded. */
  apply(edit: Edit, info: Omit<CommitInfo, 'edit'> = {}): Version {
    const from = info.from ?? this.currentId;
    return this.commit(applyEdit(this.node(from).version.model, edit), { ...info, edit, from });
  }

  /** Records evaluated metrics of a version (params and FLOPs are not overwritable: they follow the architecture). */
  setMetrics(id: number, metrics: Partial<Omit<VersionMetrics, 'params' | 'flops'>>): Version {
    const node = this.node(id);
    const { params, flops } = node.version.metrics;
    node.version = { ...node.version, metrics: { ...node.version.metrics, ...metrics, params, flops } };
    return node.version;
  }

  canUndo(): boolean {
    return this.currentVersion.parent !== null;
  }

  canRedo(): boolean {
    return this.node(this.currentId).redoChild !== null;
  }

  /** Moves to the parent version (remembering where we came from for redo); null at the first version. */
  undo(): Version | null {
    const parent = this.currentVersion.parent;
    if (parent === null) return null;
    this.node(parent).redoChild = this.currentId;
    this.currentId = parent;
    return this.currentVersion;
  }

  /** Moves to the child last made or undone from; null when there is none. */
  redo(): Version | null {
    const child = this.node(this.currentId).redoChild;
    if (child === null) return null;
    this.currentId = child;
    return this.currentVersion;
  }

  /** Makes version `id` current: the next edit branches from it. Redo pointers along its path lead back to it. */
  checkout(id: number): Version {
    const ids = this.path(id);
    for (let i = 1; i < ids.length; i++) this.node(ids[i - 1]).redoChild = ids[i];
    this.currentId = id;
    return this.currentVersion;
  }

  /** Side-by-side comparison of versions a and b: layers, parameters, FLOPs, metrics and the edits between them. */
  compare(a: number, b: number): VersionComparison {
    const va = this.get(a);
    const vb = this.get(b);
    const pathA = this.path(a);
    const pathB = this.path(b);
    let common = 0;
    while (common + 1 < Math.min(pathA.length, pathB.length) && pathA[common + 1] === pathB[common + 1]) common++;
    const edits: VersionComparison['edits'] = [
      ...pathA.slice(common + 1).reverse().map((id) => ({ version: id, edit: this.get(id).edit, direction: 'undone' as const })),
      ...pathB.slice(common + 1).map((id) => ({ version: id, edit: this.get(id).edit, direction: 'applied' as const })),
    ];
    const metrics: VersionComparison['metrics'] = {};
    for (const key of EVALUATED_METRICS) {
      const ma = va.metrics[key];
      const mb = vb.metrics[key];
      if (ma === undefined && mb === undefined) continue;
      metrics[key] = { a: ma, b: mb, ...(ma !== undefined && mb !== undefined ? { delta: mb - ma } : {}) };
    }
    return {
      a, b, commonAncestor: pathA[common], edits,
      layers: compareLayers(va.model, vb.model),
      params: diff(va.metrics.params, vb.metrics.params),
      flops: diff(va.metrics.flops, vb.metrics.flops),
      metrics,
    };
  }

  /** Version `id` in the save format (TF.js Layers model.json + weight shards). */
  exportVersion(id: number, options: SaveOptions = {}): ModelArtifacts {
    return modelToArtifacts(this.get(id).model, options);
  }

  /** The history as JSON plus one Float32Array per weight (the versions' own arrays, not copies). */
  toStored(): StoredHistory {
    const blobs: Record<string, Float32Array> = {};
    const versions = this.nodes.map(({ version: v, redoChild }) => {
      const weights: HistoryJson['versions'][number]['weights'] = {};
      for (const [layer, tensors] of Object.entries(v.model.weights)) {
        weights[layer] = {};
        for (const [name, t] of Object.entries(tensors)) {
          const blob = `v${v.id}/${layer}/${name}`;
          blobs[blob] = t.data;
          weights[layer][name] = { shape: [...t.shape], blob };
        }
      }
      return {
        id: v.id, parent: v.parent, redoChild, spec: structuredClone(v.model.spec), weights,
        edit: v.edit === null ? null : structuredClone(v.edit), suggestion: structuredClone(v.suggestion),
        metrics: { ...v.metrics }, curves: v.curves === null ? null : structuredClone(v.curves),
        training: v.training === null ? null : structuredClone(v.training), note: v.note, createdAt: v.createdAt,
      };
    });
    return { json: { format: 'aom-studio-history', formatVersion: 1, current: this.currentId, versions }, blobs };
  }

  /** Rebuilds a history from toStored's output; the Float32Arrays become the versions' weights as they are. */
  static fromStored(stored: StoredHistory): ModelHistory {
    const { json, blobs } = stored;
    if (json?.format !== 'aom-studio-history' || json.formatVersion !== 1) {
      throw new HistoryError(`history: not an aom-studio history (format ${fmt(json?.format)}, version ${fmt(json?.formatVersion)})`);
    }
    const history = new ModelHistory();
    json.versions.forEach((v, i) => {
      if (v.id !== i) throw new HistoryError(`history: version ${i} is stored with id ${v.id}; ids must be 0, 1, 2, … in order`);
      if (v.parent !== null && !(Number.isInteger(v.parent) && v.parent >= 0 && v.parent < i)) {
        throw new HistoryError(`history: version ${i} has parent ${v.parent}, which is not an earlier version`);
      }
      const weights: ModelWeights = {};
      for (const [layer, tensors] of Object.entries(v.weights)) {
        weights[layer] = {};
        for (const [name, { shape, blob }] of Object.entries(tensors)) {
          const data = blobs[blob];
          const size = shape.reduce((p, d) => p * d, 1);
          if (!(data instanceof Float32Array)) throw new HistoryError(`history: version ${i}: weight '${layer}/${name}' has no Float32Array '${blob}'`);
          if (data.length !== size) {
            throw new HistoryError(`history: version ${i}: weight '${layer}/${name}' has ${data.length} values, its shape [${shape.join(', ')}] needs ${size}`);
          }
          weights[layer][name] = { shape: [...shape], data };
        }
      }
      const model: Model = { spec: v.spec, weights };
      const version: Version = {
        id: i, parent: v.parent, model, edit: v.edit, suggestion: v.suggestion, metrics: { ...v.metrics, ...countMetrics(model) },
        curves: v.curves ?? null, training: v.training ?? null, note: v.note ?? '', createdAt: v.createdAt,
      };
      history.nodes.push({ version, children: [], redoChild: null });
      if (v.parent !== null) history.nodes[v.parent].children.push(i);
    });
    if (history.nodes.length === 0) throw new HistoryError('history: has no versions');
    json.versions.forEach((v, i) => {
      if (v.redoChild !== null && history.nodes[v.redoChild]?.version.parent !== i) {
        throw new HistoryError(`history: version ${i}'s redo target ${v.redoChild} is not one of its children`);
      }
      history.nodes[i].redoChild = v.redoChild;
    });
    history.currentId = history.node(json.current).version.id;
    return history;
  }
}

/** The layers of two models side by side, matched by name, in model order (removed layers where they were). */
function compareLayers(a: Model, b: Model): LayerComparison[] {
  const sa = summarizeModel(a.spec).layers;
  const sb = summarizeModel(b.spec).layers;
  const namesA = new Set(sa.map((l) => l.name));
  const namesB = new Set(sb.map((l) => l.name));
  const out: LayerComparison[] = [];
  let i = 0;
  let j = 0;
  while (i < sa.length || j < sb.length) {
    if (i < sa.length && j < sb.length && sa[i].name === sb[j].name) {
      out.push(pairLayers(a, b, a.spec.layers[i], b.spec.layers[j], sa[i], sb[j]));
      i++;
      j++;
    } else if (i < sa.length && (!namesB.has(sa[i].name) || j >= sb.length)) {
      out.push({ name: sa[i].name, status: 'removed', a: sa[i], b: null, changes: [], weightsDiffer: false });
      i++;
    } else if (j < sb.length && (!namesA.has(sb[j].name) || i >= sa.length)) {
      out.push({ name: sb[j].name, status: 'added', a: null, b: sb[j], changes: [], weightsDiffer: false });
      j++;
    } else {
      // Both names exist on the other side but in another order (layers moved): show a's as removed here;
      // its match in b then shows up as added.
      out.push({ name: sa[i].name, status: 'removed', a: sa[i], b: null, changes: [], weightsDiffer: false });
      namesB.delete(sa[i].name);
      i++;
    }
  }
  return out;
}

function pairLayers(a: Model, b: Model, la: LayerSpec, lb: LayerSpec, sa: LayerSummary, sb: LayerSummary): LayerComparison {
  const changes: string[] = [];
  const keys = new Set([...Object.keys(la), ...Object.keys(lb)]);
  for (const key of keys) {
    const va = (la as unknown as Record<string, unknown>)[key];
    const vb = (lb as unknown as Record<string, unknown>)[key];
    if (fmt(va) !== fmt(vb)) changes.push(`${key}: ${fmt(va)} -> ${fmt(vb)}`);
  }
  const weightNames = new Set([...Object.keys(sa.weightShapes), ...Object.keys(sb.weightShapes)]);
  for (const name of weightNames) {
    const wa = sa.weightShapes[name];
    const wb = sb.weightShapes[name];
    if (fmt(wa) !== fmt(wb)) changes.push(`${name}: ${fmt(wa ?? null)} -> ${fmt(wb ?? null)}`);
  }
  let weightsDiffer = false;
  if (changes.length === 0) {
    for (const name of weightNames) {
      const da = a.weights[la.name]?.[name]?.data;
      const db = b.weights[lb.name]?.[name]?.data;
      if (!da || !db || da.length !== db.length || da.some((v, k) => !Object.is(v, db[k]))) weightsDiffer = true;
    }
  }
  return { name: la.name, status: changes.length > 0 ? 'changed' : 'same', a: sa, b: sb, changes, weightsDiffer };
}
