/**
 * The choice of conv/dense kernel variant: software adapters get the lavapipe-shaped kernels, others the tiled
 * ones; AOM_KERNELS (Node) and the kernels option (the page's ?kernels=) override it; a bad name is an error
 * that says where it came from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { acquireGpu } from '../../src/gpu/device.ts';
import { chooseGemmVariant, isSoftwareAdapter, parseGemmVariant } from '../../src/gpu/kernels/gemm-variant.ts';

describe('gemm kernel variant', () => {
  const saved = process.env.AOM_KERNELS;
  afterEach(() => {
    if (saved === undefined) delete process.env.AOM_KERNELS;
    else process.env.AOM_KERNELS = saved;
  });

  it('is chosen from the adapter info', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', device: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'anything', isFallbackAdapter: true })).toBe(true);
    expect(chooseGemmVariant({ vendor: 'nvidia', device: 'NVIDIA H200' })).toBe('tiled');
    expect(chooseGemmVariant({ vendor: 'mesa', device: 'llvmpipe' })).toBe('lavapipe');
    expect(chooseGemmVariant({ vendor: 'mesa', device: 'llvmpipe' }, { text: 'Tiled', where: 'x' })).toBe('tiled');
    expect(chooseGemmVariant({ vendor: 'nvidia' }, { text: '', where: 'x' })).toBe('tiled');
    expect(() => parseGemmVariant('fast', '?kernels=')).toThrow("?kernels=: unknown kernel variant 'fast'; use lavapipe or tiled");
  });

  it('follows AOM_KERNELS in Node, and the kernels option before it', async () => {
    process.env.AOM_KERNELS = 'tiled';
    const tiled = await acquireGpu({ timestamps: false });
    expect(tiled.gemmVariant).toBe('tiled');
    tiled.destroy();
    const forced = await acquireGpu({ timestamps: false, kernels: 'lavapipe' });
    expect(forced.gemmVariant).toBe('lavapipe');
    forced.destroy();
    process.env.AOM_KERNELS = 'bogus';
    await expect(acquireGpu({ timestamps: false })).rejects.toThrow(/AOM_KERNELS: unknown kernel variant 'bogus'/);
  });
});
