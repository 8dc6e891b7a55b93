/** The baselines domain: what "Compare with baselines" would run for the current version, the budget chosen, progress and the result. */
import { createStore } from 'solid-js/store';
import type { BaselinePlan, BaselinesProgress, BaselinesReport } from '../../session/engine-api.ts';

export interface BaselinesStoreState {
  /** The current version's plan, or null when its history drops no kernel. */
  plan: BaselinePlan | null;
  /** The retraining budget chosen (starts as the AOM-guided one, the plan's). */
  epochs: number;
  maxSteps: number;
  subset: number;
  /** The sweep field as typed (sweep-fractions.ts reads it): fractions of every layer's kernels, by each method. */
  sweep: string;
  /** The random seeds field as typed (seed-list.ts reads it): one random baseline per seed. */
  seeds: string;
  running: boolean;
  progress: BaselinesProgress | null;
  report: BaselinesReport | null;
  error: string;
}

export const [baselines, setBaselines] = createStore<BaselinesStoreState>({
  plan: null,
  epochs: 1,
  maxSteps: 0,
  subset: 0,
  sweep: '',
  seeds: '1, 2, 3',
  running: false,
  progress: null,
  report: null,
  error: '',
});
