/**
 * Compute pipelines, compiled once per (shader file, entry point, override constants) and cached. Compilation
 * errors are reported as `shaders/file.wgsl:line:col message`, so a broken kernel says where it broke.
 */
import { GpuValidationError } from './errors.ts';
import { shaderText } from './shader-source.ts';

export type OverrideConstants = Record<string, number>;

export interface PipelineKey {
  /** File under shaders/, e.g. 'gemm.wgsl'. */
  file: string;
  entryPoint?: string;
  constants?: OverrideConstants;
}

export class PipelineCache {
  private modules = new Map<string, Promise<GPUShaderModule>>();
  private pipelines = new Map<string, Promise<GPUComputePipeline>>();

  /**
   * @param synchronous compile with createComputePipeline instead of the async variant. Node needs it:
   *   dawn.node 0.6.2 aborts the process ("futex facility returned an unexpected error code") when an async
   *   pipeline compile outlives a few milliseconds, as gemm.wgsl does on lavapipe. In Node nothing waits on
   *   the thread anyway; the page (in a worker) keeps the async call.
   */
  constructor(
    private device: GPUDevice,
    private synchronous = false,
  ) {}

  /** The pipeline for `key`, compiled with createComputePipelineAsync on first use. */
  get(key: PipelineKey): Promise<GPUComputePipeline> {
    const entryPoint = key.entryPoint ?? 'main';
    const constants = key.constants ?? {};
    const id = `${key.file}#${entryPoint}?${Object.keys(constants).sort().map((k) => `${k}=${constants[k]}`).join('&')}`;
    let pipeline = this.pipelines.get(id);
    if (!pipeline) {
      pipeline = this.compile(key.file, entryPoint, constants, id);
      this.pipelines.set(id, pipeline);
      pipeline.catch(() => this.pipelines.delete(id)); // a failed compile may be retried after a fix
    }
    return pipeline;
  }

  private async compile(file: string, entryPoint: string, constants: OverrideConstants, label: string) {
    const module = await this.module(file);
    this.device.pushErrorScope('validation');
    try {
      const descriptor: GPUComputePipelineDescriptor = { label, layout: 'auto', compute: { module, entryPoint, constants } };
      if (this.synchronous) return this.device.createComputePipeline(descriptor);
      return await this.device.createComputePipelineAsync(descriptor);
    } catch (error) {
      throw new GpuValidationError(`shaders/${file} (${entryPoint}): pipeline creation failed: ${(error as Error).message}`);
    } finally {
      const scoped = await this.device.popErrorScope();
      if (scoped) throw new GpuValidationError(`shaders/${file} (${entryPoint}): ${scoped.message}`);
    }
  }

  private module(file: string): Promise<GPUShaderModule> {
    let module = this.modules.get(file);
    if (!module) {
      module = (async () => {
        // The scope keeps a broken shader's error ours to report (as file:line:col), not an uncaptured one.
        this.device.pushErrorScope('validation');
        const shader = this.device.createShaderModule({ label: file, code: shaderText(file) });
        const info = await shader.getCompilationInfo();
        const scoped = await this.device.popErrorScope();
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length || scoped) {
          const lines = errors.map((m) => `shaders/${file}:${m.lineNum}:${m.linePos} ${m.message}`);
          throw new GpuValidationError(lines.length ? lines.join('\n') : `shaders/${file}: ${scoped?.message}`);
        }
        return shader;
      })();
      this.modules.set(file, module);
      module.catch(() => this.modules.delete(file));
    }
    return module;
  }
}
