/**
 * HeatmapGrid: draws the kernels x classes grid of one layer's maps with WebGPU (shaders/heatmap_grid.wgsl),
 * in the engine worker, onto an OffscreenCanvas the page transferred. The maps (AOM and CSM, [kernel][class]
 * [y][x]) are uploaded to GPU buffers once per analysis; a frame only rewrites the 96-byte uniform (view
 * transform) and the row order, so zooming and panning never read anything back on a real GPU.
 *
 * Two ways to the screen:
 *   'present'  — the canvas's WebGPU context; one render pass into getCurrentTexture().
 *   'readback' — the software drivers cannot present (see shared/WEBGPU-HEADLESS.md: the next device wait
 *                fails and the canvas stays empty), so the pass renders into an rgba8unorm texture, which is
 *                copied into a buffer (rows padded to 256 bytes, copyTextureToBuffer's rule), mapped, and put
 *                on the canvas's 2D context. This is the path headless CI sees.
 * An OffscreenCanvas takes one kind of context for life, so the mode is chosen when the canvas is attached.
 */
import { mat3 } from 'wgpu-matrix';
import type { GpuContext } from '../gpu/context.ts';
import { shaderText } from '../gpu/shader-source.ts';
import { GpuValidationError } from '../gpu/errors.ts';
import type { GridLayout, MapKind, MapView, RenderMode } from '../session/engine-api.ts';
import { colourTable } from './colormap.ts';
import { GRID_GAP } from './grid-geometry.ts';

const FILE = 'heatmap_grid.wgsl';
const UNIFORM_BYTES = 96; // mat3x3f (3 x 16) + 8 scalars (32) + vec4f background (16)
/** Background (gaps and outside the grid), RGBA in [0, 1]. */
export const BACKGROUND = [0.97, 0.97, 0.96, 1];

export interface GridMaps {
  kernels: number;
  classes: number;
  height: number;
  width: number;
  aom: Float32Array;
  csm: Float32Array;
}

/** A class without analysis images has NaN maps; the shader's colour lookup needs numbers, so they draw as 0. */
const withoutNaN = (values: Float32Array): Float32Array => values.map((v) => (Number.isNaN(v) ? 0 : v));

/** Whether an adapter is a software rasteriser (which cannot present a WebGPU canvas). */
export const isSoftwareAdapter = (adapterName: string): boolean => /llvmpipe|lavapipe|swiftshader|software/i.test(adapterName);

export class HeatmapGrid {
  private pipeline: GPURenderPipeline | null = null;
  private uniforms: GPUBuffer;
  private luts: Record<MapKind, GPUBuffer>;
  private data: { maps: GridMaps; aom: GPUBuffer; csm: GPUBuffer; order: GPUBuffer } | null = null;
  private target: GPUTexture | null = null;
  private gpuContext: GPUCanvasContext | null = null;
  private context2d: OffscreenCanvasRenderingContext2D | null = null;
  private readonly format: GPUTextureFormat;

  /**
   * @param canvas where frames go; null renders only through `renderPixels` (tests, PNG export)
   * @param mode 'present' draws into the canvas's WebGPU context, 'readback' into its 2D context
   */
  constructor(
    private readonly ctx: GpuContext,
    private readonly canvas: OffscreenCanvas | null,
    readonly mode: RenderMode,
  ) {
    const device = ctx.device;
    this.uniforms = device.createBuffer({ label: 'heatmap-grid uniforms', size: UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.luts = { aom: ctx.upload('heatmap-grid colour table aom', colourTable('aom')), csm: ctx.upload('heatmap-grid colour table csm', colourTable('csm')) };
    if (canvas && mode === 'present') {
      this.gpuContext = canvas.getContext('webgpu');
      if (!this.gpuContext) throw new Error('heatmap-grid: the canvas gave no WebGPU context');
      this.format = navigator.gpu.getPreferredCanvasFormat();
      this.gpuContext.configure({ device, format: this.format, alphaMode: 'opaque' });
    } else {
      if (canvas) {
        this.context2d = canvas.getContext('2d');
        if (!this.context2d) throw new Error('heatmap-grid: the canvas gave no 2D context for the read-back path');
      }
      this.format = 'rgba8unorm';
    }
  }

  private async getPipeline(): Promise<GPURenderPipeline> {
    if (this.pipeline) return this.pipeline;
    const device = this.ctx.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ label: FILE, code: shaderText(FILE) });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error').map((m) => `shaders/${FILE}:${m.lineNum}:${m.linePos} ${m.message}`);
    try {
      const descriptor: GPURenderPipelineDescriptor = {
        label: 'heatmap-grid',
        layout: 'auto',
        vertex: { module, entryPoint: 'vs' },
        fragment: { module, entryPoint: 'fs', targets: [{ format: this.format }] },
        primitive: { topology: 'triangle-list' },
      };
      // dawn.node (tests) compiles synchronously, as PipelineCache explains; the worker keeps the async call.
      this.pipeline = this.ctx.isNode ? device.createRenderPipeline(descriptor) : await device.createRenderPipelineAsync(descriptor);
    } finally {
      const scoped = await device.popErrorScope();
      if (errors.length || scoped) throw new GpuValidationError(errors.join('\n') || `shaders/${FILE}: ${scoped?.message}`);
    }
    return this.pipeline;
  }

  /** Uploads a layer's maps (once per analysis). */
  setMaps(maps: GridMaps): void {
    this.releaseData();
    const label = `heatmap-grid ${maps.kernels}x${maps.classes}x${maps.height}x${maps.width}`;
    this.data = {
      maps,
      aom: this.ctx.upload(`${label} aom`, withoutNaN(maps.aom)),
      csm: this.ctx.upload(`${label} csm`, withoutNaN(maps.csm)),
      order: this.ctx.createBuffer(`${label} row order`, maps.kernels * 4),
    };
  }

  /**
   * Whether presenting works on this device, found by trying: one cleared frame into the canvas's current
   * texture, then a wait on the queue and a 4-byte test read-back. On the software drivers the wait after a
   * present fails ("A valid external Instance reference no longer exists", shared/WEBGPU-HEADLESS.md) and the
   * device is unusable from then on, so the caller must start over on a new device with 'readback'. A wait that
   * does not end within `timeoutMs` counts as a failure too. Throws the reason; resolves when presenting works.
   */
  async checkPresent(timeoutMs = 5000): Promise<void> {
    if (!this.gpuContext) throw new Error('heatmap-grid: checkPresent needs a canvas in present mode');
    const device = this.ctx.device;
    const encoder = device.createCommandEncoder({ label: 'heatmap-grid present check' });
    const pass = encoder.beginRenderPass({
      label: 'heatmap-grid present check',
      colorAttachments: [{ view: this.gpuContext.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2], a: 1 } }],
    });
    pass.end();
    const probe = device.createBuffer({ label: 'heatmap-grid present check read-back', size: 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the device did not answer within ${timeoutMs} ms after presenting`)), timeoutMs)));
    try {
      device.queue.submit([encoder.finish()]);
      await Promise.race([device.queue.onSubmittedWorkDone(), timeout]);
      await Promise.race([probe.mapAsync(GPUMapMode.READ), timeout]);
    } finally {
      clearTimeout(timer);
      if (probe.mapState === 'mapped') probe.unmap();
      probe.destroy();
    }
  }

  get hasMaps(): boolean {
    return this.data !== null;
  }

  /** Draws one frame of `view` on the canvas; returns the grid geometry for the page's hover read-outs. */
  async draw(view: MapView): Promise<GridLayout | null> {
    if (!this.data || !this.canvas) return null;
    const width = Math.max(1, Math.round(view.width));
    const height = Math.max(1, Math.round(view.height));
    // Resizing a canvas clears it, so the read-back path resizes only once the new frame's pixels are ready:
    // the old frame stays on screen while a slow (software) render runs, instead of a blank grid.
    const resize = () => {
      if (this.canvas!.width !== width || this.canvas!.height !== height) {
        this.canvas!.width = width;
        this.canvas!.height = height;
      }
    };
    if (this.gpuContext) {
      resize();
      const encoder = await this.encodeFrame(view, this.gpuContext.getCurrentTexture());
      this.ctx.device.queue.submit([encoder.finish()]);
    } else {
      const pixels = await this.renderPixels(view);
      resize();
      this.context2d!.putImageData(new ImageData(pixels, width, height), 0, 0);
    }
    return { cellWidth: this.data.maps.width, cellHeight: this.data.maps.height, gap: GRID_GAP };
  }

  /**
   * Renders `view` into an rgba8unorm texture and reads it back as tightly packed RGBA rows (the read-back
   * path, also used by tests and PNG export). copyTextureToBuffer needs rows padded to 256 bytes; they are
   * unpadded here.
   */
  async renderPixels(view: MapView): Promise<Uint8ClampedArray<ArrayBuffer>> {
    if (!this.data) throw new Error('heatmap-grid: no maps uploaded (call setMaps first)');
    const width = Math.max(1, Math.round(view.width));
    const height = Math.max(1, Math.round(view.height));
    const texture = this.readbackTarget(width, height);
    const encoder = await this.encodeFrame(view, texture);
    const device = this.ctx.device;
    const bytesPerRow = Math.ceil((width * 4) / 256) * 256;
    const staging = device.createBuffer({ label: 'heatmap-grid read-back', size: bytesPerRow * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    try {
      encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow }, [width, height]);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const padded = new Uint8Array(staging.getMappedRange());
      const pixels = new Uint8ClampedArray(width * height * 4);
      for (let y = 0; y < height; y++) pixels.set(padded.subarray(y * bytesPerRow, y * bytesPerRow + width * 4), y * width * 4);
      return pixels;
    } catch (error) {
      this.ctx.assertAlive();
      throw error;
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      staging.destroy();
    }
  }

  /** Writes the view's uniforms and row order and encodes one render pass into `texture`. */
  private async encodeFrame(view: MapView, texture: GPUTexture): Promise<GPUCommandEncoder> {
    const data = this.data!;
    const { maps } = data;
    if (view.order.length !== maps.kernels || new Set(view.order).size !== maps.kernels || view.order.some((k) => !(k >= 0 && k < maps.kernels))) {
      throw new RangeError(`heatmap-grid: the row order must list each of the ${maps.kernels} kernels once`);
    }
    const pipeline = await this.getPipeline();
    const device = this.ctx.device;
    this.ctx.assertAlive();

    // view = translate(pan) * scale(zoom) maps grid units to canvas pixels; the shader needs the inverse.
    const viewMatrix = mat3.multiply(mat3.translation([view.panX, view.panY]), mat3.scaling([view.zoom, view.zoom]));
    const bytes = new ArrayBuffer(UNIFORM_BYTES);
    new Float32Array(bytes, 0, 12).set(mat3.inverse(viewMatrix));
    new Uint32Array(bytes, 48, 4).set([maps.kernels, maps.classes, maps.height, maps.width]);
    new Float32Array(bytes, 64, 1)[0] = GRID_GAP;
    new Uint32Array(bytes, 68, 1)[0] = view.kind === 'csm' ? 1 : 0;
    new Float32Array(bytes, 80, 4).set(BACKGROUND);
    device.queue.writeBuffer(this.uniforms, 0, bytes);
    device.queue.writeBuffer(data.order, 0, Uint32Array.from(view.order));

    const bindGroup = device.createBindGroup({
      label: 'heatmap-grid',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.uniforms } },
        { binding: 1, resource: { buffer: view.kind === 'csm' ? data.csm : data.aom } },
        { binding: 2, resource: { buffer: data.order } },
        { binding: 3, resource: { buffer: this.luts[view.kind] } },
      ],
    });
    const encoder = device.createCommandEncoder({ label: 'heatmap-grid frame' });
    const pass = encoder.beginRenderPass({
      label: 'heatmap-grid',
      colorAttachments: [{ view: texture.createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: BACKGROUND[0], g: BACKGROUND[1], b: BACKGROUND[2], a: 1 } }],
    });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
    return encoder;
  }

  private readbackTarget(width: number, height: number): GPUTexture {
    if (!this.target || this.target.width !== width || this.target.height !== height) {
      this.target?.destroy();
      this.target = this.ctx.device.createTexture({
        label: `heatmap-grid target ${width}x${height}`,
        size: [width, height],
        format: 'rgba8unorm',
        usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
      });
    }
    return this.target;
  }

  private releaseData(): void {
    if (!this.data) return;
    this.data.aom.destroy();
    this.data.csm.destroy();
    this.data.order.destroy();
    this.data = null;
  }

  destroy(): void {
    this.releaseData();
    this.target?.destroy();
    this.uniforms.destroy();
    this.luts.aom.destroy();
    this.luts.csm.destroy();
    this.gpuContext?.unconfigure();
  }
}
