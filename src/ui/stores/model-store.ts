/** The model domain: the current version's architecture, and import/export state. */
import { createStore } from 'solid-js/store';
import type { ModelInfo } from '../../session/engine-api.ts';

export interface ModelStoreState {
  info: ModelInfo | null;
  busy: boolean;
  error: string;
}

export const [model, setModel] = createStore<ModelStoreState>({ info: null, busy: false, error: '' });
