/**
 * Option-table entries that several commands share word for word (options.ts), so that their help and their
 * checks cannot drift apart between commands.
 */
import { DATASET_SPEC_HELP } from '../data/spec.ts';
import { DEFAULT_SPLIT_SEED } from '../data/splits.ts';
import { DEFAULT_GPU_BUDGET_BYTES } from '../data/gpu-dataset.ts';
import { DEFAULT_THRESHOLDS, type SuggestionThresholds } from '../analysis/suggestions.ts';
import { THRESHOLD_BOUNDS } from '../analysis/threshold-bounds.ts';

export const DATASET_OPTION = { type: 'string', value: 'SPEC', required: true, description: DATASET_SPEC_HELP } as const;

/**
 * The seed of the train / validation split (independent of any training seed). No default in the table: without
 * it a saved model is evaluated on its own recorded split, and anything else on the default (src/session/split-policy.ts).
 */
export const SPLIT_SEED_OPTION = {
  type: 'string', number: 'integer', min: 0, max: 0xffffffff, defaultText: `the model's recorded split, else ${DEFAULT_SPLIT_SEED}`, value: 'S',
  description: 'seed of the train / validation split; give it only to override the split a model records (you are warned when it differs)',
} as const;

export const SPLIT_OPTION = {
  type: 'string', choices: ['train', 'validation', 'test'], default: 'test', value: 'NAME', description: 'the split to work on',
} as const;

/** GPU memory for a dataset's images; beyond it, batches stream from CPU memory (src/data/gpu-dataset.ts). */
export const GPU_BUDGET_OPTION = {
  type: 'string', number: 'real', above: 0, default: DEFAULT_GPU_BUDGET_BYTES / 2 ** 20, value: 'MIB',
  description: "GPU memory for the dataset's images, in MiB; a larger dataset streams its batches from CPU memory (double-buffered)",
} as const;

/** The upload option of `--gpu-budget` (MiB) in bytes. */
export const gpuBudget = (mib: number): { budgetBytes: number } => ({ budgetBytes: Math.floor(mib * 2 ** 20) });

export const JSON_OPTION = { type: 'boolean', description: 'print JSON instead of text' } as const;

/**
 * The drop rules' thresholds (src/analysis/suggestions.ts), for `analyze` and `tune`: the defaults are starting
 * points, and a designer who wants a smaller model (or a safer one) moves them. Only the drop rules' three: the
 * widen and deepen thresholds stay the library's.
 */
export const SUGGESTION_THRESHOLD_OPTIONS = {
  'min-impact': {
    type: 'string', number: 'real', ...THRESHOLD_BOUNDS.minImpact, default: DEFAULT_THRESHOLDS.minImpact, value: 'X',
    description: 'low-impact rule: drop a kernel whose zeroing costs less than X accuracy (a fraction: 0.001 = 0.1 points) over the analysis set',
  },
  delta: {
    type: 'string', number: 'real', ...THRESHOLD_BOUNDS.delta, default: DEFAULT_THRESHOLDS.delta, value: 'X',
    description: 'redundant rule: a pair of kernels whose Occurrence Difference Map averages below X is one kernel twice',
  },
  eps: {
    type: 'string', number: 'real', ...THRESHOLD_BOUNDS.eps, default: DEFAULT_THRESHOLDS.eps, value: 'X',
    description: 'dead / saturated rules: occurrence below X (or above 1 - X) for every class',
  },
} as const;

/** The thresholds the three options above give. */
export function suggestionThresholds(values: { 'min-impact': number; delta: number; eps: number }): Partial<SuggestionThresholds> {
  return { minImpact: values['min-impact'], delta: values.delta, eps: values.eps };
}
