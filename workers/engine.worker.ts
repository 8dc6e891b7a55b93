/**
 * The engine worker: owns the GPU device and exposes one Engine (workers/engine/engine.ts) to the page through
 * Comlink, typed by src/session/engine-api.ts. Shaders are bundled as strings by Vite's `?raw` glob.
 */
import * as Comlink from 'comlink';
import { globShaderLoader, setShaderLoader } from '../src/gpu/shader-source.ts';
import type { EngineApi } from '../src/session/engine-api.ts';
import { Engine } from './engine/engine.ts';

setShaderLoader(globShaderLoader(import.meta.glob('../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>));

const engine: EngineApi = new Engine();
Comlink.expose(engine);
