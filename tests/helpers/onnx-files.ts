/**
 * ONNX files for tests, built with onnx's own message types (onnx-proto), laid out as torch.onnx.export writes a
 * sequential CNN: input 'input.1' NCHW with a symbolic batch, initializers named like a state dict
 * ('conv1.weight'), nodes named '/conv1/Conv', and onnxruntime-web (its wasm backend, in Node) to run them.
 */
import * as ort from 'onnxruntime-web';
import { floatTensor, floatValueInfo, int64Tensor, onnx, type OnnxTypes } from '../../src/io/onnx/onnx-proto.ts';
import { createRng } from '../../src/nn/random.ts';

ort.env.wasm.numThreads = 1; // no worker threads in the test process

/** A builder of one chain graph: each node reads the previous node's output (plus its own initializers). */
export class TorchLikeGraph {
  readonly nodes: OnnxTypes.INodeProto[] = [];
  readonly initializers: OnnxTypes.ITensorProto[] = [];
  private current = 'input.1';
  private count = 0;
  private readonly rng;

  constructor(readonly inputShape: [number, number, number], seed: number) {
    this.rng = createRng(seed, 'onnx-file');
  }

  /** A float initializer with random values in [lo, hi). */
  weight(name: string, dims: number[], lo = -1, hi = 1): string {
    const size = dims.reduce((a, b) => a * b, 1);
    this.initializers.push(floatTensor(name, dims, Float32Array.from({ length: size }, () => this.rng.uniform(lo, hi))));
    return name;
  }

  ints(name: string, values: number[]): string {
    this.initializers.push(int64Tensor(name, values));
    return name;
  }

  /** Appends a node reading the chain's current tensor first, then `inputs`. */
  add(op: string, module: string | null, inputs: string[] = [], attributes: OnnxTypes.IAttributeProto[] = []): this {
    // PyTorch 2's names: '/conv1/Conv' for a module's node, '/Relu_3' for a functional call at the top level.
    const name = module ? `/${module}/${op}` : `/${op}_${this.count}`;
    this.count++;
    const output = `${name}_output_0`;
    this.nodes.push({ name, opType: op, input: [this.current, ...inputs], output: [output], attribute: attributes });
    this.current = output;
    return this;
  }

  /** The ModelProto bytes; the output is named 'output' with `outputDims` after the batch. */
  bytes(outputDims: number[], opset = 13): Uint8Array {
    const last = this.nodes[this.nodes.length - 1];
    last.output = ['output'];
    const [c, h, w] = this.inputShape;
    const model: OnnxTypes.IModelProto = {
      irVersion: 8,
      producerName: 'pytorch',
      producerVersion: '2.5.0',
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: 'main_graph',
        node: this.nodes,
        initializer: this.initializers,
        input: [floatValueInfo('input.1', ['batch_size', c, h, w])],
        output: [floatValueInfo('output', ['batch_size', ...outputDims])],
      },
    };
    return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  }
}

/** Runs an ONNX file on onnxruntime-web with one float input; returns the first output's values. */
export async function runOnnx(bytes: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    return result[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

/** NHWC [n, h, w, c] -> NCHW [n, c, h, w]. */
export function nhwcToNchw(x: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + xx] = x[((b * h + y) * w + xx) * c + k];
      }
    }
  }
  return out;
}

/** NCHW [n, c, h, w] -> NHWC [n, h, w, c]. */
export function nchwToNhwc(x: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) out[((b * h + y) * w + xx) * c + k] = x[((b * c + k) * h + y) * w + xx];
      }
    }
  }
  return out;
}
