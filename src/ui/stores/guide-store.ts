/** The guided-mode domain: which step's one-click action is running, and what it last said. */
import { createStore } from 'solid-js/store';

export interface GuideStoreState {
  /** The conv layer whose "apply, retrain, compare" is running, or null. */
  running: string | null;
  /** Where the running action is ("computing the maps of conv1", "retraining v3"). */
  stage: string;
  error: string;
}

export const [guide, setGuide] = createStore<GuideStoreState>({ running: null, stage: '', error: '' });
