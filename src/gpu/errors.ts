/** Errors the GPU layer raises, each with a message a user can act on. */

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export class GpuDeviceLostError extends Error {
  override name = 'GpuDeviceLostError';
  constructor(
    message: string,
    readonly reason: GPUDeviceLostReason | 'unknown',
  ) {
    super(message);
  }
}

export class GpuValidationError extends Error {
  override name = 'GpuValidationError';
}

export class GpuLimitError extends Error {
  override name = 'GpuLimitError';
}

/** Message shown when no adapter exists, for Node or the browser. */
export function noAdapterMessage(where: 'node' | 'browser'): string {
  if (where === 'browser') {
    return (
      'This browser exposes no WebGPU adapter. Use a current Chrome, Edge or Chromium (WebGPU is on by default ' +
      'on Windows, macOS and ChromeOS; on Linux start it with --enable-unsafe-webgpu --enable-features=Vulkan), ' +
      'or Firefox Nightly / Safari Technology Preview with WebGPU enabled.'
    );
  }
  return (
    'No WebGPU adapter: Dawn found no Vulkan driver. On Debian 12 without a GPU install the software driver ' +
    'from bookworm-backports (see .ci/install-system.sh: `apt-get install -t bookworm-backports ' +
    'mesa-vulkan-drivers`), or install Debian\'s `chromium` for SwiftShader; then check that ' +
    'VK_ICD_FILENAMES names an existing ICD json (lavapipe: /usr/share/vulkan/icd.d/lvp_icd.json). ' +
    `VK_ICD_FILENAMES is now ${process.env.VK_ICD_FILENAMES ?? 'unset'}.`
  );
}
