/**
 * Where the page's dataset comes from: built-in MNIST (fetched from the bundled assets) or the user's files
 * (recognised by the session core's user-files.ts). The files are kept so IndexedDB can reopen them on reload.
 */
import { fetchBuiltInMnist } from '../../src/data/builtin-mnist.ts';
import type { SessionDataset } from '../../src/session/studio-session.ts';
import { checkPageDatasetSize, datasetFromUserFiles, readUserFiles } from '../../src/session/user-files.ts';

export interface PageDataset extends SessionDataset {
  /** The user's files (kept for IndexedDB), null for the built-in MNIST. */
  files: File[] | null;
}

export async function loadBuiltIn(): Promise<PageDataset> {
  return { choice: { kind: 'builtin-mnist' }, files: null, dataset: await fetchBuiltInMnist() };
}

export async function loadFromFiles(files: File[]): Promise<PageDataset> {
  await checkPageDatasetSize(files); // before anything is read whole
  const dataset = datasetFromUserFiles(await readUserFiles(files));
  return { choice: { kind: 'files', names: files.map((f) => f.name) }, files, dataset };
}
