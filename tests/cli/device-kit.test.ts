/**
 * The device kit (src/cli/device-kit) as a lent GPU session would run it, here on lavapipe: the bundle staged in a
 * folder outside the repo, with no node_modules but the kit's own webgpu loader, runs a bench row beside TF.js
 * WebGPU (inlined in the bundle) and reads its shaders from the kit. The runtime parts (Node, the Vulkan loader)
 * are left out: the test's own Node runs the bundle, and this machine has a loader.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stageKit } from '../../src/cli/device-kit/stage.ts';

describe('device kit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aom-kit-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the bundled CLI from a folder of its own: a conv row beside TF.js WebGPU', async () => {
    await stageKit(dir, { runtime: false });
    for (const part of ['src/cli/aom-studio.mjs', 'shaders/gemm.wgsl', 'shaders/winograd.wgsl', 'node_modules/webgpu/dist/linux-x64/dawn.node']) {
      expect(existsSync(join(dir, part)), part).toBe(true);
    }
    expect(existsSync(join(dir, 'node_modules/@tensorflow')), 'TF.js is inlined, not carried').toBe(false);
    const run = spawnSync(process.execPath, [join(dir, 'src/cli/aom-studio.mjs'), 'bench', '--json', '--filter', 'conv forward 64x28x28x1', '--peers', 'webgpu', '--repetitions', '1'], {
      cwd: dir, encoding: 'utf8', timeout: 240_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { rows: Array<{ name: string; shape: string; peerName?: string; ratio?: number }> };
    const row = report.rows.find((r) => r.name === 'conv forward');
    expect(row?.shape).toBe('64x28x28x1 -> 32, 5x5');
    expect(row?.peerName).toBe('TF.js 4.22 WebGPU');
    expect(row?.ratio).toBeGreaterThan(0);
  }, 300_000);
});
