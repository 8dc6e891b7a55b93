/**
 * A dataset on the GPU: the pool's images uploaded once as bytes (NHWC u8 packed four to a u32 word) and its
 * labels as u32, and batch gathers planned on it (gather_batch). Per training step the CPU writes only the
 * batch's indices and a seed (4 * (batch + 1) bytes); pixels are never converted to floats on the CPU.
 *
 * GPU memory: images take count * H * W * C bytes (rounded up to 4), labels 4 bytes per image:
 * MNIST / Fashion-MNIST 70,000 x 784 B = 52.3 MiB + 273 KiB; CIFAR-10 / CIFAR-100 60,000 x 3,072 B = 175.8 MiB
 * + 234 KiB. A gathered batch adds batch * H * W * C * 4 bytes of float32 (one buffer per planned gather).
 */
import { formatBytes, type GpuContext } from '../gpu/context.ts';
import { GpuLimitError } from '../gpu/errors.ts';
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { planGatherBatch } from '../gpu/kernels/gather-batch.ts';
import { NO_AUGMENTATION, type GatherAugmentation, type Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import { imageBytes, poolSize, type ImageDataset } from './dataset.ts';

/** Bytes a dataset takes on the GPU: its images (padded to whole u32 words) and its labels. */
export function datasetGpuBytes(dataset: ImageDataset): { images: number; labels: number; total: number } {
  const images = Math.ceil((poolSize(dataset) * imageBytes(dataset)) / 4) * 4;
  const labels = poolSize(dataset) * 4;
  return { images, labels, total: images + labels };
}

/** Upload granularity: big datasets are copied through a 16 MiB staging array rather than duplicated whole. */
const CHUNK_BYTES = 16 * 2 ** 20;

export interface GatherOptions {
  batchSize: number;
  /** x = (pixel * scale - mean[c]) / std[c]; usually SplitDataset.normalisation. */
  preprocessing: Preprocessing;
  /** Random crop and flip (CIFAR-style data); default none. */
  augmentation?: GatherAugmentation;
  /** Write into these buffers (e.g. the model's input) instead of new ones. */
  output?: { x: GPUBuffer; labels: GPUBuffer };
}

/** One planned gather: `write` a batch's indices, then encode `call` before the model's forward pass. */
export class BatchGather {
  private readonly requestWords: Uint32Array<ArrayBuffer>;

  constructor(
    private readonly ctx: GpuContext,
    readonly call: KernelCall,
    readonly batchSize: number,
    readonly poolCount: number,
    readonly request: GPUBuffer,
    readonly x: GPUBuffer,
    readonly labels: GPUBuffer,
    private readonly ownsOutput: boolean,
    private readonly datasetName: string,
  ) {
    this.requestWords = new Uint32Array(batchSize + 1);
  }

  /**
   * Sets the next batch: `indices` are pool indices (exactly batchSize of them); `seed` drives the
   * augmentation draws, so pass a new one every step (e.g. the step number mixed with the run's seed).
   */
  write(indices: ArrayLike<number>, seed = 0): void {
    if (indices.length !== this.batchSize) {
      throw new RangeError(`${this.call.label}: got ${indices.length} indices for a batch of ${this.batchSize}`);
    }
    this.requestWords[0] = seed >>> 0;
    for (let n = 0; n < indices.length; n++) {
      const index = indices[n];
      if (!(index >= 0 && index < this.poolCount && Number.isInteger(index))) {
        throw new RangeError(`${this.call.label}: index ${index} at batch row ${n} is outside ${this.datasetName} (0..${this.poolCount - 1})`);
      }
      this.requestWords[n + 1] = index;
    }
    this.ctx.device.queue.writeBuffer(this.request, 0, this.requestWords);
  }

  destroy(): void {
    destroyCalls([this.call]);
    this.request.destroy();
    if (this.ownsOutput) {
      this.x.destroy();
      this.labels.destroy();
    }
  }
}

export class GpuDataset {
  private constructor(
    private readonly ctx: GpuContext,
    readonly dataset: ImageDataset,
    readonly images: GPUBuffer,
    readonly labels: GPUBuffer,
    readonly bytes: number,
  ) {}

  /**
   * Uploads the pool (train then test images) once. Refuses, naming the numbers, a dataset larger than one
   * storage buffer may be on this adapter (maxStorageBufferBindingSize / maxBufferSize).
   */
  static upload(ctx: GpuContext, dataset: ImageDataset): GpuDataset {
    const size = datasetGpuBytes(dataset);
    const max = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    if (size.images > max || size.labels > max || size.images >= 2 ** 32) {
      throw new GpuLimitError(
        `${dataset.name}: its ${poolSize(dataset)} images of ${dataset.height}x${dataset.width}x${dataset.channels} bytes need a ` +
          `${formatBytes(size.images)} (${size.images} B) GPU buffer, but this adapter allows at most ${formatBytes(max)} (${max} B) ` +
          'per storage buffer (maxStorageBufferBindingSize / maxBufferSize). Load fewer images (e.g. fewer CIFAR batches or a ' +
          'smaller folder) or use a GPU with larger limits.',
      );
    }
    const images = ctx.createBuffer(`${dataset.name} images (u8 NHWC, packed)`, size.images);
    const labels = ctx.createBuffer(`${dataset.name} labels (u32)`, size.labels);
    try {
      writeImageBytes(ctx, images, dataset);
      const poolLabels = new Uint32Array(poolSize(dataset));
      poolLabels.set(dataset.train.labels);
      if (dataset.test) poolLabels.set(dataset.test.labels, dataset.train.count);
      ctx.device.queue.writeBuffer(labels, 0, poolLabels);
    } catch (error) {
      images.destroy();
      labels.destroy();
      throw error;
    }
    return new GpuDataset(ctx, dataset, images, labels, size.total);
  }

  get poolCount(): number {
    return poolSize(this.dataset);
  }

  /** Plans a gather of `batchSize` images; the KernelCall is reused every step (see BatchGather.write). */
  async planGather(options: GatherOptions): Promise<BatchGather> {
    const { batchSize } = options;
    const d = this.dataset;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`${d.name}: batch size must be a positive integer, got ${batchSize}`);
    const name = `${d.name} batch of ${batchSize}`;
    const xBytes = 4 * batchSize * imageBytes(d);
    if (options.output && (options.output.x.size < xBytes || options.output.labels.size < 4 * batchSize)) {
      throw new RangeError(
        `${name}: output buffers ${options.output.x.label} (${options.output.x.size} B) and ${options.output.labels.label} ` +
          `(${options.output.labels.size} B) are smaller than the batch (${xBytes} B of ${d.height}x${d.width}x${d.channels} f32 images, ${4 * batchSize} B of labels)`,
      );
    }
    // Everything made here is freed again if a later step fails (a buffer or a dispatch beyond the limits).
    const made: GPUBuffer[] = [];
    const make = (label: string, bytes: number) => {
      const b = this.ctx.createBuffer(label, bytes);
      made.push(b);
      return b;
    };
    try {
      const request = make(`${name}: request`, 4 * (batchSize + 1));
      const x = options.output?.x ?? make(`${name}: images (f32 NHWC)`, xBytes);
      const labels = options.output?.labels ?? make(`${name}: labels (u32)`, 4 * batchSize);
      const call = await planGatherBatch(
        this.ctx,
        { batch: batchSize, height: d.height, width: d.width, channels: d.channels },
        { images: this.images, poolLabels: this.labels, request, x, labels },
        options.preprocessing,
        options.augmentation ?? NO_AUGMENTATION,
        `gather_batch(${name})`,
      );
      return new BatchGather(this.ctx, call, batchSize, this.poolCount, request, x, labels, !options.output, d.name);
    } catch (error) {
      for (const b of made) b.destroy();
      throw error;
    }
  }

  destroy(): void {
    this.images.destroy();
    this.labels.destroy();
  }
}

/**
 * Writes train then test images back to back into `buffer`. queue.writeBuffer needs sizes that are multiples of
 * 4, and the boundary between the two splits need not be, so bytes go through a staging array whose length is a
 * multiple of 4; the last chunk is zero-padded.
 */
function writeImageBytes(ctx: GpuContext, buffer: GPUBuffer, dataset: ImageDataset): void {
  const parts = [dataset.train.images, ...(dataset.test ? [dataset.test.images] : [])];
  const total = parts.reduce((a, p) => a + p.length, 0);
  const staging = new Uint8Array(Math.min(CHUNK_BYTES, Math.ceil(total / 4) * 4));
  let filled = 0; // bytes in staging
  let written = 0; // bytes already in the buffer
  const flush = () => {
    const size = Math.ceil(filled / 4) * 4;
    staging.fill(0, filled, size);
    ctx.device.queue.writeBuffer(buffer, written, staging, 0, size);
    written += filled;
    filled = 0;
  };
  for (const part of parts) {
    let at = 0;
    while (at < part.length) {
      const take = Math.min(part.length - at, staging.length - filled);
      staging.set(part.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === staging.length) flush();
    }
  }
  if (filled > 0) flush();
}
