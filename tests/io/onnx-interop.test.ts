/**
 * ONNX files against onnxruntime-web (its wasm backend, in Node):
 *   - a model exported by us runs in onnxruntime on NCHW input and gives what referenceForward gives on the same
 *     images in NHWC, within 1e-4; it reads back to the same function; the file shrinks after a drop;
 *   - files laid out as torch.onnx.export writes them (built with onnx's message types) import, and our forward
 *     of the import gives onnxruntime's logits on the same images within 1e-4;
 *   - an operator we do not read is an error naming the node, its op type and its index.
 * Tolerance 1e-4 (absolute, on values of magnitude ~1-10): onnxruntime sums in float32 in its own order (and
 * folds batchnorm), our reference in float64 rounded to float32 per layer; the differences are float32 ulps.
 */
import { describe, expect, it } from 'vitest';
import { modelFromOnnx } from '../../src/io/onnx/onnx-import.ts';
import { modelToOnnx } from '../../src/io/onnx/onnx-export.ts';
import { floatAttr, intAttr, intsAttr, onnx } from '../../src/io/onnx/onnx-proto.ts';
import { cifarRef, mnistRef } from '../../src/nn/architectures.ts';
import { initModel } from '../../src/nn/init.ts';
import type { Model, ModelSpec } from '../../src/nn/layers.ts';
import { referenceForward } from '../../src/reference/model-forward.ts';
import { applyEdit } from '../../src/surgery/edits.ts';
import { everyKindSpec, globalPoolSpec, randomInput, randomModel } from '../helpers/models.ts';
import { nhwcToNchw, runOnnx, TorchLikeGraph } from '../helpers/onnx-files.ts';

const TOLERANCE = 1e-4;
const BATCH = 3;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** onnxruntime's output for `model`'s ONNX export and referenceForward's, on the same random images. */
async function bothOutputs(model: Model, seed: number): Promise<{ ours: Float32Array; theirs: Float32Array; file: Uint8Array }> {
  const [h, w, c] = model.spec.inputShape;
  const x = randomInput(BATCH * h * w * c, seed, -1, 1);
  const file = modelToOnnx(model);
  const theirs = await runOnnx(file, nhwcToNchw(x, BATCH, h, w, c), [BATCH, c, h, w]);
  return { ours: referenceForward(model, x, BATCH).output, theirs, file };
}

const withoutSoftmax = (spec: ModelSpec): ModelSpec => ({ ...spec, layers: spec.layers.filter((l) => l.kind !== 'softmax') });

describe('ONNX export', () => {
  it.each([
    ['every layer kind (conv stride 2 same, batchnorm, avg/max pooling, dropout, flatten, dense, softmax)', everyKindSpec()],
    ['every layer kind, logits (no final softmax)', withoutSoftmax(everyKindSpec())],
    ['global average pooling, batchnorm on the pooled vector', globalPoolSpec()],
  ])('%s runs in onnxruntime-web with our outputs', async (_name, spec) => {
    const { ours, theirs } = await bothOutputs(randomModel(spec, 11), 12);
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(TOLERANCE);
  });

  // The shipped architectures with He-initialised weights (uniform [-1, 1) weights would blow deep logits up to
  // ~1e6, where one float32 ulp is already 0.06): logits of magnitude ~1, as a trained model's.
  it.each([['mnist-ref', mnistRef()], ['cifar-ref', cifarRef()]])('%s (He-initialised) runs in onnxruntime-web with our logits', async (_name, spec) => {
    const model = initModel(spec, 7);
    const { ours, theirs } = await bothOutputs(model, 8);
    expect(Math.max(...ours.map(Math.abs))).toBeGreaterThan(0.01);
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(TOLERANCE);
  });

  it('ends with a Gather when the output is a flattened map (no dense to reorder)', async () => {
    const spec: ModelSpec = {
      name: 'flat-out', inputShape: [4, 3, 2], preprocessing: { scale: 1, mean: [0, 0], std: [1, 1] },
      layers: [
        { kind: 'conv2d', name: 'conv', filters: 3, kernelSize: [2, 2], strides: [1, 1], padding: 'same', useBias: true, activation: 'relu' },
        { kind: 'flatten', name: 'flat' },
        { kind: 'batchnorm', name: 'bn', epsilon: 1e-3, momentum: 0.99, center: true, scale: false },
        { kind: 'softmax', name: 'probs' },
      ],
    };
    const { ours, theirs, file } = await bothOutputs(randomModel(spec, 3), 4);
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(TOLERANCE);
    const proto = onnx.ModelProto.decode(file);
    expect(proto.graph!.node!.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Flatten', 'BatchNormalization', 'Softmax', 'Gather']);
  });

  it('names the NCHW input with a symbolic batch, writes opset 13 and PyTorch-style weight names', () => {
    const proto = onnx.ModelProto.decode(modelToOnnx(randomModel(mnistRef(), 1)));
    const input = proto.graph!.input![0];
    expect(input.name).toBe('input');
    expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 1, 28, 28]);
    expect(Number(proto.opsetImport![0].version)).toBe(13);
    const names = proto.graph!.initializer!.map((t) => t.name);
    expect(names).toContain('conv1.weight');
    expect(proto.graph!.node!.map((n) => n.opType)).toContain('Gemm');
  });

  it('reads back to the same function, preprocessing, class names and layer names', () => {
    const model = randomModel(everyKindSpec(), 5);
    const back = modelFromOnnx(modelToOnnx(model), 'every-kind.onnx');
    expect(back.spec.preprocessing).toEqual(model.spec.preprocessing);
    expect(back.spec.classNames).toEqual(model.spec.classNames);
    expect(back.spec.name).toBe(model.spec.name);
    expect(back.spec.layers.map((l) => l.name)).toContain('conv1');
    expect(back.spec.layers.map((l) => l.name)).toContain('dense2');
    const x = randomInput(BATCH * 7 * 9 * 3, 6, -1, 1);
    // Exact: the conversion only moves values (NCHW <-> NHWC, row order), so the same float32 weights come back.
    expect(maxAbsDiff(referenceForward(back, x, BATCH).output, referenceForward(model, x, BATCH).output)).toBeLessThan(1e-6);
    expect(back.weights.dense1.kernel.data).toEqual(model.weights.dense1.kernel.data);
  });

  it('is smaller after a drop', () => {
    const model = randomModel(mnistRef(), 2);
    const dropped = applyEdit(model, { kind: 'drop', layer: 'conv2', kernels: [0, 1, 2, 3, 4, 5, 6, 7] });
    const before = modelToOnnx(model).byteLength;
    const after = modelToOnnx(dropped).byteLength;
    expect(after).toBeLessThan(before);
    // Each dropped kernel takes its 5x5x16 weights and bias, and the 7 x 7 dense1 rows (128 units each) that read
    // it after the flatten: float32, 4 bytes each.
    expect(before - after).toBeGreaterThanOrEqual(8 * 4 * (5 * 5 * 16 + 1 + 7 * 7 * 128));
  });
});

/** A sequential CNN as PyTorch exports it: conv-bn-relu-pool blocks, flatten, Linear layers. */
function torchCnn(seed: number, head: 'flatten-gemm' | 'reshape-matmul' | 'gap'): { bytes: Uint8Array; shape: [number, number, number]; classes: number } {
  const [c, h, w] = [3, 10, 8];
  const g = new TorchLikeGraph([c, h, w], seed);
  g.add('Conv', 'conv1', [g.weight('conv1.weight', [6, c, 3, 3]), g.weight('conv1.bias', [6])], [intsAttr('kernel_shape', [3, 3]), intsAttr('pads', [1, 1, 1, 1]), intsAttr('strides', [1, 1]), intsAttr('dilations', [1, 1]), intAttr('group', 1)]);
  g.add('BatchNormalization', 'bn1', [g.weight('bn1.weight', [6], 0.5, 1.5), g.weight('bn1.bias', [6]), g.weight('bn1.running_mean', [6]), g.weight('bn1.running_var', [6], 0.5, 1.5)], [floatAttr('epsilon', 1e-5), floatAttr('momentum', 0.9)]);
  g.add('Relu', 'relu');
  g.add('MaxPool', 'pool', [], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2]), intsAttr('pads', [0, 0, 0, 0]), intAttr('ceil_mode', 0)]);
  g.add('Conv', 'conv2', [g.weight('conv2.weight', [5, 6, 3, 1])], [intsAttr('kernel_shape', [3, 1]), intsAttr('pads', [0, 0, 0, 0])]);
  g.add('Relu', null);
  g.add('AveragePool', 'avg', [], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [1, 1])]);
  // 10x8 -> pool 5x4 -> conv2 (3x1 valid) 3x4 -> avg 2x3; 5 channels.
  const classes = 4;
  if (head === 'gap') {
    g.add('GlobalAveragePool', null);
    g.add('Reshape', null, [g.ints('shape_const', [-1, 5])]);
    g.add('Gemm', 'fc', [g.weight('fc.weight', [classes, 5]), g.weight('fc.bias', [classes])], [intAttr('transB', 1), floatAttr('alpha', 1), floatAttr('beta', 1)]);
  } else if (head === 'flatten-gemm') {
    g.add('Flatten', null, [], [intAttr('axis', 1)]);
    g.add('Gemm', 'fc1', [g.weight('fc1.weight', [7, 30]), g.weight('fc1.bias', [7])], [intAttr('transB', 1)]);
    g.add('Relu', null);
    g.add('Dropout', 'drop', []);
    g.add('Gemm', 'fc2', [g.weight('fc2.weight', [classes, 7]), g.weight('fc2.bias', [classes])], [intAttr('transB', 1)]);
  } else {
    g.add('Reshape', null, [g.ints('shape_const', [0, -1])]);
    g.add('MatMul', null, [g.weight('fc1_weight_t', [30, 7])]);
    g.add('Add', null, [g.weight('fc1.bias', [7])]);
    g.add('Relu', null);
    g.add('MatMul', null, [g.weight('fc2_weight_t', [7, classes])]);
  }
  return { bytes: g.bytes([classes]), shape: [h, w, c], classes };
}

describe('ONNX import of files laid out as torch.onnx.export writes them', () => {
  it.each(['flatten-gemm', 'reshape-matmul', 'gap'] as const)('%s: our logits are onnxruntime-web\'s', async (head) => {
    const { bytes, shape } = torchCnn(21, head);
    const model = modelFromOnnx(bytes, `${head}.onnx`);
    const [h, w, c] = shape;
    expect(model.spec.inputShape).toEqual(shape);
    const x = randomInput(BATCH * h * w * c, 22, -2, 2);
    const theirs = await runOnnx(bytes, nhwcToNchw(x, BATCH, h, w, c), [BATCH, c, h, w]);
    const ours = referenceForward(model, x, BATCH).logits;
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(TOLERANCE);
  });

  it('names layers after the PyTorch modules and converts once to NHWC / HWIO / [in, out]', () => {
    const model = modelFromOnnx(torchCnn(3, 'flatten-gemm').bytes, 'cnn.onnx');
    expect(model.spec.layers.map((l) => `${l.kind}:${l.name}`)).toEqual([
      'conv2d:conv1', 'batchnorm:bn1', 'relu:relu', 'maxpool:pool', 'conv2d:conv2', 'relu:relu5', 'avgpool:avg', 'flatten:flatten7',
      'dense:fc1', 'relu:relu9', 'dropout:drop', 'dense:fc2',
    ]);
    expect(model.weights.conv1.kernel.shape).toEqual([3, 3, 3, 6]);
    expect(model.weights.fc1.kernel.shape).toEqual([30, 7]);
    expect(model.spec.preprocessing).toEqual({ scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
  });

  it('an unsupported operator is an error naming the node, its op type and its index', () => {
    const g = new TorchLikeGraph([1, 4, 4], 1);
    g.add('Conv', 'conv1', [g.weight('conv1.weight', [2, 1, 3, 3])], [intsAttr('kernel_shape', [3, 3]), intsAttr('pads', [1, 1, 1, 1])]);
    g.add('Relu', 'act');
    g.add('Sigmoid', 'gate');
    expect(() => modelFromOnnx(g.bytes([2, 4, 4]), 'gated.onnx')).toThrow(/gated\.onnx: node '\/gate\/Sigmoid' \(Sigmoid, index 2\): the operator Sigmoid is not supported/);
  });

  it('PyTorch\'s symmetric padding of a stride-2 window on an even input is refused by name', () => {
    const g = new TorchLikeGraph([1, 8, 8], 1);
    g.add('Conv', 'down', [g.weight('down.weight', [2, 1, 3, 3])], [intsAttr('kernel_shape', [3, 3]), intsAttr('strides', [2, 2]), intsAttr('pads', [1, 1, 1, 1])]);
    expect(() => modelFromOnnx(g.bytes([2, 4, 4]), 'down.onnx')).toThrow(/down\.onnx: node '\/down\/Conv' \(Conv, index 0\): pads \[1,1,1,1\] on a 8x8 input are neither 'valid'/);
  });
});
