/**
 * Architecture edits as plain data: what the history records, what the analysis suggests, what the CLI parses
 * and what the page sends to the worker. applyEdit turns one into a new model; describeEdit into words.
 */
import type { Model } from '../nn/layers.ts';
import { dropKernels } from './drop-kernels.ts';
import { insertLayer } from './insert-layer.ts';
import { SurgeryError } from './surgery-error.ts';
import { widenLayer, type WidenMode } from './widen-layer.ts';

/** Remove output channels `kernels` of conv (or dense) layer `layer`. */
export interface DropEdit {
  kind: 'drop';
  layer: string;
  kernels: number[];
}

/** Add `by` kernels to layer `layer` (see widen-layer.ts for the modes). */
export interface WidenEdit {
  kind: 'widen';
  layer: string;
  by: number;
  mode: WidenMode;
  /** Relative noise on net2net copies; 0 or absent keeps the function. */
  noise?: number;
  /** Seed of the copies' choice, the noise and fresh weights; recorded so the edit replays identically. */
  seed?: number;
}

/** Insert an identity-initialised conv + ReLU after layer `after`. */
export interface InsertEdit {
  kind: 'insert';
  after: string;
  /** [kh, kw]; default [3, 3]. */
  kernelSize?: [number, number];
  /** Default: the channels of `after`. */
  width?: number;
  /** Name of the new layer; default `<after>_deep`. */
  name?: string;
  seed?: number;
}

export type Edit = DropEdit | WidenEdit | InsertEdit;

/** The model after `edit` (a new Model; `model` is not modified). */
export function applyEdit(model: Model, edit: Edit): Model {
  switch (edit.kind) {
    case 'drop':
      return dropKernels(model, edit.layer, edit.kernels);
    case 'widen':
      return widenLayer(model, edit.layer, edit.by, { mode: edit.mode, noise: edit.noise, seed: edit.seed });
    case 'insert':
      return insertLayer(model, edit.after, { kernelSize: edit.kernelSize, width: edit.width, name: edit.name, seed: edit.seed });
    default:
      throw new SurgeryError(`unknown edit kind '${String((edit as { kind?: unknown }).kind)}'`);
  }
}

/** Kernel indices as a short list: 3, 7, 10-14. */
export function formatKernelList(kernels: readonly number[]): string {
  const sorted = [...new Set(kernels)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(', '));
    i = j;
  }
  return parts.join(', ');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line a designer reads in the history: "drop 2 kernels of conv1 (3, 7)". */
export function describeEdit(edit: Edit): string {
  switch (edit.kind) {
    case 'drop':
      return `drop ${plural(new Set(edit.kernels).size, 'kernel')} of ${edit.layer} (${formatKernelList(edit.kernels)})`;
    case 'widen': {
      const how = edit.mode === 'net2net'
        ? `net2net copies${edit.noise ? `, noise ${edit.noise}` : ''}`
        : 'fresh He-initialised kernels, zero outgoing weights';
      return `widen ${edit.layer} by ${plural(edit.by, 'kernel')} (${how})`;
    }
    case 'insert': {
      const [kh, kw] = edit.kernelSize ?? [3, 3];
      const width = edit.width === undefined ? '' : `, width ${edit.width}`;
      return `insert identity conv ${kh}x${kw}${width} after ${edit.after}${edit.name ? ` as ${edit.name}` : ''}`;
    }
  }
}
