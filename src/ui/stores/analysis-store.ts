/** The analysis domain: which layer and map, the result, the view (zoom, pan, order) and the selection. */
import { createStore } from 'solid-js/store';
import type { KernelSort, LayerMaps, MapKind } from '../../session/engine-api.ts';
import { DEFAULT_THRESHOLDS } from '../../analysis/suggestions.ts';

export interface Hover {
  kernel: number;
  classIndex: number;
  x: number;
  y: number;
  value: number;
}

export interface AnalysisStoreState {
  layer: string;
  kind: MapKind;
  sort: KernelSort;
  perClass: number;
  ablation: boolean;
  /** The drop rules' thresholds the suggestions are made with (src/analysis/suggestions.ts; minImpact a fraction). */
  minImpact: number;
  delta: number;
  eps: number;
  maps: LayerMaps | null;
  running: boolean;
  progress: number;
  zoom: number;
  panX: number;
  panY: number;
  hover: Hover | null;
  /** The keyboard cursor over the maps grid: a display row and a class (arrow keys move it). */
  cursor: { row: number; col: number } | null;
  /** True while the zoom is the fit to the canvas's width: a resize then fits again. */
  fitted: boolean;
  /** Kernels picked for an edit (drop). */
  selected: number[];
  /** Kernel shown in the detail view. */
  detail: number | null;
  /** ODM rows/columns ordered so similar kernels sit together. */
  odmClustered: boolean;
  /** Width of the maps canvas in CSS pixels (set by the canvas on resize; the fit uses it). */
  canvasWidth: number;
  error: string;
  /** An Apply that failed, shown at its suggestion. */
  applyError: { id: string; message: string } | null;
  /** A threshold field given a value out of its range: the message shown under the fields (the value kept is the old). */
  thresholdError: string;
}

export const [analysis, setAnalysis] = createStore<AnalysisStoreState>({
  layer: 'conv1',
  kind: 'aom',
  sort: 'index',
  perClass: 50,
  ablation: true,
  minImpact: DEFAULT_THRESHOLDS.minImpact,
  delta: DEFAULT_THRESHOLDS.delta,
  eps: DEFAULT_THRESHOLDS.eps,
  maps: null,
  running: false,
  progress: 0,
  zoom: 3,
  panX: 8,
  panY: 8,
  hover: null,
  cursor: null,
  fitted: true,
  selected: [],
  detail: null,
  odmClustered: false,
  canvasWidth: 640,
  error: '',
  applyError: null,
  thresholdError: '',
});
