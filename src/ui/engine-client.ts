/**
 * The page's handle on the engine worker: one module worker, wrapped by Comlink with the EngineApi type.
 * Callbacks passed to the engine must be wrapped in `proxy` (see the actions); files and arrays are cloned.
 * `engine` always forwards to the current worker, so `restartEngine` can replace it (after presenting the maps
 * failed and took the worker's GPU device with it) without any module holding on to the old one.
 */
import * as Comlink from 'comlink';
import type { EngineApi } from '../session/engine-api.ts';

let worker: Worker;
let remote: Comlink.Remote<EngineApi>;

function spawn(): void {
  worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), { type: 'module', name: 'aom-studio engine' });
  remote = Comlink.wrap<EngineApi>(worker);
}
spawn();

export const engine: Comlink.Remote<EngineApi> = new Proxy({} as Comlink.Remote<EngineApi>, {
  get: (_target, key) => remote[key as keyof Comlink.Remote<EngineApi>],
});

/** Ends the current worker (calls still waiting on it never answer) and starts a fresh one; call init next. */
export function restartEngine(): void {
  remote[Comlink.releaseProxy]();
  worker.terminate();
  spawn();
}

export const { proxy, transfer } = Comlink;
