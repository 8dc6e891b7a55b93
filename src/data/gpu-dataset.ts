/**
 * A dataset on the GPU: the images it needs uploaded once as bytes (NHWC u8 packed four to a u32 word), in as many
 * shards as the adapter's buffer limits require (shard-layout.ts), their labels as u32, and batch gathers planned
 * on it (gather_batch). Per training step the CPU writes only the batch's pool indices, the uploaded rows holding
 * them, and a seed (4 * (2 * batch + 1) bytes); pixels are never converted to floats on the CPU.
 *
 * Rows: an upload holds a chosen set of pool images (by default the whole pool), in ascending pool order; row r
 * holds pool image `rows[r]`. Gathers take pool indices, as everywhere else, and map them to rows; asking for an
 * image that was not uploaded is an error naming it. Evaluating or analysing one split uploads that split only.
 *
 * Budget: rows whose bytes exceed a GPU-memory budget (1 GiB by default) are not uploaded at all; each planned
 * gather then copies its batch's images from CPU memory into one of two one-batch slots per step (batch * H * W * C
 * more bytes per step) and gathers, normalises and augments from there, with the same kernel and the same results.
 *
 * GPU memory: images take count * H * W * C bytes (each shard rounded up to 4), labels 4 bytes per image:
 * MNIST / Fashion-MNIST 70,000 x 784 B = 52.3 MiB + 273 KiB; CIFAR-10 / CIFAR-100 60,000 x 3,072 B = 175.8 MiB
 * + 234 KiB (two shards on an adapter with 128 MiB bindings; the test split alone is 29.3 MiB).
 * A gathered batch adds batch * H * W * C * 4 bytes of float32 (one buffer per planned gather).
 */
import type { GpuContext } from '../gpu/context.ts';
import { destroyCalls, type KernelCall } from '../gpu/kernel-call.ts';
import { gatherRequestWords, planGatherBatch } from '../gpu/kernels/gather-batch.ts';
import { NO_AUGMENTATION, type GatherAugmentation, type Preprocessing } from '../gpu/kernels/gather-batch-contract.ts';
import { imageBytes, poolImage, poolLabel, poolSize, type ImageDataset } from './dataset.ts';
import { shardLayout } from './shard-layout.ts';

/** Bytes `rows` images of a dataset (default: its whole pool) take on the GPU: images (whole u32 words) and labels. */
export function datasetGpuBytes(dataset: ImageDataset, rows = poolSize(dataset)): { images: number; labels: number; total: number } {
  const images = Math.ceil((rows * imageBytes(dataset)) / 4) * 4;
  const labels = rows * 4;
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

/**
 * A streamed gather's two upload slots (double buffering): each holds one batch's images and labels, and has its
 * own planned calls reading from it. queue.writeBuffer is ordered with submissions, so even one slot would be
 * correct; two mean that the copy of batch s + 1 into one slot does not depend on batch s's gather still reading
 * the other, so the upload need not wait for it, and the CPU packs batch s + 1 while the GPU runs step s (callers
 * keep a step in flight).
 */
interface StreamSlots {
  slots: { images: GPUBuffer; labels: GPUBuffer; calls: KernelCall[] }[];
  /** One batch of images, packed as the slot holds them (row n = batch row n), whole u32 words. */
  staging: Uint8Array<ArrayBuffer>;
  labelWords: Uint32Array<ArrayBuffer>;
  /** The slot the last write filled (whose calls `calls` returns). */
  active: number;
}

/**
 * One planned gather: `write` a batch's pool indices, then encode `calls` (read after each write: a streamed
 * dataset alternates between two sets) before the model's forward pass.
 */
export class BatchGather {
  private readonly requestWords: Uint32Array<ArrayBuffer>;

  constructor(
    private readonly ctx: GpuContext,
    /** Resident data: one dispatch per 4 shards (usually one). Streamed data: empty (see `stream`). */
    private readonly residentCalls: readonly KernelCall[],
    readonly batchSize: number,
    private readonly source: GpuDataset,
    readonly request: GPUBuffer,
    readonly x: GPUBuffer,
    readonly labels: GPUBuffer,
    private readonly ownsOutput: boolean,
    private readonly stream: StreamSlots | null = null,
  ) {
    this.requestWords = new Uint32Array(gatherRequestWords(batchSize));
  }

  /** The dispatches that gather the batch last written; encode them all, in one pass or several. */
  get calls(): readonly KernelCall[] {
    return this.stream ? this.stream.slots[this.stream.active].calls : this.residentCalls;
  }

  private get label(): string {
    return this.calls[0].label;
  }

  /**
   * Sets the next batch: `indices` are pool indices (exactly batchSize of them, each uploaded); `seed` drives the
   * augmentation draws, so pass a new one every step (e.g. the step number mixed with the run's seed).
   * Request words: [seed, m_0 .. m_{B-1}, r_0 .. r_{B-1}] (m: pool index, r: its uploaded row).
   */
  write(indices: ArrayLike<number>, seed = 0): void {
    const B = this.batchSize;
    if (indices.length !== B) {
      throw new RangeError(`${this.label}: got ${indices.length} indices for a batch of ${B}`);
    }
    const { poolCount, dataset } = this.source;
    this.requestWords[0] = seed >>> 0;
    for (let n = 0; n < B; n++) {
      const index = indices[n];
      if (!(index >= 0 && index < poolCount && Number.isInteger(index))) {
        throw new RangeError(`${this.label}: index ${index} at batch row ${n} is outside ${dataset.name} (0..${poolCount - 1})`);
      }
      const row = this.source.rowOf(index);
      if (row < 0) {
        throw new RangeError(
          `${this.label}: image ${index} at batch row ${n} is not on the GPU (${this.source.rowCount} of the ${poolCount} images of ` +
            `${dataset.name} were uploaded); upload the indices the run reads`,
        );
      }
      this.requestWords[1 + n] = index;
      // A streamed batch's images are uploaded in batch order: batch row n is the slot's row n.
      this.requestWords[1 + B + n] = this.stream ? n : row;
    }
    if (this.stream) this.uploadBatch(this.stream, indices);
    this.ctx.device.queue.writeBuffer(this.request, 0, this.requestWords);
  }

  /** Streamed data: copies the batch's images and labels from CPU memory into the other slot, and makes it active. */
  private uploadBatch(stream: StreamSlots, indices: ArrayLike<number>): void {
    const { dataset } = this.source;
    const bytes = imageBytes(dataset);
    for (let n = 0; n < indices.length; n++) {
      stream.staging.set(poolImage(dataset, indices[n]), n * bytes);
      stream.labelWords[n] = poolLabel(dataset, indices[n]);
    }
    stream.active = 1 - stream.active;
    const slot = stream.slots[stream.active];
    this.ctx.device.queue.writeBuffer(slot.images, 0, stream.staging);
    this.ctx.device.queue.writeBuffer(slot.labels, 0, stream.labelWords);
  }

  destroy(): void {
    destroyCalls(this.residentCalls);
    for (const slot of this.stream?.slots ?? []) {
      destroyCalls(slot.calls);
      slot.images.destroy();
      slot.labels.destroy();
    }
    this.request.destroy();
    if (this.ownsOutput) {
      this.x.destroy();
      this.labels.destroy();
    }
  }
}

export interface UploadOptions {
  /**
   * The pool indices to upload (any order; repeats are ignored), e.g. one split's; default the whole pool. Gathers
   * may then ask for these images only.
   */
  indices?: ArrayLike<number>;
  /**
   * The largest shard, in bytes; default the adapter's maxStorageBufferBindingSize (and maxBufferSize), i.e. as
   * few shards as possible. Tests set a tiny one to exercise batches that straddle shards.
   */
  maxShardBytes?: number;
  /**
   * GPU memory the images and labels may take (default DEFAULT_GPU_BUDGET_BYTES). Beyond it nothing is uploaded:
   * each planned gather streams its batches from CPU memory through two one-batch slots (double buffering), and
   * still normalises and augments them on the GPU.
   */
  budgetBytes?: number;
}

/** The default GPU-memory budget of a dataset: 1 GiB, which a laptop GPU (4 GiB and up) holds beside a model. */
export const DEFAULT_GPU_BUDGET_BYTES = 2 ** 30;

export class GpuDataset {
  /** rowOf[pool index] = its uploaded row, or -1. */
  private readonly rowIndex: Int32Array;

  private constructor(
    private readonly ctx: GpuContext,
    readonly dataset: ImageDataset,
    /** The uploaded images, imagesPerShard rows per shard (see shard-layout.ts). */
    readonly shards: readonly GPUBuffer[],
    readonly imagesPerShard: number,
    /** One u32 label per uploaded row (null when streamed). */
    readonly labels: GPUBuffer | null,
    /** rows[r] = the pool index of uploaded row r, ascending (streamed: the images gathers may ask for). */
    readonly rows: Uint32Array,
    /** GPU bytes of the shards and the labels (0 when streamed; each gather then holds two batches). */
    readonly bytes: number,
    /** True when the rows exceeded the GPU-memory budget: batches stream from CPU memory. */
    readonly streamed = false,
  ) {
    this.rowIndex = new Int32Array(poolSize(dataset)).fill(-1);
    rows.forEach((index, r) => (this.rowIndex[index] = r));
  }

  /**
   * Uploads the pool's images that `options.indices` names (default: all, train then test), in as many shards as
   * the adapter's limits (or `options.maxShardBytes`) require; or, beyond `options.budgetBytes`, nothing (the
   * gathers stream). A failure part-way frees what was made.
   */
  static upload(ctx: GpuContext, dataset: ImageDataset, options: UploadOptions = {}): GpuDataset {
    const rows = uploadRows(dataset, options.indices);
    const maxShardBytes = options.maxShardBytes ?? Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    const layout = shardLayout(dataset.name, rows.length, imageBytes(dataset), maxShardBytes);
    if (layout.totalBytes + 4 * rows.length > (options.budgetBytes ?? DEFAULT_GPU_BUDGET_BYTES)) {
      return new GpuDataset(ctx, dataset, [], layout.imagesPerShard, null, rows, 0, true);
    }
    const made: GPUBuffer[] = [];
    try {
      const count = layout.shardBytes.length;
      const shards = layout.shardBytes.map((bytes, s) => {
        const buffer = ctx.createBuffer(`${dataset.name} images${count > 1 ? `, shard ${s + 1} of ${count}` : ''} (u8 NHWC, packed)`, bytes);
        made.push(buffer);
        return buffer;
      });
      const labels = ctx.createBuffer(`${dataset.name} labels (u32)`, 4 * rows.length);
      made.push(labels);
      writeShards(ctx, shards, layout.imagesPerShard, dataset, rows);
      ctx.device.queue.writeBuffer(labels, 0, rowLabels(dataset, rows));
      return new GpuDataset(ctx, dataset, shards, layout.imagesPerShard, labels, rows, layout.totalBytes + 4 * rows.length);
    } catch (error) {
      for (const buffer of made) buffer.destroy();
      throw error;
    }
  }

  /** Images in the dataset's index space (the pool), uploaded or not. */
  get poolCount(): number {
    return poolSize(this.dataset);
  }

  /** Images uploaded. */
  get rowCount(): number {
    return this.rows.length;
  }

  /** The uploaded row holding pool image `index`, or -1 when it was not uploaded. */
  rowOf(index: number): number {
    return this.rowIndex[index] ?? -1;
  }

  /** Plans a gather of `batchSize` images; its calls are reused every step (see BatchGather.write). */
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
    const slots: StreamSlots['slots'] = [];
    const make = (label: string, bytes: number) => {
      const b = this.ctx.createBuffer(label, bytes);
      made.push(b);
      return b;
    };
    try {
      const request = make(`${name}: request`, 4 * gatherRequestWords(batchSize));
      const x = options.output?.x ?? make(`${name}: images (f32 NHWC)`, xBytes);
      const labels = options.output?.labels ?? make(`${name}: labels (u32)`, 4 * batchSize);
      const plan = (shards: GPUBuffer[], rowLabels: GPUBuffer, imagesPerShard: number, label: string) =>
        planGatherBatch(
          this.ctx,
          { batch: batchSize, height: d.height, width: d.width, channels: d.channels, imagesPerShard },
          { shards, rowLabels, request, x, labels },
          options.preprocessing,
          options.augmentation ?? NO_AUGMENTATION,
          label,
        );
      if (!this.streamed) {
        const calls = await plan([...this.shards], this.labels!, this.imagesPerShard, `gather_batch(${name})`);
        return new BatchGather(this.ctx, calls, batchSize, this, request, x, labels, !options.output);
      }
      for (const k of [0, 1]) {
        const images = make(`${name}: streamed images, slot ${k}`, batchSize * imageBytes(d));
        const slotLabels = make(`${name}: streamed labels, slot ${k}`, 4 * batchSize);
        slots.push({ images, labels: slotLabels, calls: await plan([images], slotLabels, batchSize, `gather_batch(${name}, streamed, slot ${k})`) });
      }
      const stream: StreamSlots = {
        slots,
        staging: new Uint8Array(Math.ceil((batchSize * imageBytes(d)) / 4) * 4),
        labelWords: new Uint32Array(batchSize),
        active: 0,
      };
      return new BatchGather(this.ctx, [], batchSize, this, request, x, labels, !options.output, stream);
    } catch (error) {
      for (const slot of slots) destroyCalls(slot.calls);
      for (const b of made) b.destroy();
      throw error;
    }
  }

  destroy(): void {
    for (const shard of this.shards) shard.destroy();
    this.labels?.destroy();
  }
}

/** The sorted, distinct pool indices to upload, checked against the pool. */
function uploadRows(dataset: ImageDataset, indices: ArrayLike<number> | undefined): Uint32Array {
  const pool = poolSize(dataset);
  if (indices === undefined) return Uint32Array.from({ length: pool }, (_, i) => i);
  const seen = new Uint8Array(pool);
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k];
    if (!(Number.isInteger(index) && index >= 0 && index < pool)) {
      throw new RangeError(`${dataset.name}: cannot upload image ${index} (entry ${k} of the indices): the pool holds 0..${pool - 1}`);
    }
    seen[index] = 1;
  }
  const rows: number[] = [];
  seen.forEach((flag, index) => flag && rows.push(index));
  if (rows.length === 0) throw new RangeError(`${dataset.name}: no images to upload (the index list is empty)`);
  return Uint32Array.from(rows);
}

/** The labels of the uploaded rows, as u32. */
function rowLabels(dataset: ImageDataset, rows: Uint32Array): Uint32Array<ArrayBuffer> {
  const { train, test } = dataset;
  return Uint32Array.from(rows, (index) => (index < train.count ? train.labels[index] : test!.labels[index - train.count]));
}

/**
 * Writes the rows' bytes into their shards, row r at byte (r % imagesPerShard) * imageBytes of shard
 * r / imagesPerShard. queue.writeBuffer needs offsets and sizes that are multiples of 4; a shard's bytes go through
 * a staging array whose length is a multiple of 4, flushed when full (so every flush but a shard's last starts and
 * ends on a word) and at the shard's end, where the last word is zero-padded.
 */
function writeShards(ctx: GpuContext, shards: readonly GPUBuffer[], imagesPerShard: number, dataset: ImageDataset, rows: Uint32Array): void {
  const bytesPerImage = imageBytes(dataset);
  const staging = new Uint8Array(Math.min(CHUNK_BYTES, Math.ceil((imagesPerShard * bytesPerImage) / 4) * 4));
  shards.forEach((shard, s) => {
    let filled = 0; // bytes in staging
    let written = 0; // bytes already in the shard
    const flush = () => {
      const size = Math.ceil(filled / 4) * 4;
      staging.fill(0, filled, size);
      ctx.device.queue.writeBuffer(shard, written, staging, 0, size);
      written += filled;
      filled = 0;
    };
    const last = Math.min((s + 1) * imagesPerShard, rows.length);
    for (let r = s * imagesPerShard; r < last; r++) {
      const image = poolImage(dataset, rows[r]);
      let at = 0;
      while (at < image.length) {
        const take = Math.min(image.length - at, staging.length - filled);
        staging.set(image.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === staging.length) flush();
      }
    }
    if (filled > 0) flush();
  });
}
