/**
 * Node-only environment defaults for Dawn on a machine without a GPU.
 *
 * Dawn (the `webgpu` package) talks to Vulkan. On CI and developer machines without a GPU the only Vulkan is
 * a software driver; we prefer lavapipe (Mesa's, fastest here) and fall back to SwiftShader from Debian's
 * Chromium. A caller that set VK_ICD_FILENAMES keeps its choice; on a machine with a real GPU set
 * AOM_GPU=hardware to leave Vulkan's own driver discovery alone.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SOFTWARE_VULKAN_DRIVERS = [
  '/usr/share/vulkan/icd.d/lvp_icd.json',
  '/usr/lib/chromium/vk_swiftshader_icd.json',
] as const;

export function configureHeadlessVulkan(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.XDG_RUNTIME_DIR) {
    // Mesa's drivers print errors without a runtime dir; any writable folder does.
    const dir = join(tmpdir(), `aom-studio-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env.XDG_RUNTIME_DIR = dir;
  }
  if (env.VK_ICD_FILENAMES || env.AOM_GPU === 'hardware') return;
  const driver = SOFTWARE_VULKAN_DRIVERS.find((p) => existsSync(p));
  if (driver && !hasHardwareGpu()) env.VK_ICD_FILENAMES = driver;
}

/** A DRM render node means a kernel GPU driver is present; leave Vulkan discovery to it then. */
function hasHardwareGpu(): boolean {
  return existsSync('/dev/dri/renderD128') || existsSync('/dev/nvidia0');
}
