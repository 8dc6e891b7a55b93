/** The dataset domain: what is loaded, and the error of the last load (shown in place). */
import { createStore } from 'solid-js/store';
import type { DatasetInfo } from '../../session/engine-api.ts';

export interface DatasetStoreState {
  info: DatasetInfo | null;
  loading: boolean;
  error: string;
}

export const [dataset, setDataset] = createStore<DatasetStoreState>({ info: null, loading: false, error: '' });
