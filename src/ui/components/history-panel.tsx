/**
 * History: the versions as a tree, undo/redo (buttons, Ctrl+Z / Ctrl+Shift+Z), the training curves of the
 * compared versions, accuracy against parameters, the comparison of the two versions picked, and the current
 * version against the pruning baselines.
 */
import { Show, onCleanup, onMount } from 'solid-js';
import { history } from '../stores/history-store.ts';
import { training } from '../stores/training-store.ts';
import { redo, undo } from '../actions.ts';
import { onUndoRedoKey } from '../version-actions.ts';
import { HistoryChart } from './history-chart.tsx';
import { VersionTree } from './version-tree.tsx';
import { VersionCurvesChart } from './version-curves-chart.tsx';
import { ComparisonView } from './comparison-view.tsx';
import { BaselinesPanel } from './baselines-panel.tsx';

export function HistoryPanel() {
  onMount(() => document.addEventListener('keydown', onUndoRedoKey));
  onCleanup(() => document.removeEventListener('keydown', onUndoRedoKey));
  const busy = () => history.busy || training.running;
  return (
    <section class="panel" data-testid="history-panel">
      <h2>History</h2>
      <div class="toolbar">
        <button data-testid="undo" disabled={busy() || !history.info.canUndo} onClick={() => void undo()} title="Ctrl+Z">Undo</button>
        <button data-testid="redo" disabled={busy() || !history.info.canRedo} onClick={() => void redo()} title="Ctrl+Shift+Z">Redo</button>
        <span class="hint">Check out any version to branch from it; tick two versions to compare them (one: with the current).</span>
      </div>
      <div class="row history-body">
        <VersionTree />
        <div class="history-charts">
          <VersionCurvesChart />
          <HistoryChart />
        </div>
      </div>
      <Show when={history.comparison}>{(c) => <ComparisonView comparison={c()} />}</Show>
      <BaselinesPanel />
      <Show when={history.error}><p class="error">{history.error}</p></Show>
    </section>
  );
}
