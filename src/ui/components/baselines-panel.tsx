/**
 * "Compare with baselines" for the current version, when its history drops kernels: the kernels per layer the
 * baselines will match, the retraining budget (the AOM-guided one, or a smaller one), an optional sweep of
 * fractions of every layer's kernels, the random baseline's seeds, progress with Stop, and the result (baselines-result.tsx).
 */
import { Show } from 'solid-js';
import { baselines, setBaselines } from '../stores/baselines-store.ts';
import { history } from '../stores/history-store.ts';
import { training } from '../stores/training-store.ts';
import { compareWithBaselines, stopBaselines } from '../baselines-actions.ts';
import { parseSweepFractions } from '../sweep-fractions.ts';
import { describeSeeds, parseSeedList } from '../seed-list.ts';
import { fmtInt } from '../format.ts';
import { ProgressBar } from './progress-bar.tsx';
import { BaselinesResult } from './baselines-result.tsx';

/** A whole-number field of the budget; an empty or bad entry keeps the last good value. */
function BudgetField(props: { label: string; testId: string; value: number; min: number; title: string; onValue: (v: number) => void }) {
  return (
    <label title={props.title}>
      {props.label}{' '}
      <input type="number" data-testid={props.testId} min={props.min} step="1" value={props.value} disabled={baselines.running}
        onInput={(e) => {
          const v = Number(e.currentTarget.value);
          if (e.currentTarget.value !== '' && Number.isInteger(v) && v >= props.min) props.onValue(v);
        }} />
    </label>
  );
}

export function BaselinesPanel() {
  const busy = () => baselines.running || history.busy || training.running;
  const sweepError = () => parseSweepFractions(baselines.sweep).error;
  const seeds = () => parseSeedList(baselines.seeds);
  return (
    <div class="baselines" data-testid="baselines">
      <Show when={baselines.plan}>
        {(plan) => (
          <>
            <h3>Baselines</h3>
            <p class="hint" data-testid="baselines-plan">
              v{plan().version} dropped, from v{plan().start}: {plan().drops.map((d) => `${d.layer} ${d.count}`).join(', ')} kernel(s). The same counts are
              dropped by L1 norm, APoZ and {seeds().seeds ? describeSeeds(seeds().seeds!) : 'at random (seeds to be corrected below)'}, layer by layer, each retrained
              {plan().recorded ? ` as the AOM-guided versions were (${plan().budget.config.epochs} epoch(s) on ${plan().budget.subset > 0 ? `${fmtInt(plan().budget.subset)} images` : 'the whole training split'}, batch ${plan().budget.config.batchSize})` : ''}.
            </p>
            <div class="toolbar">
              <BudgetField label="epochs" testId="baselines-epochs" min={1} value={baselines.epochs} onValue={(v) => setBaselines('epochs', v)}
                title="epochs of each retraining (after each layer's drop)" />
              <BudgetField label="max steps" testId="baselines-max-steps" min={0} value={baselines.maxSteps} onValue={(v) => setBaselines('maxSteps', v)}
                title="at most this many steps per epoch of each retraining (0: whole epochs)" />
              <BudgetField label="training images" testId="baselines-subset" min={0} value={baselines.subset} onValue={(v) => setBaselines('subset', v)}
                title="training images of each retraining (0: the whole training split)" />
              <label title="also drop these fractions of every conv layer's kernels by each method, every point retrained alike (empty: none)">
                sweep{' '}
                <input type="text" data-testid="baselines-sweep" size={10} placeholder="e.g. 0.5, 0.75" value={baselines.sweep} disabled={baselines.running}
                  onInput={(e) => setBaselines('sweep', e.currentTarget.value)} />
              </label>
              <label title="seeds of the random baseline, one run (and its retrainings) each; empty: no random baseline">
                random seeds{' '}
                <input type="text" data-testid="baselines-seeds" size={8} placeholder="e.g. 1, 2, 3" value={baselines.seeds} disabled={baselines.running}
                  onInput={(e) => setBaselines('seeds', e.currentTarget.value)} />
              </label>
              <Show when={baselines.running} fallback={
                <button data-testid="compare-baselines" disabled={busy() || sweepError() !== null || seeds().error !== null} onClick={() => void compareWithBaselines()}>Compare with baselines</button>
              }>
                <button data-testid="stop-baselines" onClick={stopBaselines}>Stop</button>
              </Show>
            </div>
            <Show when={sweepError()}><p class="error" data-testid="baselines-sweep-error">{sweepError()}</p></Show>
            <Show when={seeds().error}><p class="error" data-testid="baselines-seeds-error">{seeds().error}</p></Show>
            <Show when={baselines.running}>
              <ProgressBar testId="baselines-progress" fraction={baselines.progress?.fraction ?? 0}
                label={baselines.progress ? `${baselines.progress.stage} · ${baselines.progress.done} of ${baselines.progress.total} retrainings` : 'starting…'} />
            </Show>
          </>
        )}
      </Show>
      <Show when={baselines.error}><p class="error" data-testid="baselines-error">{baselines.error}</p></Show>
      <Show when={baselines.report}>{(r) => <BaselinesResult report={r()} />}</Show>
    </div>
  );
}
