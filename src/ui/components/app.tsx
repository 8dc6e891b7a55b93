/** The studio's layout: status bar, guided mode, and the panels of the method in two columns. */
import { Match, Switch } from 'solid-js';
import { session } from '../stores/session-store.ts';
import { StatusBar } from './status-bar.tsx';
import { NoWebGpu } from './no-webgpu.tsx';
import { GuidedMode } from './guided-mode.tsx';
import { DatasetPanel } from './dataset-panel.tsx';
import { ModelPanel } from './model-panel.tsx';
import { TrainingPanel } from './training-panel.tsx';
import { MapsPanel } from './maps-panel.tsx';
import { SuggestionsPanel } from './suggestions-panel.tsx';
import { EditsPanel } from './edits-panel.tsx';
import { HistoryPanel } from './history-panel.tsx';
import { persistSettingsOnChange } from '../settings.ts';

export function App() {
  persistSettingsOnChange();
  return (
    <Switch>
      <Match when={session.status === 'failed'}>
        <NoWebGpu reason={session.error} />
      </Match>
      <Match when={session.status === 'starting'}>
        <StatusBar />
        <main class="starting" data-testid="starting">Starting the engine: acquiring the GPU, loading MNIST and the model…</main>
      </Match>
      <Match when={session.status === 'ready'}>
        <StatusBar />
        <GuidedMode />
        <main class="studio" data-testid="studio">
          <div class="column narrow">
            <DatasetPanel />
            <ModelPanel />
            <TrainingPanel />
          </div>
          <div class="column wide">
            <MapsPanel />
            <div class="row">
              <SuggestionsPanel />
              <EditsPanel />
            </div>
            <HistoryPanel />
          </div>
        </main>
      </Match>
    </Switch>
  );
}
