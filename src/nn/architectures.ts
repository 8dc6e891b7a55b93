/**
 * The built-in reference architectures of ../shared/METHOD.md, as ModelSpecs:
 *   mnist-ref (28x28x1): conv 5x5x16, maxpool 2, conv 5x5x32, maxpool 2, flatten, dense 128 + ReLU, dense 10
 *                        -> 215,370 parameters;
 *   cifar-ref (32x32x3): conv 3x3x32, conv 3x3x32, maxpool 2, conv 3x3x64, conv 3x3x64, maxpool 2, flatten,
 *                        dense 256 + ReLU, dense 10 -> 1,116,970 parameters;
 *   cifar-small (32x32x3): conv 3x3x32, maxpool 2, conv 3x3x64, maxpool 2, conv 3x3x128, maxpool 2, flatten,
 *                        dropout 0.3, dense 256 + ReLU, dense 10 -> 620,362 parameters, 21 MFLOPs a forward
 *                        (cifar-ref: 51 M): the CIFAR-10 reference sized to train on a 2-core CPU's software driver.
 * Every conv is stride 1, 'same' padding, with a bias and a fused ReLU (Keras `activation: 'relu'`), so a conv
 * layer's output is already the post-nonlinearity map the analysis reads. Pools are 2x2, stride 2, 'valid'.
 * The last dense layer is linear: it gives logits (training uses softmax cross-entropy on them).
 * Inputs are raw pixels scaled to [0, 1] (scale 1/255, mean 0, std 1).
 */
import type { Conv2dLayer, DenseLayer, LayerSpec, ModelSpec, PoolLayer } from './layers.ts';
import { unitScalePreprocessing } from './preprocessing.ts';

function conv(name: string, filters: number, k: number): Conv2dLayer {
  return { kind: 'conv2d', name, filters, kernelSize: [k, k], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' };
}

function maxPool(name: string): PoolLayer {
  return { kind: 'maxpool', name, poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
}

function dense(name: string, units: number, activation: 'linear' | 'relu'): DenseLayer {
  return { kind: 'dense', name, units, useBias: true, activation };
}

/** mnist-ref: the small MNIST CNN of METHOD.md (215,370 parameters). */
export function mnistRef(): ModelSpec {
  const layers: LayerSpec[] = [
    conv('conv1', 16, 5),
    maxPool('pool1'),
    conv('conv2', 32, 5),
    maxPool('pool2'),
    { kind: 'flatten', name: 'flatten' },
    dense('dense1', 128, 'relu'),
    dense('dense2', 10, 'linear'),
  ];
  return { name: 'mnist-ref', inputShape: [28, 28, 1], layers, preprocessing: unitScalePreprocessing(1) };
}

/**
 * fashion-ref: mnist-ref's layers for Fashion-MNIST (same input, same parameter count), with dropout before the
 * first dense layer: Fashion-MNIST's classes overlap more than digits, and the 200k-weight dense layer overfits
 * them within a few epochs without it.
 */
export function fashionRef(): ModelSpec {
  const base = mnistRef();
  const flatten = base.layers.findIndex((l) => l.kind === 'flatten');
  base.layers.splice(flatten + 1, 0, { kind: 'dropout', name: 'dropout1', rate: 0.3 });
  return { ...base, name: 'fashion-ref' };
}

/** cifar-ref: the VGG-style CIFAR-10 CNN of METHOD.md (1,116,970 parameters). */
export function cifarRef(): ModelSpec {
  const layers: LayerSpec[] = [
    conv('conv1', 32, 3),
    conv('conv2', 32, 3),
    maxPool('pool1'),
    conv('conv3', 64, 3),
    conv('conv4', 64, 3),
    maxPool('pool2'),
    { kind: 'flatten', name: 'flatten' },
    dense('dense1', 256, 'relu'),
    dense('dense2', 10, 'linear'),
  ];
  return { name: 'cifar-ref', inputShape: [32, 32, 3], layers, preprocessing: unitScalePreprocessing(3) };
}

/**
 * cifar-small: a CIFAR-10 reference that trains in hours, not days, on the software driver. One conv per
 * resolution (32, 16 and 8 pixels) with the channels doubling as the resolution halves, so each conv costs about
 * the same (1.8, 9.4 and 9.4 MFLOPs) and the whole forward is 40% of cifar-ref's; dropout before the dense layer,
 * which holds 85% of the parameters, as fashion-ref does.
 */
export function cifarSmall(): ModelSpec {
  const layers: LayerSpec[] = [
    conv('conv1', 32, 3),
    maxPool('pool1'),
    conv('conv2', 64, 3),
    maxPool('pool2'),
    conv('conv3', 128, 3),
    maxPool('pool3'),
    { kind: 'flatten', name: 'flatten' },
    { kind: 'dropout', name: 'dropout1', rate: 0.3 },
    dense('dense1', 256, 'relu'),
    dense('dense2', 10, 'linear'),
  ];
  return { name: 'cifar-small', inputShape: [32, 32, 3], layers, preprocessing: unitScalePreprocessing(3) };
}

/** The built-in architectures by the names the CLI and the page use (`--model mnist-ref`). */
export const ARCHITECTURES: Readonly<Record<string, () => ModelSpec>> = {
  'mnist-ref': mnistRef,
  'fashion-ref': fashionRef,
  'cifar-ref': cifarRef,
  'cifar-small': cifarSmall,
};

/**
 * The named built-in architecture for a dataset of `classes` classes: its last (dense) layer gets one output per
 * class, so cifar-ref serves CIFAR-100 as well as CIFAR-10 (the layers before it are the architecture's own).
 */
export function architectureForClasses(name: string, classes: number): ModelSpec {
  const spec = architectureByName(name);
  const last = spec.layers[spec.layers.length - 1];
  if (last?.kind === 'dense') last.units = classes;
  return spec;
}

/** A fresh spec of the named built-in architecture; the error lists the known names. */
export function architectureByName(name: string): ModelSpec {
  const make = Object.hasOwn(ARCHITECTURES, name) ? ARCHITECTURES[name] : undefined;
  if (!make) throw new Error(`unknown architecture '${name}'; built-in architectures: ${Object.keys(ARCHITECTURES).join(', ')}`);
  return make();
}
