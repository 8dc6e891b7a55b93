/** The session domain: engine start-up, the adapter, how maps are shown, and messages for the user. */
import { createStore } from 'solid-js/store';
import type { RenderMode } from '../../session/engine-api.ts';

export interface SessionState {
  status: 'starting' | 'ready' | 'failed';
  adapter: string;
  renderMode: RenderMode | null;
  /** Start-up and restore messages (what was restored, what was recomputed). */
  messages: string[];
  /** Latest notice from the engine (device loss, saves). */
  notice: string;
  error: string;
  /** Guided mode: the step of the method the user is on (0-based). */
  guideStep: number;
  guideOpen: boolean;
}

export const [session, setSession] = createStore<SessionState>({
  status: 'starting',
  adapter: '',
  renderMode: null,
  messages: [],
  notice: '',
  error: '',
  guideStep: 0,
  guideOpen: true,
});
