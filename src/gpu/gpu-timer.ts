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

  destroy(): void {
    this.querySet.destroy();
    this.resolve.destroy();
  }
}
