/**
 * The curves of one training run, as a version keeps them: training loss and accuracy at every logged step, and
 * validation loss and accuracy at the end of every epoch. Columnar arrays (uPlot's shape; plain JSON when stored).
 */
import type { TrainEvent } from './trainer.ts';

export interface TrainingCurves {
  /** Step (1-based, counted over the whole run) of each logged training point. */
  step: number[];
  /** Mean training loss and accuracy over the steps since the previous logged point. */
  loss: number[];
  accuracy: number[];
  /** The step each epoch ended at, and its validation figures (null where validation did not run). */
  epochStep: number[];
  validationLoss: (number | null)[];
  validationAccuracy: (number | null)[];
}

export const emptyCurves = (): TrainingCurves => ({ step: [], loss: [], accuracy: [], epochStep: [], validationLoss: [], validationAccuracy: [] });

/**
 * Adds one trainer event to `curves` (step and epoch events; pause/resume are not points). An epoch ends at the
 * last step logged before its event: the trainer always logs an epoch's last step.
 */
export function recordTrainEvent(curves: TrainingCurves, event: TrainEvent): void {
  if (event.type === 'step') {
    curves.step.push(event.step);
    curves.loss.push(event.loss);
    curves.accuracy.push(event.accuracy);
  } else if (event.type === 'epoch') {
    curves.epochStep.push(curves.step.length ? curves.step[curves.step.length - 1] : event.epoch);
    curves.validationLoss.push(event.validation ? event.validation.loss : null);
    curves.validationAccuracy.push(event.validation ? event.validation.accuracy : null);
  }
}
