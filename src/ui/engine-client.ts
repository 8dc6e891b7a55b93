/**
 * The page's handle on the engine worker: one module worker, wrapped by Comlink with the EngineApi type.
 * Callbacks passed to the engine must be wrapped in `proxy` (see the actions); files and arrays are cloned.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../session/engine-api.ts';

const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'aom-studio engine' });

export const engine: Comlink.Remote<EngineApi> = Comlink.wrap<EngineApi>(worker);
export const { proxy, transfer } = Comlink;
