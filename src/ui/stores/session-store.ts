/** The session domain: engine start-up, the adapter, how maps are shown, and messages for the user. */
import { createStore } from 'solid-js/store';
import type { RenderMode, RenderRequest } from '../../session/engine-api.ts';

export interface SessionState {
  status: 'starting' | 'ready' | 'failed';
  adapter: string;
  renderMode: RenderMode | null;
  /** How the maps canvas is to be drawn (`?render=`; 'readback' after presenting failed). */
  renderRequest: RenderRequest;
  /** Bumped when the engine worker is replaced: the maps canvas attaches a new canvas element to the new one. */
  engineGeneration: number;
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
  renderRequest: 'auto',
  engineGeneration: 0,
  messages: [],
  notice: '',
  error: '',
  guideStep: 0,
  guideOpen: true,
});
