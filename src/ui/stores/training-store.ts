/**
 * The training domain: hyper-parameters, the run's state and progress, and the curves. Curve points are kept
 * in plain arrays outside the store (uPlot wants columnar arrays; the chart reads them once per frame).
 */
import { createStore } from 'solid-js/store';
import type { EvaluationSummary, TrainOutcome } from '../../session/engine-api.ts';

export interface TrainingStoreState {
  epochs: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  /** Training images to use (seeded subset); 0 = all. */
  subset: number;
  /** Test images to evaluate on; 0 = all. */
  evaluationLimit: number;
  running: boolean;
  paused: boolean;
  step: number;
  totalSteps: number;
  imagesPerSecond: number;
  etaSeconds: number;
  /** Bumped whenever the curves change, so the chart knows to redraw. */
  curveVersion: number;
  outcome: TrainOutcome | null;
  evaluation: EvaluationSummary | null;
  evaluating: boolean;
  error: string;
}

export const [training, setTraining] = createStore<TrainingStoreState>({
  epochs: 1,
  batchSize: 64,
  optimizer: 'adam',
  lr: 0.001,
  subset: 6000,
  evaluationLimit: 2000,
  running: false,
  paused: false,
  step: 0,
  totalSteps: 0,
  imagesPerSecond: 0,
  etaSeconds: 0,
  curveVersion: 0,
  outcome: null,
  evaluation: null,
  evaluating: false,
  error: '',
});

/** Loss and accuracy per logged step: [step, loss, accuracy] columns. */
export const curves = { step: [] as number[], loss: [] as number[], accuracy: [] as number[] };
