import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/gpu/device.ts';
import { GpuDeviceLostError } from '../../src/gpu/errors.ts';

describe('device loss', () => {
  it('is reported to listeners and to every later GPU call, never swallowed', async () => {
    const ctx = await acquireGpu({ timestamps: false });
    const buffer = ctx.upload('data', new Float32Array([1, 2, 3]));
    const reported = new Promise<GpuDeviceLostError>((resolve) => ctx.onDeviceLost(resolve));
    ctx.device.destroy(); // what a driver reset looks like to the page: not a destroy we asked for through ctx
    const error = await reported;
    expect(error).toBeInstanceOf(GpuDeviceLostError);
    expect(error.message).toMatch(/GPU device was lost \(destroyed\)/);
    await expect(ctx.readFloat32(buffer)).rejects.toThrow(GpuDeviceLostError);
    expect(() => ctx.assertAlive()).toThrow(/recomputed on a new device/);
    // A listener registered after the loss hears about it at once.
    let late: GpuDeviceLostError | null = null;
    ctx.onDeviceLost((e) => (late = e));
    expect(late).toBe(error);
  });
});
