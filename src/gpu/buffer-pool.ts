/**
 * A pool of reusable GPU buffers keyed by usage and size class (powers of two from 256 bytes), for short-lived
 * buffers that would otherwise be created and destroyed many times: read-back staging buffers above all (one per
 * `GpuContext.read`, i.e. per evaluation batch or per progress report while training). A buffer is handed out
 * only when unmapped and not in use; at most `keepPerClass` idle buffers are kept per class.
 */
export class BufferPool {
  private idle = new Map<string, GPUBuffer[]>();

  constructor(
    private readonly device: GPUDevice,
    private readonly keepPerClass = 4,
  ) {}

  /** Size class of a request: the next power of two, at least 256 bytes. */
  static sizeClass(bytes: number): number {
    return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
  }

  acquire(label: string, bytes: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const size = BufferPool.sizeClass(bytes);
    const key = `${usage}:${size}`;
    const buffer = this.idle.get(key)?.pop();
    if (buffer) return buffer;
    return this.device.createBuffer({ label: `pooled ${label}`, size, usage });
  }

  /** Returns a buffer (unmapped) to the pool, or destroys it when the class already keeps enough. */
  release(buffer: GPUBuffer): void {
    const key = `${buffer.usage}:${buffer.size}`;
    const list = this.idle.get(key) ?? [];
    if (list.length >= this.keepPerClass || buffer.mapState !== 'unmapped') {
      buffer.destroy();
      return;
    }
    list.push(buffer);
    this.idle.set(key, list);
  }

  /** Number of idle buffers held (for tests and diagnostics). */
  get idleCount(): number {
    let n = 0;
    for (const list of this.idle.values()) n += list.length;
    return n;
  }

  destroy(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    this.idle.clear();
  }
}
