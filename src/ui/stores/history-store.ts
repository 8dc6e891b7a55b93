/** The history domain: every version, the current one, and a side-by-side comparison. */
import { createStore } from 'solid-js/store';
import type { HistoryInfo, VersionComparisonInfo } from '../../session/engine-api.ts';

export interface HistoryStoreState {
  info: HistoryInfo;
  comparison: VersionComparisonInfo | null;
  /** Versions ticked in the tree for comparison (at most two, in the order ticked). */
  picked: number[];
  busy: boolean;
  error: string;
}

export const [history, setHistory] = createStore<HistoryStoreState>({
  info: { versions: [], current: -1, canUndo: false, canRedo: false },
  comparison: null,
  picked: [],
  busy: false,
  error: '',
});
