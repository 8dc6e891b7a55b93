import { describe, expect, it } from 'vitest';
import { useGpu } from '../helpers/gpu.ts';
import { planFill } from '../../src/gpu/kernels/fill.ts';
import { submitCalls, destroyCalls } from '../../src/gpu/kernel-call.ts';
import { GpuLimitError, GpuValidationError } from '../../src/gpu/errors.ts';

const gpu = useGpu();

describe('GpuContext', () => {
  it('uploads, runs a kernel and reads back through one path', async () => {
    const ctx = gpu();
    const buffer = ctx.upload('test buffer', new Float32Array(1000).fill(1));
    const call = await planFill(ctx, buffer, 2.5, 777);
    submitCalls(ctx, [call]);
    const out = await ctx.readFloat32(buffer);
    expect(out[0]).toBe(2.5);
    expect(out[776]).toBe(2.5);
    expect(out[777]).toBe(1);
    destroyCalls([call]);
    buffer.destroy();
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
