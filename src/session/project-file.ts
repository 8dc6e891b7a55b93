/**
 * A project file (`.aomproj`): one zip holding a whole tuning session — every version with its weights, the
 * history tree, the analyses (maps, statistics, suggestions) and the page's settings — so that opening it gives
 * back the state that was saved (StudioSession.state() / restore()). Not in it: the dataset itself (its choice
 * is: the built-in MNIST, or the names of the user's files) and a training that did not finish.
 *
 * Layout: `project.json` (the state as JSON; schema in project-schema.ts) and one `blobs/<n>.bin` per typed array
 * (weights, AOM/CSM/ODM), raw little-endian, which the JSON names as { "$typed": "Float32Array", "blob": … }.
 * The zip is stored, not deflated: float weights barely compress, and a stored entry's size is its size.
 *
 * Opening is untrusted: the file's size, the entry count and every declared size are bounded before anything is
 * inflated (data/bounded-unzip.ts, which also refuses paths outside the archive and entries that outgrow their
 * declared size), the JSON is parsed with prototype keys refused (io/untrusted-json.ts) and checked against the
 * schema, and every blob reference must name a blob of the right byte length. Errors name the file.
 */
import { zipSync } from 'fflate';
import { unzipBounded } from '../data/bounded-unzip.ts';
import { isPlainObject, parseUntrustedJson } from '../io/untrusted-json.ts';
import { ModelHistory } from '../surgery/history.ts';
import type { DatasetChoice } from './engine-api.ts';
import { checkProject, ProjectFormatError, projectState } from './project-schema.ts';
import type { SessionState } from './studio-session.ts';

export { ProjectFormatError } from './project-schema.ts';

export const PROJECT_EXTENSION = '.aomproj';
/** Largest project file opened (V8's largest buffer is about 2 GiB). */
export const MAX_PROJECT_BYTES = 2 ** 31 - 1;
const MAX_ENTRIES = 200_000;
const MAX_JSON_CHARS = 256 * 1024 * 1024;

export interface ProjectContents {
  state: SessionState;
  settings: Record<string, unknown>;
  dataset: DatasetChoice | null;
  /** ISO 8601. */
  savedAt: string;
}

const TYPES = { Float32Array, Uint32Array, Int32Array, Uint8Array, Float64Array } as const;
type TypedName = keyof typeof TYPES;
type Typed = InstanceType<(typeof TYPES)[TypedName]>;

function typedName(v: unknown): TypedName | null {
  for (const name of Object.keys(TYPES) as TypedName[]) if (v instanceof TYPES[name]) return name;
  return null;
}

/** The project as the bytes of a .aomproj file. */
export function encodeProject(contents: ProjectContents): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  let count = 0;
  // Typed arrays become blobs; everything else is JSON as it is (a pending training is not kept).
  const pack = (v: unknown): unknown => {
    const type = typedName(v);
    if (type) {
      const t = v as Typed;
      const blob = `blobs/${count++}.bin`;
      files[blob] = new Uint8Array(t.buffer.slice(t.byteOffset, t.byteOffset + t.byteLength));
      return { $typed: type, blob };
    }
    if (Array.isArray(v)) return v.map(pack);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, pack(x)]));
    return v;
  };
  const { history, untrained, maps, baselines = {} } = contents.state;
  const json = {
    format: 'aom-studio-project', formatVersion: 1, savedAt: contents.savedAt, dataset: contents.dataset, settings: contents.settings,
    state: pack({ history, untrained, maps, baselines }),
  };
  files['project.json'] = new TextEncoder().encode(JSON.stringify(json));
  return zipSync(files, { level: 0 });
}

/** A .aomproj file's contents; throws ProjectFormatError naming `file`. */
export function decodeProject(bytes: Uint8Array, file: string): ProjectContents {
  if (bytes.byteLength > MAX_PROJECT_BYTES) throw new ProjectFormatError(`${file}: is larger than the ${MAX_PROJECT_BYTES} bytes a project may have`);
  const fail = (problem: string) => new ProjectFormatError(`${file}: ${problem}`);
  const { files } = unzipBounded(
    bytes,
    {
      maxEntries: MAX_ENTRIES, maxEntryBytes: MAX_PROJECT_BYTES, maxTotalBytes: MAX_PROJECT_BYTES,
      wanted: (name) => name === 'project.json' || /^blobs\/\d+\.bin$/.test(name),
    },
    fail,
  );
  const text = files.get('project.json');
  if (!text) throw fail('has no project.json; it is not an aom-studio project');
  let json: unknown;
  try {
    json = parseUntrustedJson(new TextDecoder().decode(text), `${file}: project.json`, MAX_JSON_CHARS);
    // Blob references back to typed arrays, each checked against its blob's length.
    const unpack = (v: unknown, path: string): unknown => {
      if (Array.isArray(v)) return v.map((x, i) => unpack(x, `${path}[${i}]`));
      if (!isPlainObject(v)) return v;
      if ('$typed' in v) {
        const type = v.$typed as TypedName;
        const data = typeof v.blob === 'string' ? files.get(v.blob) : undefined;
        if (!Object.hasOwn(TYPES, type)) throw fail(`${path}: unknown typed array ${JSON.stringify(v.$typed)}`);
        if (!data) throw fail(`${path}: names blob ${JSON.stringify(v.blob)}, which the file does not hold`);
        const size = TYPES[type].BYTES_PER_ELEMENT;
        if (data.byteLength % size !== 0) throw fail(`${path}: blob '${v.blob}' has ${data.byteLength} bytes, not a whole number of ${type} values`);
        // A copy, so the array starts aligned whatever the entry's offset.
        return new TYPES[type](data.slice().buffer);
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unpack(x, `${path}.${k}`)]));
    };
    json = unpack(json, 'project');
    checkProject(json);
    // The tree itself (ids, parents, redo targets, weights against their shapes), as the session will rebuild it.
    const size = ModelHistory.fromStored(json.state.history).size;
    for (const id of json.state.untrained) if (id >= size) throw fail(`project.state.untrained names version ${id}, which the history does not have`);
    for (const [key, maps] of Object.entries(json.state.maps)) {
      if (key !== `${maps.versionId}:${maps.layer}` || maps.versionId >= size) throw fail(`project.state.maps['${key}'] is not the maps of a version of the history`);
    }
    for (const [key, report] of Object.entries(json.state.baselines ?? {})) {
      if (key !== String(report.plan.version) || report.plan.version >= size) throw fail(`project.state.baselines['${key}'] is not the comparison of a version of the history`);
    }
  } catch (error) {
    const message = (error as Error).message;
    throw message.startsWith(`${file}:`) ? new ProjectFormatError(message) : fail(message);
  }
  return { state: projectState(json), settings: json.settings, dataset: json.dataset, savedAt: json.savedAt };
}
