import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { planReluForward } from '../../src/gpu/kernels/relu.ts';
import { submitCalls, destroyCalls } from '../../src/gpu/kernel-call.ts';
import { GpuLimitError, GpuValidationError } from '../../src/gpu/errors.ts';

const gpu = useGpu();

describe('GpuContext', () => {
  it('uploads, runs a kernel and reads back through one path', async () => {
    const ctx = gpu();
    // Any small production kernel will do: relu over the first 777 of 1000 values of -2.5, the rest left alone.
    const x = ctx.upload('test input', new Float32Array(1000).fill(-2.5));
    const y = ctx.upload('test output', new Float32Array(1000).fill(1));
    const call = await planReluForward(ctx, { x, y, count: 777 });
    submitCalls(ctx, [call]);
    const out = await ctx.readFloat32(y);
    expect(out[0]).toBe(0);
    expect(out[776]).toBe(0);
    expect(out[777]).toBe(1);
    destroyCalls([call]);
    x.destroy();
    y.destroy();
  });

  it('reuses read-back staging buffers from the pool', async () => {
    const ctx = gpu();
    const buffer = ctx.upload('pooled read', new Float32Array([1, 2, 3, 4, 5]));
    expect(Array.from(await ctx.readFloat32(buffer))).toEqual([1, 2, 3, 4, 5]);
    const idle = ctx.stagingPool.idleCount;
    expect(idle).toBeGreaterThan(0);
    expect(Array.from(await ctx.readFloat32(buffer, 2, 3))).toEqual([4, 5]);
    expect(ctx.stagingPool.idleCount).toBe(idle); // the same staging buffer came back
    buffer.destroy();
  });

  it('times a pass with timestamp queries where the adapter has them', async () => {
    const { acquireGpu } = await import('../../src/gpu/device.ts');
    const { GpuTimer } = await import('../../src/gpu/gpu-timer.ts');
    const ctx = await acquireGpu({ timestamps: true });
    if (!ctx.hasTimestamps) {
      expect(() => new GpuTimer(ctx)).toThrow(/timestamp-query/);
    } else {
      const buffer = ctx.createBuffer('timed', 4 * 100_000);
      const input = ctx.upload('timed input', new Float32Array(100_000).fill(1));
      const call = await planReluForward(ctx, { x: input, y: buffer, count: 100_000 });
      const timer = new GpuTimer(ctx);
      const ms = await timer.time([call]);
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(60_000);
      expect((await ctx.readFloat32(buffer, 1, 99_999))[0]).toBe(1);
      timer.destroy();
    }
    ctx.destroy();
  });

  it('counts the buffers it made that are not yet destroyed (created, uploaded, uniform; a second destroy once)', () => {
    const ctx = gpu();
    const before = ctx.liveBuffers;
    const a = ctx.createBuffer('live a', 16);
    const b = ctx.upload('live b', new Float32Array(3));
    const u = ctx.uniform('live u', new ArrayBuffer(8));
    expect(ctx.liveBuffers).toBe(before + 3);
    a.destroy();
    a.destroy(); // legal in WebGPU, counted once
    expect(ctx.liveBuffers).toBe(before + 2);
    b.destroy();
    u.destroy();
    expect(ctx.liveBuffers).toBe(before);
    expect(() => ctx.createBuffer('refused', ctx.limits.maxStorageBufferBindingSize + 4)).toThrow(GpuLimitError);
    expect(ctx.liveBuffers).toBe(before); // a refused buffer was never made
  });

  it('names the adapter', () => {
    expect(gpu().adapterName.length).toBeGreaterThan(0);
  });

  it('refuses a buffer beyond the adapter limit with the numbers in the message', () => {
    const ctx = gpu();
    expect(() => ctx.createBuffer('huge', ctx.limits.maxStorageBufferBindingSize + 4)).toThrow(GpuLimitError);
    expect(() => ctx.createBuffer('huge', ctx.limits.maxStorageBufferBindingSize + 4)).toThrow(/huge needs a/);
  });

  it('refuses too many workgroups, naming the kernel', () => {
    const ctx = gpu();
    expect(() => ctx.checkWorkgroups('conv1 forward', [ctx.limits.maxComputeWorkgroupsPerDimension + 1, 1, 1])).toThrow(
      /conv1 forward: .* workgroups along x/,
    );
  });

  it('reports WGSL compile errors as file:line:col', async () => {
    const { setShaderLoader } = await import('../../src/gpu/shader-source.ts');
    const { useNodeShaderLoader } = await import('../../src/gpu/shader-source-node.ts');
    setShaderLoader((file) => (file === 'broken.wgsl' ? '@compute @workgroup_size(1)\nfn main() {\n  let x: u32 = 1.5;\n}\n' : ''));
    try {
      await expect(gpu().pipelines.get({ file: 'broken.wgsl' })).rejects.toThrow(GpuValidationError);
      await expect(gpu().pipelines.get({ file: 'broken.wgsl' })).rejects.toThrow(/shaders\/broken\.wgsl:3:\d+ /);
    } finally {
      useNodeShaderLoader();
    }
  });
});
