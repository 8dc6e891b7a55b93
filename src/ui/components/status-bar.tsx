/** Title, adapter, how maps reach the screen, restore messages and the engine's latest notice. */
import { For, Show } from 'solid-js';
import { session, setSession } from '../stores/session-store.ts';
import { resetSession } from '../actions.ts';

/** The bench page gets the studio's ?kernels= (the same kernel variant override). */
const benchQuery = () => {
  const kernels = new URLSearchParams(location.search).get('kernels');
  return kernels ? `?kernels=${encodeURIComponent(kernels)}` : '';
};

export function StatusBar() {
  return (
    <header class="status-bar">
      <div class="title">
        <strong>aom-studio</strong>
        <span class="subtitle">CNN architecture tuning with Activation Occurrence Maps</span>
      </div>
      <Show when={session.adapter}>
        <span class="adapter" data-testid="adapter" title="WebGPU adapter">GPU: {session.adapter}</span>
        <span class="render-mode" data-testid="render-mode">
          maps: {session.renderMode === 'present' ? 'WebGPU canvas' : 'WebGPU → texture → 2D canvas (read-back)'}
        </span>
      </Show>
      <a class="link" href={`./bench.html${benchQuery()}`} title="our kernels beside TF.js on this GPU (bench.html)" data-testid="bench-link">Bench</a>
      <button class="link" onClick={() => setSession('guideOpen', !session.guideOpen)}>{session.guideOpen ? 'Hide guide' : 'Guided mode'}</button>
      <button class="link" onClick={() => confirm('Forget the saved session and start over?') && void resetSession()}>Start over</button>
      <Show when={session.messages.length > 0}>
        <ul class="messages" data-testid="restore-messages">
          <For each={session.messages}>{(m) => <li>{m}</li>}</For>
        </ul>
      </Show>
      <Show when={session.notice}>
        <div class="notice" data-testid="notice">{session.notice}</div>
      </Show>
    </header>
  );
}
