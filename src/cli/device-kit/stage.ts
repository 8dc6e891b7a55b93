/**
 * What goes into the device kit (build.ts says why and how it travels): stageKit lays the kit out in `dir` as it
 * will be unpacked on the GPU machine. Without `runtime` it leaves out this machine's Node and the Vulkan loader,
 * which is how tests/cli/device-kit.test.ts runs the staged bundle with the Node that runs the test.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Debian 12's libvulkan1, fetched with apt (the package registry this machine can reach) and unpacked. */
function vulkanLoader(into: string): void {
  const work = mkdtempSync(join(tmpdir(), 'aom-kit-apt-'));
  execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: work, stdio: 'ignore' });
  execFileSync('sh', ['-c', 'dpkg-deb -x libvulkan1_*.deb unpacked'], { cwd: work });
  copyFileSync(join(work, 'unpacked/usr/lib/x86_64-linux-gnu/libvulkan.so.1'), join(into, 'libvulkan.so.1'));
  rmSync(work, { recursive: true, force: true });
}

export async function stageKit(dir: string, { runtime }: { runtime: boolean }): Promise<void> {
  mkdirSync(join(dir, 'src/cli'), { recursive: true });
  await build({
    entryPoints: [join(ROOT, 'src/cli/device-kit/entry.ts')],
    outfile: join(dir, 'src/cli/aom-studio.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // The native loader stays a package of its own beside the bundle; everything else is inlined.
    external: ['webgpu'],
    // Bundled CommonJS (TF.js's dependencies) calls require(); give the ES module one.
    banner: { js: "import { createRequire as __kitRequire } from 'node:module'; const require = __kitRequire(import.meta.url);" },
    minify: true,
    logLevel: 'warning',
  });
  cpSync(join(ROOT, 'shaders'), join(dir, 'shaders'), { recursive: true });
  const webgpu = join(ROOT, 'node_modules/webgpu');
  const kitWebgpu = join(dir, 'node_modules/webgpu');
  mkdirSync(join(kitWebgpu, 'dist/linux-x64'), { recursive: true });
  for (const file of ['package.json', 'index.js', 'dist/linux-x64/dawn.node']) copyFileSync(join(webgpu, file), join(kitWebgpu, file));
  if (!runtime) return;
  mkdirSync(join(dir, 'bin'));
  copyFileSync(process.execPath, join(dir, 'bin/node'));
  mkdirSync(join(dir, 'lib'));
  vulkanLoader(join(dir, 'lib'));
}

