/**
 * Reading and writing Keras layer configs (class_name + config, as in model.json): the checks every layer
 * codec shares, each error naming the layer and its class, and the initialiser objects TF.js's `model.save`
 * writes.
 */
import type { Activation } from '../nn/layers.ts';
import type { KerasLayerEntry } from './keras-topology.ts';
import { ModelFormatError } from './model-format-error.ts';

/** Serialised Keras layer, as in model.json. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

export function fail(e: KerasLayerEntry, problem: string): ModelFormatError {
  return new ModelFormatError(`layer '${e.name}' (${e.className}): ${problem}`, e.name);
}

export function num(e: KerasLayerEntry, key: string, fallback?: number): number {
  const v = e.config[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(e, `${key} must be a number, got ${JSON.stringify(e.config[key])}`);
  return v;
}

export function bool(e: KerasLayerEntry, key: string, fallback: boolean): boolean {
  const v = e.config[key] ?? fallback;
  if (typeof v !== 'boolean') throw fail(e, `${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** An int or a pair of ints (kernel_size, strides, pool_size). */
export function pair(e: KerasLayerEntry, key: string, fallback?: [number, number]): [number, number] {
  const v = e.config[key] ?? fallback;
  const list = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((x) => Number.isInteger(x) && x > 0)) {
    throw fail(e, `${key} must be a positive integer or a pair of them, got ${JSON.stringify(e.config[key])}`);
  }
  return [list[0], list[1]];
}

export function numberList(e: KerasLayerEntry, key: string): number[] {
  const v = e.config[key];
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw fail(e, `${key} must be a number or a list of numbers, got ${JSON.stringify(v)}`);
  }
  return list;
}

export function padding(e: KerasLayerEntry): 'same' | 'valid' {
  const v = String(e.config.padding ?? 'valid').toLowerCase();
  if (v !== 'same' && v !== 'valid') throw fail(e, `padding '${v}' is not supported (same or valid)`);
  return v;
}

export function requireChannelsLast(e: KerasLayerEntry): void {
  const f = e.config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') throw fail(e, `data_format '${String(f)}' is not supported (channels_last only)`);
}

/** Keras activation name; Keras 3 may write a serialised function object instead of a string. */
export function activationName(e: KerasLayerEntry): string {
  const v = e.config.activation;
  if (v === undefined || v === null) return 'linear';
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const inner = o.config as Record<string, unknown> | undefined;
    if (typeof inner?.name === 'string') return inner.name;
    if (typeof o.class_name === 'string') return o.class_name;
  }
  throw fail(e, `cannot read activation ${JSON.stringify(v)}`);
}

export function fusedActivation(e: KerasLayerEntry, allowSoftmax: boolean): Activation | 'softmax' {
  const a = activationName(e);
  if (a === 'linear' || a === 'relu' || (allowSoftmax && a === 'softmax')) return a;
  throw fail(e, `activation '${a}' is not supported (${allowSoftmax ? 'linear, relu or softmax' : 'linear or relu'})`);
}

/** Whether the integer axis (or a one-element list of it) is the last axis of a rank-`rank` tensor with batch. */
export function isLastAxis(axis: unknown, rank: number): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === -1 || a === rank - 1;
}

export const HE_UNIFORM = { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'uniform', seed: null } };
export const ZEROS = { class_name: 'Zeros', config: {} };
export const ONES = { class_name: 'Ones', config: {} };

/** The config fields every layer we write carries. */
export const commonConfig = (name: string) => ({ name, trainable: true });
