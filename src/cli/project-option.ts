/**
 * `--project FILE [--version V]` for the commands that work on a model (analyze, edit, tune, export): the model is
 * the project's version V (default its current one), and what the command makes (edited or retrained versions,
 * analyses) goes back into the project, which is rewritten in one piece (written beside it, then renamed over it),
 * so a failed command leaves the file as it was.
 */
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Model } from '../nn/layers.ts';
import { ModelHistory } from '../surgery/history.ts';
import type { LayerMaps } from '../session/engine-api.ts';
import { decodeProject, encodeProject, MAX_PROJECT_BYTES, ProjectFormatError, type ProjectContents } from '../session/project-file.ts';
import { UsageError } from './usage-error.ts';

export const PROJECT_OPTION = {
  type: 'string', value: 'FILE', description: 'a .aomproj project: use its current version (or --version) instead of --model, and add what this command makes to it',
} as const;

export const VERSION_OPTION = {
  type: 'string', number: 'integer', min: 0, value: 'V', defaultText: "the project's current version", description: 'the version of --project to use',
} as const;

export interface OpenProject {
  path: string;
  contents: ProjectContents;
  history: ModelHistory;
  /** The version the command works on (checked out in `history`). */
  versionId: number;
}

/** Reads and checks a project file; checks out `version` when given. */
export async function openProjectFile(path: string, version?: number): Promise<OpenProject> {
  const full = resolve(path);
  const { size } = await stat(full);
  if (size > MAX_PROJECT_BYTES) throw new ProjectFormatError(`${full}: is larger than the ${MAX_PROJECT_BYTES} bytes a project may have`);
  const contents = decodeProject(new Uint8Array(await readFile(full)), full);
  const history = ModelHistory.fromStored(contents.state.history);
  if (version !== undefined) {
    if (version >= history.size) throw new UsageError(`--version ${version}: ${path} has versions 0 to ${history.size - 1}`);
    history.checkout(version);
  }
  return { path: full, contents, history, versionId: history.current };
}

/** The model named by --model or by --project/--version (exactly one of the two). */
export function requireOneSource(model: string | undefined, project: string | undefined, version: number | undefined): void {
  if (model === undefined && project === undefined) throw new UsageError('missing --model (or --project)');
  if (model !== undefined && project !== undefined) throw new UsageError('give --model or --project, not both');
  if (version !== undefined && project === undefined) throw new UsageError('--version applies to --project');
}

export const projectModel = (p: OpenProject): Model => p.history.get(p.versionId).model;

/** Writes the project back with its (possibly grown) history and `maps` added. */
export async function saveProjectFile(p: OpenProject, maps: LayerMaps[] = []): Promise<void> {
  const state = p.contents.state;
  const allMaps = { ...state.maps };
  for (const m of maps) allMaps[`${m.versionId}:${m.layer}`] = m;
  const bytes = encodeProject({
    ...p.contents,
    state: { history: p.history.toStored(), untrained: state.untrained, maps: allMaps, pending: null },
    savedAt: new Date().toISOString(),
  });
  const temporary = `${p.path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, p.path);
}
