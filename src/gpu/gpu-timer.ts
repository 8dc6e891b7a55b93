/**
 * GPU-side timing with timestamp queries, where the adapter has 'timestamp-query': the start and end of one
 * compute pass are written into a query set, resolved into a buffer and read back as nanoseconds. Benchmarks
 * report it beside the wall clock; on adapters without the feature `GpuContext.hasTimestamps` is false and
 * callers keep the wall clock alone.
 */
import type { GpuContext } from './context.ts';
import { encodeCalls, type KernelCall } from './kernel-call.ts';

export class GpuTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;

  constructor(private readonly ctx: GpuContext) {
    if (!ctx.hasTimestamps) throw new Error('GpuTimer needs an adapter with timestamp-query');
    this.querySet = ctx.device.createQuerySet({ label: 'gpu timer', type: 'timestamp', count: 2 });
    this.resolve = ctx.device.createBuffer({ label: 'gpu timer resolve', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  /** Runs `calls` in one timed compute pass; resolves to the GPU's milliseconds between its start and end. */
  async time(calls: readonly KernelCall[], label = 'timed pass'): Promise<number> {
    this.ctx.assertAlive();
    const encoder = this.ctx.device.createCommandEncoder({ label });
    encodeCalls(encoder, calls, label, { querySet: this.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 });
    encoder.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
    this.ctx.device.queue.submit([encoder.finish()]);
    const ticks = new BigUint64Array(await this.ctx.read(this.resolve, 16));
    return Number(ticks[1] - ticks[0]) / 1e6;
  }

  /**
   * Runs `calls` in one command buffer, each dispatch in its own timed compute pass; resolves to each one's GPU
   * milliseconds (a profile: passes order the dispatches as one pass would, since WebGPU orders storage writes
   * between dispatches either way).
   */
  async timeEach(calls: readonly KernelCall[], label = 'timed dispatches'): Promise<number[]> {
    this.ctx.assertAlive();
    const count = 2 * calls.length;
    const querySet = this.ctx.device.createQuerySet({ label: `${label} queries`, type: 'timestamp', count });
    const resolve = this.ctx.device.createBuffer({ label: `${label} resolve`, size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    try {
      const encoder = this.ctx.device.createCommandEncoder({ label });
      calls.forEach((call, i) => encodeCalls(encoder, [call], call.label, { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 }));
      encoder.resolveQuerySet(querySet, 0, count, resolve, 0);
      this.ctx.device.queue.submit([encoder.finish()]);
      const ticks = new BigUint64Array(await this.ctx.read(resolve, count * 8));
      return calls.map((_, i) => Number(ticks[2 * i + 1] - ticks[2 * i]) / 1e6);
    } finally {
      querySet.destroy();
      resolve.destroy();
    }
  }

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
  }
}
