/**
 * Where the output channels of a conv (or the units of a dense layer) go, and how to rebuild every weight that
 * touches them when the channels are dropped, copied or added. Dropping kernels and widening a layer are both a
 * channel remapping: new channel j of the edited layer is old channel source[j] (or a fresh one), and every
 * consumer weight that reads new channel j is old channel source[j]'s weight times outgoingScale[j].
 *
 * From the edited layer the channels travel, one to one, through layers whose kind's channel flow
 * (src/nn/layer-kinds/layer-kind.ts, ChannelFlow) is
 *   - 'per-channel' (relu, dropout, maxpool, avgpool): no weights, nothing to do;
 *   - 'per-channel-weights' (batchnorm): per-channel gamma, beta, moving_mean, moving_variance, gathered like the
 *     channels;
 *   - 'flatten': the channel axis becomes part of the feature axis, feature f = p * C + k with p = h * W + w the
 *     spatial position (NHWC flattened row-major over (h, w, c)), so from here on every per-channel weight has
 *     `positions` = H * W copies of the channel axis;
 * until the consumer (kind flow 'consumer': the first conv or dense layer), whose input channels are the edited
 * channels:
 *   - conv kernel HWIO [kh, kw, C, cout]: seen as [kh * kw, C, cout], the C axis is remapped;
 *   - dense kernel [P * C, units]: seen as [P, C, units], the C axis is remapped (P = 1 without a flatten).
 * A layer that mixes the channels (softmax) on the way, and a layer with no consumer, which feeds the model's
 * output, cannot be edited this way.
 */
import type { LayerKindName, Model, Tensor } from '../nn/layers.ts';
import { LAYER_KINDS, layerKind } from '../nn/layer-registry.ts';
import { summarizeModel } from '../nn/shapes.ts';
import { copyModel } from './model-copy.ts';
import { SurgeryError } from './surgery-error.ts';

/** The layers an edit of one layer's output channels has to touch. */
export interface ChannelRoute {
  /** Index of the edited layer (a conv2d or a dense layer) in spec.layers. */
  index: number;
  /** Its output channels (filters or units). */
  channels: number;
  /** Batch-norm layers on the way, with how many positions repeat the channel axis (1 before a flatten). */
  batchNorms: { index: number; positions: number }[];
  /** The consumer: its index, and how many positions (window taps for a conv, H*W after a flatten) repeat the channel axis. */
  consumer: { index: number; positions: number };
}

/** Finds the edited layer and the layers its channels reach; throws SurgeryError naming the layer when there is no such route. */
export function traceChannels(model: Model, layerName: string): ChannelRoute {
  const { spec } = model;
  const index = spec.layers.findIndex((l) => l.name === layerName);
  if (index < 0) {
    throw new SurgeryError(`model '${spec.name}' has no layer '${layerName}' (layers: ${spec.layers.map((l) => l.name).join(', ')})`, layerName);
  }
  const layer = spec.layers[index];
  const editable = layerKind(layer).channels.editable;
  if (!editable) {
    const editableKinds = (Object.keys(LAYER_KINDS) as LayerKindName[]).filter((k) => LAYER_KINDS[k].channels.editable !== null);
    throw new SurgeryError(`layer '${layerName}' is a ${layer.kind}; only ${editableKinds.join(' and ')} layers have kernels to edit`, layerName);
  }
  const summary = summarizeModel(spec);
  const channels = editable.count(layer);
  const batchNorms: ChannelRoute['batchNorms'] = [];
  let positions = 1;
  for (let i = index + 1; i < spec.layers.length; i++) {
    const next = spec.layers[i];
    const flow = layerKind(next).channels.flow(next, summary.layers[i].inputShape);
    switch (flow.type) {
      case 'per-channel':
        break;
      case 'per-channel-weights':
        batchNorms.push({ index: i, positions });
        break;
      case 'flatten':
        positions *= flow.positions;
        break;
      case 'consumer':
        return { index, channels, batchNorms, consumer: { index: i, positions: positions * flow.taps } };
      case 'mixes':
        throw new SurgeryError(
          `layer '${layerName}': its channels go through ${next.kind} '${next.name}', which mixes them, before any conv or dense layer reads them; cannot edit them one by one`,
          layerName,
        );
      default:
        throw new Error(`traceChannels: unknown channel flow ${JSON.stringify(flow satisfies never)} of layer '${next.name}'`);
    }
  }
  throw new SurgeryError(
    `layer '${layerName}' has no conv or dense layer after it: its ${channels} channels are the model's output, and editing them would change what the model predicts`,
    layerName,
  );
}

/** A new channel layout of the edited layer. */
export interface ChannelPlan {
  /** New channel j is a copy of old channel source[j], or a fresh channel (null): zero weights, identity batch norm. */
  source: (number | null)[];
  /** The factor on every consumer weight that reads new channel j (ignored for fresh channels, whose consumer weights are 0). */
  outgoingScale: number[];
}

/**
 * out[o, j, i] = source[j] === null ? fill : data[o, source[j], i] * scale[j], for a tensor seen as
 * [outer, channels, inner] (row-major) whose middle axis is remapped to source.length channels.
 */
function gatherChannels(
  data: Float32Array, outer: number, channels: number, inner: number,
  source: readonly (number | null)[], scale: readonly number[] | null, fill: number,
): Float32Array {
  if (data.length !== outer * channels * inner) {
    throw new Error(`gatherChannels: ${data.length} values are not ${outer} x ${channels} x ${inner}`);
  }
  const next = source.length;
  const out = new Float32Array(outer * next * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < next; j++) {
      const k = source[j];
      const to = (o * next + j) * inner;
      if (k === null) {
        out.fill(fill, to, to + inner);
        continue;
      }
      const from = (o * channels + k) * inner;
      const s = scale ? scale[j] : 1;
      for (let i = 0; i < inner; i++) out[to + i] = s === 1 ? data[from + i] : data[from + i] * s;
    }
  }
  return out;
}

function tensor(shape: number[], data: Float32Array): Tensor {
  return { shape, data };
}

/** Batch-norm values of a fresh channel: the identity at inference (gamma 1, beta 0, mean 0, variance 1). */
const FRESH_BATCHNORM: Record<string, number> = { gamma: 1, beta: 0, moving_mean: 0, moving_variance: 1 };

/**
 * A copy of `model` with the edited layer's channels remapped by `plan` along `route`: the layer's kernel and
 * bias, every batch norm on the way and the consumer's input weights. Other weights are copied unchanged.
 */
export function remapChannels(model: Model, route: ChannelRoute, plan: ChannelPlan): Model {
  const out = copyModel(model);
  const { spec, weights } = out;
  const layer = spec.layers[route.index];
  const next = plan.source.length;
  const C = route.channels;
  const own = weights[layer.name];
  if (!own?.kernel) throw new SurgeryError(`layer '${layer.name}' has no kernel weights in model '${spec.name}'`, layer.name);

  // The edited layer: kernel [..., C] (conv HWIO or dense [in, C]) and bias [C]: the last axis is remapped.
  const kernel = own.kernel;
  const fanIn = kernel.data.length / C;
  own.kernel = tensor([...kernel.shape.slice(0, -1), next], gatherChannels(kernel.data, fanIn, C, 1, plan.source, null, 0));
  if (own.bias) own.bias = tensor([next], gatherChannels(own.bias.data, 1, C, 1, plan.source, null, 0));
  const editable = layerKind(layer).channels.editable;
  if (!editable) throw new SurgeryError(`layer '${layer.name}' is a ${layer.kind}, which has no channels to edit`, layer.name);
  spec.layers[route.index] = editable.withCount(layer, next);

  // Batch norms: each vector is [positions * C], feature p * C + k.
  for (const { index, positions } of route.batchNorms) {
    const bn = weights[spec.layers[index].name];
    for (const [name, t] of Object.entries(bn)) {
      bn[name] = tensor([positions * next], gatherChannels(t.data, positions, C, 1, plan.source, null, FRESH_BATCHNORM[name] ?? 0));
    }
  }

  // The consumer's kernel, [positions, C, outputs] with outputs its own filters/units; its bias is unaffected.
  const consumer = spec.layers[route.consumer.index];
  const consumerWeights = weights[consumer.name];
  const ck = consumerWeights?.kernel;
  if (!ck) throw new SurgeryError(`layer '${consumer.name}' (the consumer of '${layer.name}') has no kernel weights in model '${spec.name}'`, consumer.name);
  const outputs = ck.shape[ck.shape.length - 1];
  const positions = route.consumer.positions;
  const scale = plan.source.map((k, j) => (k === null ? 0 : plan.outgoingScale[j]));
  const data = gatherChannels(ck.data, positions, C, outputs, plan.source, scale, 0);
  // The axis before the outputs holds the channels (a conv's HWIO C, or a dense layer's P * C rows): it scales by next / C.
  const inputAxis = ck.shape.length - 2;
  consumerWeights.kernel = tensor(ck.shape.map((d, axis) => (axis === inputAxis ? (d / C) * next : d)), data);
  return out;
}
