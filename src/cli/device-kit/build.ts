/**
 * `npm run device-kit`: builds `.device-kit/`, what a session lent a GPU machine carries there to run the bench
 * and the profile on real hardware. That machine is offline, may have no Node, and the tree that travels is capped
 * at 64 MiB, so `node_modules` cannot go. The kit is one archive, `.device-kit/kit.tar.xz` (about 31 MiB), holding
 *
 *   bin/node                                        this machine's Node (the device image is not known to have one)
 *   lib/libvulkan.so.1                              Debian 12's Vulkan loader (Dawn dlopens it; the image may lack it)
 *   src/cli/aom-studio.mjs                          the CLI as one bundle, the TF.js peers inlined
 *                                                   (src/gpu/shader-source-node.ts reads ../../shaders/ from it)
 *   shaders/*.wgsl
 *   node_modules/webgpu/{package.json, index.js, dist/linux-x64/dawn.node}   the loader and the native module only
 *
 * and `.device-kit/run.sh` (src/cli/device-kit/run.sh), the prepared device script, which unpacks the archive with
 * Python (present there) and runs the bench and the profiles. Left out: the built-in MNIST files (53 MB) and
 * TF.js's wasm binaries, so a kit runs no `aom` row and no wasm peer (`--peers webgpu`): on a GPU the peer that
 * matters is TF.js WebGPU on the same adapter.
 * `npm run device-kit -- --check` also runs the unpacked kit here, from a folder outside the repo, on this
 * machine's adapter (one conv row beside TF.js WebGPU), as run.sh would.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stageKit } from './stage.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const KIT = join(ROOT, '.device-kit');
/** What the kit may take of the device tool's 64 MiB (the repo's tracked files travel too). */
const KIT_BUDGET_BYTES = 48 * 1024 * 1024;

async function main(): Promise<void> {
  const staging = mkdtempSync(join(tmpdir(), 'aom-kit-'));
  try {
    await stageKit(staging, { runtime: true });
    rmSync(KIT, { recursive: true, force: true });
    mkdirSync(KIT);
    execFileSync('tar', ['-C', staging, '-cf', join(KIT, 'kit.tar.xz'), '-I', 'xz -T0 -6', '.']);
    copyFileSync(join(ROOT, 'src/cli/device-kit/run.sh'), join(KIT, 'run.sh'));
    const bytes = statSync(join(KIT, 'kit.tar.xz')).size;
    const mib = (bytes / 1024 / 1024).toFixed(1);
    if (bytes > KIT_BUDGET_BYTES) throw new Error(`.device-kit/kit.tar.xz is ${mib} MiB, over the ${KIT_BUDGET_BYTES / 1024 / 1024} MiB it may take of the device tool's 64`);
    console.log(`wrote .device-kit (kit.tar.xz ${mib} MiB, run.sh): run there as 'bash .device-kit/run.sh' with carry: [".device-kit"]`);
    if (process.argv.includes('--check')) {
      // The staged kit, outside the repo (no node_modules of ours on its path), on this machine's adapter.
      const out = execFileSync(join(staging, 'bin/node'), [join(staging, 'src/cli/aom-studio.mjs'), 'bench', '--filter', 'conv forward 64x28x28x1', '--peers', 'webgpu', '--repetitions', '1'], {
        cwd: staging, encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: join(staging, 'lib') },
      });
      console.log(out);
      if (!/conv forward\s+64x28x28x1/.test(out) || !/TF\.js 4\.22 WebGPU/.test(out)) throw new Error('the kit ran but printed no conv forward row beside TF.js WebGPU');
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

await main();
