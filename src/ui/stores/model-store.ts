/** The model domain: the current version's architecture, and import/export state. */
import { createStore } from 'solid-js/store';
import type { ModelInfo } from '../../session/engine-api.ts';

export interface ModelStoreState {
  info: ModelInfo | null;
  /** Built-in architectures that take the loaded dataset's images (offered when the model does not fit). */
  fitting: string[];
  /** The pre-trained references the build ships (mnist-ref, fashion-ref, ...). */
  references: string[];
  busy: boolean;
  error: string;
}

export const [model, setModel] = createStore<ModelStoreState>({ info: null, fitting: [], references: [], busy: false, error: '' });
