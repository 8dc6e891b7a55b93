/**
 * The session in IndexedDB (available in workers): the dataset choice (with the user's files themselves, as
 * Blobs, so a reload can reopen them), every model version with its weights, the history pointers, and the
 * analysis results. One record, rewritten whenever the session changes: versions of mnist-ref weigh under a
 * megabyte each, and one record keeps the saved state consistent (no half-written history).
 */
import type { DatasetChoice } from '../../src/session/engine-api.ts';
import type { SessionState } from '../../src/session/studio-session.ts';

export interface SavedSession extends SessionState {
  schema: 1;
  dataset: DatasetChoice;
  /** The user's dataset files (null for the built-in MNIST). */
  datasetFiles: File[] | null;
  /** The page's form settings and view state (opaque to the worker), restored on reload. */
  settings?: Record<string, unknown>;
  savedAt: number;
}

const DB_NAME = 'aom-studio';
const STORE = 'session';
const KEY = 'current';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`IndexedDB '${DB_NAME}' could not be opened: ${request.error?.message ?? 'unknown error'}`));
  });
}

function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return openDb().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(request.result);
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          reject(new Error(`IndexedDB ${mode} failed: ${tx.error?.message ?? request.error?.message ?? 'aborted'}`));
        };
      }),
  );
}

export async function loadSession(): Promise<SavedSession | null> {
  const saved = (await run('readonly', (store) => store.get(KEY))) as SavedSession | undefined;
  return saved && saved.schema === 1 ? saved : null;
}

export async function saveSession(session: SavedSession): Promise<void> {
  await run('readwrite', (store) => store.put(session, KEY));
}

export async function clearSession(): Promise<void> {
  await run('readwrite', (store) => store.delete(KEY));
}
