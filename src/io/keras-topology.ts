/**
 * Reads a Keras model topology (model.json's `modelTopology`) into the plain chain of layers that a ModelSpec
 * is. Accepted shapes of the topology:
 *   - TF.js `model.save`:      { class_name: 'Sequential', config: { name, layers: [...] }, keras_version, … }
 *   - tensorflowjs_converter:  { keras_version, backend, model_config: { class_name, config }, training_config }
 *   - Sequential configs that are a bare layer list (Keras < 2.2.3), or that start with an InputLayer;
 *   - Functional models (class_name 'Model' or 'Functional') whose graph is a simple chain, with Keras 2 / TF.js
 *     inbound nodes ([[['prev', 0, 0, {}]]]) or Keras 3 ones ({ args: [{ config: { keras_history: ['prev', 0, 0] } }] });
 *   - models nested as layers of those (e.g. a Sequential preprocessing block): their layers are spliced in.
 */
import { ModelFormatError } from './model-format-error.ts';

/** One Keras layer of the chain. */
export interface KerasLayerEntry {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

export interface KerasChain {
  /** The model's name in the topology. */
  name: string;
  layers: KerasLayerEntry[];
  /** Sequential's `build_input_shape` when the layers themselves do not declare the input. */
  buildInputShape?: unknown;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

/** The chain of layers of a model topology; throws ModelFormatError when it is not a simple chain. */
export function readKerasChain(modelTopology: unknown): KerasChain {
  if (!isObject(modelTopology)) throw new ModelFormatError('model.json: modelTopology is missing or not an object');
  // tensorflowjs_converter wraps the Keras model config (and the training config) one level down.
  const top = isObject(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
  const className = top.class_name;
  if (typeof className !== 'string' || !MODEL_CLASSES.has(className)) {
    throw new ModelFormatError(`model.json: the model class '${String(className)}' is not supported (expected Sequential, or a Functional model that is a simple chain)`);
  }
  const config = top.config;
  const name = isObject(config) && typeof config.name === 'string' ? config.name : 'model';
  const buildInputShape = isObject(config) ? config.build_input_shape : undefined;
  return { name, layers: expandModel(className, config, name), buildInputShape };
}

function entryOf(raw: unknown, where: string): KerasLayerEntry & { raw: Json } {
  if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
    throw new ModelFormatError(`model '${where}': a layer entry lacks class_name or config: ${JSON.stringify(raw)?.slice(0, 200)}`);
  }
  const name = typeof raw.name === 'string' ? raw.name : typeof raw.config.name === 'string' ? raw.config.name : '';
  if (!name) throw new ModelFormatError(`model '${where}': a ${raw.class_name} layer has no name`);
  return { className: raw.class_name, name, config: raw.config, raw };
}

/** The layers of a (possibly nested) model, in execution order, with nested models spliced in. */
function expandModel(className: string, config: unknown, where: string): KerasLayerEntry[] {
  const entries = className === 'Sequential' ? sequentialLayers(config, where) : functionalChain(config, where);
  const out: KerasLayerEntry[] = [];
  for (const e of entries) {
    if (MODEL_CLASSES.has(e.className)) out.push(...expandModel(e.className, e.config, e.name));
    else out.push({ className: e.className, name: e.name, config: e.config });
  }
  return out;
}

function sequentialLayers(config: unknown, where: string): KerasLayerEntry[] {
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  if (!Array.isArray(list)) throw new ModelFormatError(`model '${where}': Sequential config has no layer list`);
  return list.map((raw) => entryOf(raw, where));
}

/** Names of the layers feeding `raw` (empty for an InputLayer). */
function inboundNames(e: KerasLayerEntry & { raw: Json }, where: string): string[] {
  const nodes = e.raw.inbound_nodes;
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return [];
  if (!Array.isArray(nodes)) throw new ModelFormatError(`model '${where}': layer '${e.name}' has malformed inbound_nodes`, e.name);
  if (nodes.length > 1) {
    throw new ModelFormatError(`model '${where}': layer '${e.name}' is applied ${nodes.length} times (a shared layer); only a simple chain is supported`, e.name);
  }
  const node = nodes[0];
  if (Array.isArray(node)) {
    // Keras 2 / TF.js: a node is a list of [layerName, nodeIndex, tensorIndex, kwargs].
    return node.map((t) => (Array.isArray(t) ? String(t[0]) : String(t)));
  }
  // Keras 3: { args: [...], kwargs: {...} } with KerasTensors that carry keras_history [layerName, node, tensor].
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) {
      if (Array.isArray(v.keras_history)) found.push(String(v.keras_history[0]));
      else Object.values(v).forEach(visit);
    }
  };
  visit(isObject(node) ? node.args : node);
  return found;
}

/** Layer names of input_layers / output_layers: [['a', 0, 0], …] in Keras 2, possibly ['a', 0, 0] in Keras 3. */
function endpointNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [v[0]];
  return v.map((t) => (Array.isArray(t) ? String(t[0]) : String(t)));
}

function functionalChain(config: unknown, where: string): KerasLayerEntry[] {
  if (!isObject(config) || !Array.isArray(config.layers)) throw new ModelFormatError(`model '${where}': Functional config has no layer list`);
  const entries = config.layers.map((raw) => entryOf(raw, where));
  const byName = new Map(entries.map((e) => [e.name, e]));
  const inbound = new Map(entries.map((e) => [e.name, inboundNames(e, where)]));
  const inputs = endpointNames(config.input_layers);
  const outputs = endpointNames(config.output_layers);
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new ModelFormatError(`model '${where}': has ${inputs.length} inputs and ${outputs.length} outputs; only one of each is supported`);
  }
  const start = byName.get(inputs[0]);
  if (!start) throw new ModelFormatError(`model '${where}': input layer '${inputs[0]}' is not among its layers`);

  const chain = [start];
  let current = start.name;
  while (current !== outputs[0]) {
    const consumers = entries.filter((e) => inbound.get(e.name)!.includes(current));
    if (consumers.length !== 1) {
      throw new ModelFormatError(
        `model '${where}': layer '${current}' feeds ${consumers.length} layers (${consumers.map((c) => c.name).join(', ') || 'none'}); only a simple chain is supported`,
        current,
      );
    }
    const next = consumers[0];
    const sources = inbound.get(next.name)!;
    if (sources.length !== 1) {
      throw new ModelFormatError(`model '${where}': layer '${next.name}' has ${sources.length} inputs (${sources.join(', ')}); only a simple chain is supported`, next.name);
    }
    if (chain.includes(next)) throw new ModelFormatError(`model '${where}': layer '${next.name}' closes a cycle`, next.name);
    chain.push(next);
    current = next.name;
  }
  if (chain.length !== entries.length) {
    const off = entries.filter((e) => !chain.includes(e)).map((e) => e.name);
    throw new ModelFormatError(`model '${where}': layers ${off.join(', ')} are not on the path from input to output; only a simple chain is supported`, off[0]);
  }
  return chain;
}
