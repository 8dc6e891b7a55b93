/** The page shown when the browser has no WebGPU (or no adapter): what is missing and how to get it. */
export function NoWebGpu(props: { reason: string }) {
  return (
    <main class="no-webgpu" data-testid="no-webgpu">
      <h1>aom-studio needs WebGPU</h1>
      <p class="error">{props.reason}</p>
      <p>The whole studio (training, the maps, the edits) runs on your GPU through WebGPU, in this page; nothing is sent to a server.</p>
      <ul>
        <li>Chrome, Edge or another Chromium 113+ on Windows, macOS or ChromeOS: WebGPU is on by default; update the browser.</li>
        <li>Chromium on Linux: start it with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code> (a Vulkan driver is needed).</li>
        <li>Firefox: use Firefox 141+ on Windows, or Nightly with <code>dom.webgpu.enabled</code> in about:config.</li>
        <li>Safari: Safari 26, or Technology Preview with the WebGPU feature flag.</li>
      </ul>
      <p>Check <a href="https://webgpureport.org/">webgpureport.org</a> to see what your browser offers, then reload this page.</p>
    </main>
  );
}
