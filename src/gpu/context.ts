/**
 * GpuContext: one device and everything that belongs to it — the pipeline cache, buffer helpers, the single
 * read-back path, limit checks and device-loss reporting. Engines (nn, analysis, data) take a context; they
 * never touch `navigator.gpu` themselves.
 */
import { GpuDeviceLostError, GpuLimitError, GpuValidationError } from './errors.ts';
import { BufferPool } from './buffer-pool.ts';
import { PipelineCache } from './pipeline-cache.ts';
import type { GemmVariant } from './kernels/gemm-variant.ts';
import { DEFAULT_CONV_CHOICES, type ConvChoices } from './kernels/conv-choices.ts';

export type DeviceLostListener = (error: GpuDeviceLostError) => void;

export class GpuContext {
  readonly pipelines: PipelineCache;
  /** Reusable staging buffers for read-backs. */
  readonly stagingPool: BufferPool;
  private lostListeners = new Set<DeviceLostListener>();
  private lostError: GpuDeviceLostError | null = null;
  private live = 0;

  constructor(
    readonly device: GPUDevice,
    readonly adapterName: string,
    readonly hasTimestamps: boolean,
    /** Node (dawn.node) compiles pipelines synchronously; see PipelineCache. */
    readonly isNode = false,
    /** Kept referenced for the device's life (see device.ts on dawn.node's instance lifetime). */
    readonly adapter: GPUAdapter | null = null,
  ) {
    this.pipelines = new PipelineCache(device, isNode);
    this.stagingPool = new BufferPool(device);
    device.lost.then((info) => {
      if (info.reason === 'destroyed' && this.destroyedOnPurpose) return;
      this.lostError = new GpuDeviceLostError(
        `The GPU device was lost (${info.reason}): ${info.message || 'no detail from the driver'}. ` +
          'Work not yet saved on the CPU side must be recomputed on a new device.',
        info.reason ?? 'unknown',
      );
      for (const listener of this.lostListeners) listener(this.lostError);
    });
    device.addEventListener?.('uncapturederror', (event) => {
      const e = (event as GPUUncapturedErrorEvent).error;
      console.error(`[aom-studio] uncaptured WebGPU error: ${e.message}`);
    });
  }

  private destroyedOnPurpose = false;

  /**
   * The conv/dense GEMM kernels' shape on this device (kernels/gemm-variant.ts): set by acquireGpu from the
   * adapter and the override; tests force each in turn. Read when a GEMM is planned, so it applies to calls
   * planned after a change.
   */
  gemmVariant: GemmVariant = 'lavapipe';
  /**
   * The conv algorithms a network may take besides the implicit GEMM (kernels/conv2d-fastest.ts): Winograd and
   * the direct kernel for few input channels, each where it pays. AOM_WINOGRAD and AOM_DIRECT_CONV set them in
   * Node (a before/after on the same build). Read when a conv is planned.
   */
  convChoices: ConvChoices = { ...DEFAULT_CONV_CHOICES };

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /**
   * Buffers made through this context (createBuffer, upload, uniform) and not yet destroyed: what a test reads to
   * check that a failed creation freed everything it made. The staging pool's buffers are not counted (the pool
   * keeps a few idle ones on purpose).
   */
  get liveBuffers(): number {
    return this.live;
  }

  /** Bytes of the buffers counted by liveBuffers (what this context holds on the device now). */
  get liveBytes(): number {
    return this.bytes;
  }

  /** The most liveBytes has been since the last resetPeakBytes() (the benchmarks' peak memory of a step). */
  get peakBytes(): number {
    return this.peak;
  }

  resetPeakBytes(): void {
    this.peak = this.bytes;
  }

  private bytes = 0;
  private peak = 0;

  /** Counts `buffer` as live until its first destroy() (a second destroy, legal in WebGPU, is not counted twice). */
  private track(buffer: GPUBuffer): GPUBuffer {
    this.live++;
    const size = buffer.size;
    this.bytes += size;
    this.peak = Math.max(this.peak, this.bytes);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        this.live--;
        this.bytes -= size;
      }
      destroy();
    };
    return buffer;
  }

  /** Registers a device-loss listener; returns its removal. A device already lost reports at once. */
  onDeviceLost(listener: DeviceLostListener): () => void {
    this.lostListeners.add(listener);
    if (this.lostError) listener(this.lostError);
    return () => this.lostListeners.delete(listener);
  }

  /** Throws the device-lost error if the device is gone, so callers fail with the reason, not a validation error. */
  assertAlive(): void {
    if (this.lostError) throw this.lostError;
  }

  destroy(): void {
    this.destroyedOnPurpose = true;
    this.stagingPool.destroy();
    this.device.destroy();
  }

  /** A storage buffer of `byteLength` bytes (rounded up to 4), checked against the device's limits. */
  createBuffer(label: string, byteLength: number, usage: GPUBufferUsageFlags = 0): GPUBuffer {
    const size = Math.max(4, Math.ceil(byteLength / 4) * 4);
    this.checkBufferSize(label, size);
    return this.track(
      this.device.createBuffer({
        label,
        size,
        usage: usage | GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      }),
    );
  }

  /** A storage buffer holding a copy of `data`. */
  upload(label: string, data: ArrayBufferView): GPUBuffer {
    const buffer = this.createBuffer(label, data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** Writes `data` into `buffer` at byte `offset` (queue order: before work submitted after this call). */
  write(buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
    this.device.queue.writeBuffer(buffer, offset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  /** A uniform buffer holding `data` (at least 16 bytes, as uniform structs are 16-byte aligned). */
  uniform(label: string, data: ArrayBuffer): GPUBuffer {
    const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
    const buffer = this.track(this.device.createBuffer({ label, size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }));
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  checkBufferSize(label: string, size: number): void {
    const max = Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
    if (size > max) {
      throw new GpuLimitError(
        `${label} needs a ${formatBytes(size)} buffer, but this adapter allows at most ${formatBytes(max)} ` +
          '(maxStorageBufferBindingSize). Use a smaller batch, a smaller model, or a subset of the data.',
      );
    }
  }

  /** Checks a dispatch's workgroup counts against maxComputeWorkgroupsPerDimension, naming the kernel. */
  checkWorkgroups(kernel: string, counts: readonly [number, number, number]): void {
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    counts.forEach((count, axis) => {
      if (count > max) {
        throw new GpuLimitError(
          `${kernel}: ${count} workgroups along ${'xyz'[axis]} exceed this adapter's limit of ${max} ` +
            '(maxComputeWorkgroupsPerDimension); reduce the batch size.',
        );
      }
    });
  }

  /**
   * Copies `byteLength` bytes of `source` to the CPU. The one read-back path of the project: a staging buffer
   * from the pool, mapAsync, copy out, and in `finally` unmap and return it to the pool.
   * The copy into the staging buffer is submitted before the first `await`, i.e. by the time `read` returns its
   * promise: work submitted afterwards cannot change what is read (the inference runner relies on this to queue
   * the next batch while this one's results travel back).
   */
  async read(source: GPUBuffer, byteLength = source.size, offset = 0): Promise<ArrayBuffer> {
    this.assertAlive();
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.stagingPool.acquire('read-back staging', size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    try {
      const encoder = this.device.createCommandEncoder({ label: `readback of ${source.label}` });
      encoder.copyBufferToBuffer(source, offset, staging, 0, size);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return staging.getMappedRange(0, size).slice(0, byteLength);
    } catch (error) {
      // A failed map is most often a lost device: let its lost promise settle first, then report that instead.
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.assertAlive();
      throw error;
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      if (this.lostError) staging.destroy();
      else this.stagingPool.release(staging);
    }
  }

  async readFloat32(source: GPUBuffer, count?: number, offsetElements = 0): Promise<Float32Array> {
    const n = count ?? source.size / 4 - offsetElements;
    return new Float32Array(await this.read(source, n * 4, offsetElements * 4));
  }

  async readUint32(source: GPUBuffer, count?: number, offsetElements = 0): Promise<Uint32Array> {
    const n = count ?? source.size / 4 - offsetElements;
    return new Uint32Array(await this.read(source, n * 4, offsetElements * 4));
  }

  /**
   * Runs `work` inside validation and out-of-memory error scopes and throws the first error, labelled with
   * `what`, so GPU mistakes surface at the call that made them.
   */
  async withErrorScope<T>(what: string, work: () => T | Promise<T>): Promise<T> {
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T;
    try {
      result = await work();
    } finally {
      const validation = await this.device.popErrorScope();
      const oom = await this.device.popErrorScope();
      if (validation) throw new GpuValidationError(`${what}: ${validation.message}`);
      if (oom) throw new GpuLimitError(`${what}: the GPU ran out of memory (${oom.message})`);
    }
    return result;
  }

  /** Resolves when the queue has finished all submitted work. */
  async sync(): Promise<void> {
    await this.device.queue.onSubmittedWorkDone();
    this.assertAlive();
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}
