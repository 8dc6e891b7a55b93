/** Training: hyper-parameters, start/pause/stop, progress (images/s, ETA), live curves, evaluation. */
import { Show } from 'solid-js';
import { setTraining, training } from '../stores/training-store.ts';
import { cancelJob, continueTraining, evaluate, pauseTraining, resumeTraining, startTraining, stopTraining } from '../actions.ts';
import { model } from '../stores/model-store.ts';
import { ProgressBar, fmtSeconds } from './progress-bar.tsx';
import { TrainingChart } from './training-chart.tsx';

function NumberField(props: { label: string; value: number; step?: number; min?: number; onChange: (v: number) => void; testId?: string }) {
  return (
    <label class="field">
      {props.label}
      <input type="number" value={props.value} step={props.step ?? 1} min={props.min ?? 0} data-testid={props.testId}
        onChange={(e) => props.onChange(Number(e.currentTarget.value))} disabled={training.running} />
    </label>
  );
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export function TrainingPanel() {
  return (
    <section class="panel" data-testid="training-panel">
      <h2>Training</h2>
      <div class="fields">
        <NumberField label="epochs" value={training.epochs} min={1} onChange={(v) => setTraining('epochs', v)} testId="epochs" />
        <NumberField label="batch" value={training.batchSize} min={1} onChange={(v) => setTraining('batchSize', v)} />
        <label class="field">
          optimizer
          <select value={training.optimizer} onChange={(e) => setTraining('optimizer', e.currentTarget.value as 'adam' | 'sgd')} disabled={training.running}>
            <option value="adam">Adam</option>
            <option value="sgd">SGD + momentum</option>
          </select>
        </label>
        <NumberField label="learning rate" value={training.lr} step={0.0001} onChange={(v) => setTraining('lr', v)} />
        <NumberField label="train images (0 = all)" value={training.subset} step={500} onChange={(v) => setTraining('subset', v)} testId="subset" />
        <NumberField label="test images (0 = all)" value={training.evaluationLimit} step={500} onChange={(v) => setTraining('evaluationLimit', v)} testId="eval-limit" />
      </div>
      <div class="toolbar">
        <button class="primary" data-testid="train" onClick={() => void startTraining()} disabled={training.running || !!model.info?.fitProblem}>Train</button>
        <Show when={!training.running && model.info?.pendingTraining}>
          {(p) => (
            <button data-testid="continue-training" onClick={() => void continueTraining()} title={`trains v${p().from} on from its last checkpoint`}>
              Continue the stopped training (after {p().step} steps, epoch {p().epoch + 1} of {p().epochs})
            </button>
          )}
        </Show>
        <Show when={training.running}>
          <button data-testid="pause" onClick={() => (training.paused ? resumeTraining() : pauseTraining())}>{training.paused ? 'Resume' : 'Pause'}</button>
          <button data-testid="stop" onClick={stopTraining}>Stop</button>
        </Show>
        <button data-testid="evaluate" onClick={() => void evaluate()} disabled={training.running || training.evaluating || !!model.info?.fitProblem}>
          {training.evaluating ? 'Evaluating…' : 'Evaluate'}
        </button>
        <Show when={training.evaluating}><button data-testid="cancel-evaluation" onClick={cancelJob}>Cancel</button></Show>
      </div>
      <Show when={training.running || training.outcome}>
        <ProgressBar
          testId="train-progress"
          fraction={training.totalSteps ? training.step / training.totalSteps : 0}
          label={
            training.running
              ? `${training.paused ? 'paused — ' : ''}step ${training.step}/${training.totalSteps || '…'} · ${Math.round(training.imagesPerSecond)} images/s · ETA ${fmtSeconds(training.etaSeconds)}`
              : `done: ${training.outcome?.message ?? ''}`
          }
        />
      </Show>
      <TrainingChart />
      <Show when={training.error}><p class="error" data-testid="training-error">{training.error}</p></Show>
      <Show when={training.evaluation}>
        {(e) => (
          <p data-testid="evaluation">
            Test accuracy <strong>{pct(e().accuracy)}</strong> (95% interval {pct(e().interval.low)}–{pct(e().interval.high)}), loss {e().loss.toFixed(4)} on{' '}
            {e().count.toLocaleString('en')}{e().count < e().of ? ` of ${e().of.toLocaleString('en')}` : ''} test images
          </p>
        )}
      </Show>
    </section>
  );
}
