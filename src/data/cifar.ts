/**
 * CIFAR-10 and CIFAR-100 in their official binary form: the .tar.gz archive as one file, or the extracted
 * .bin files (all or some of them).
 *
 * A record is the label byte(s) then 3072 pixel bytes: the 1024 red values of the 32x32 image in row-major
 * order, then the 1024 green, then the 1024 blue (planar CHW). CIFAR-10 records have one label byte
 * (3073 bytes); CIFAR-100 records have the coarse then the fine label (3074 bytes) and we use the fine label.
 * We convert to NHWC: out[(y * 32 + x) * 3 + c] = record[labelBytes + c * 1024 + y * 32 + x].
 */
import { DatasetError, listSome } from './dataset-error.ts';
import { validateDataset, type ImageDataset, type ImageSplit, type NamedBytes } from './dataset.ts';
import { gunzipFile, isGzip } from './gzip.ts';
import { readTar } from './tar.ts';

export type CifarVariant = 'cifar10' | 'cifar100';

const SIDE = 32;
const PIXELS = SIDE * SIDE;
const IMAGE_BYTES = PIXELS * 3;

/** The official CIFAR-10 class names, used when batches.meta.txt is absent. */
export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The official CIFAR-100 fine class names (alphabetical, as in fine_label_names.txt), used when that file is absent. */
export const CIFAR100_CLASS_NAMES = (
  'apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly camel can castle ' +
  'caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur dolphin elephant flatfish ' +
  'forest fox girl hamster house kangaroo keyboard lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle ' +
  'mountain mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy porcupine ' +
  'possum rabbit raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel streetcar ' +
  'sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip turtle wardrobe whale ' +
  'willow_tree wolf woman worm'
).split(' ');

interface VariantInfo {
  title: string;
  labelBytes: number;
  classes: number;
  /** Training batch file names, in order. */
  trainFiles: string[];
  testFile: string;
  namesFile: string;
  officialNames: string[];
}

const VARIANTS: Record<CifarVariant, VariantInfo> = {
  cifar10: {
    title: 'CIFAR-10',
    labelBytes: 1,
    classes: 10,
    trainFiles: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
    testFile: 'test_batch.bin',
    namesFile: 'batches.meta.txt',
    officialNames: CIFAR10_CLASS_NAMES,
  },
  cifar100: {
    title: 'CIFAR-100',
    labelBytes: 2,
    classes: 100,
    trainFiles: ['train.bin'],
    testFile: 'test.bin',
    namesFile: 'fine_label_names.txt',
    officialNames: CIFAR100_CLASS_NAMES,
  },
};

/** Bytes of one record of `variant`. */
export const cifarRecordBytes = (variant: CifarVariant): number => VARIANTS[variant].labelBytes + IMAGE_BYTES;

/** The member names a CIFAR source may hold (for file pickers and directory scans). */
export const cifarMemberNames = (variant: CifarVariant): string[] => {
  const v = VARIANTS[variant];
  return [...v.trainFiles, v.testFile, v.namesFile];
};

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Checks a batch file's size and its first record's labels before it is read in full: a file that is not a
 * CIFAR batch is rejected after reading a few bytes. `prefix` is the start of the file (any length).
 */
export function checkCifarBatch(prefix: Uint8Array, totalBytes: number, file: string, variant: CifarVariant): void {
  const v = VARIANTS[variant];
  const record = cifarRecordBytes(variant);
  if (totalBytes === 0 || totalBytes % record !== 0) {
    throw new DatasetError(
      file,
      `is not a whole number of ${v.title} records: ${totalBytes} bytes is not a multiple of ${record} (truncated, or not a ${v.title} batch)`,
    );
  }
  // The labels of the records in the prefix must name existing classes (coarse labels: 20 classes).
  for (let at = 0; at + v.labelBytes <= prefix.length && at < totalBytes; at += record) {
    const label = prefix[at + v.labelBytes - 1];
    const coarse = v.labelBytes === 2 ? prefix[at] : 0;
    if (label >= v.classes || coarse >= 20) {
      throw new DatasetError(file, `is not a ${v.title} batch: record ${at / record} has label ${label}, but there are ${v.classes} classes`);
    }
  }
}

/** Decodes batch files, in order, into one NHWC split (allocated once: CIFAR-10's five batches are 150 MB). */
function readBatches(members: readonly NamedBytes[], variant: CifarVariant): ImageSplit {
  const v = VARIANTS[variant];
  const record = cifarRecordBytes(variant);
  for (const member of members) checkCifarBatch(member.bytes, member.bytes.length, member.name, variant); // every label
  const count = members.reduce((a, m) => a + m.bytes.length / record, 0);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let n = 0;
  for (const member of members) {
    for (let r = 0; r < member.bytes.length / record; r++, n++) {
      const src = member.bytes.subarray(r * record, (r + 1) * record);
      labels[n] = src[v.labelBytes - 1];
      const dst = n * IMAGE_BYTES;
      for (let p = 0; p < PIXELS; p++) {
        const o = dst + p * 3;
        images[o] = src[v.labelBytes + p];
        images[o + 1] = src[v.labelBytes + PIXELS + p];
        images[o + 2] = src[v.labelBytes + 2 * PIXELS + p];
      }
    }
  }
  return { images, labels, count };
}

/** Class names from a names file: one per line, blank lines ignored. */
function readClassNames(member: NamedBytes, v: VariantInfo): string[] {
  const names = new TextDecoder()
    .decode(member.bytes)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== v.classes) {
    throw new DatasetError(member.name, `lists ${names.length} class names; ${v.title} has ${v.classes}`);
  }
  return names;
}

/**
 * Builds a CIFAR dataset from the files of an archive or folder (`source` names it in messages). Files are
 * recognised by their official names, anywhere in the tree; other files are ignored. Any non-empty subset of
 * the training batches loads, and a note says which.
 */
export function loadCifarFiles(files: readonly NamedBytes[], variant: CifarVariant, source: string): ImageDataset {
  const v = VARIANTS[variant];
  const byName = new Map<string, NamedBytes>();
  for (const file of files) {
    const name = baseName(file.name);
    if (![...v.trainFiles, v.testFile, v.namesFile].includes(name)) continue;
    const previous = byName.get(name);
    if (previous) throw new DatasetError(source, `holds ${name} twice (${previous.name} and ${file.name})`);
    byName.set(name, file);
  }
  const trainMembers = v.trainFiles.filter((name) => byName.has(name));
  if (trainMembers.length === 0) {
    const other = VARIANTS[variant === 'cifar10' ? 'cifar100' : 'cifar10'];
    const looksLikeOther = files.some((f) => other.trainFiles.includes(baseName(f.name)));
    const found = files.map((f) => f.name);
    throw new DatasetError(
      source,
      `holds no ${v.title} training batch (expected ${listSome(v.trainFiles, 5)}); ` +
        (found.length ? `found ${listSome(found, 4)}` : 'it holds no files') +
        (looksLikeOther ? `. These look like ${other.title} files: use the ${variant === 'cifar10' ? 'cifar100' : 'cifar10'}: spec` : ''),
    );
  }
  const notes: string[] = [];
  if (trainMembers.length < v.trainFiles.length) {
    notes.push(`loaded ${trainMembers.length} of ${v.trainFiles.length} ${v.title} training batches: ${trainMembers.join(', ')}`);
  }
  const train = readBatches(trainMembers.map((name) => byName.get(name)!), variant);
  const testMember = byName.get(v.testFile);
  if (!testMember) notes.push(`no ${v.testFile}: a test split is carved from the training images`);
  const test = testMember ? readBatches([testMember], variant) : null;
  const namesMember = byName.get(v.namesFile);
  if (!namesMember) notes.push(`no ${v.namesFile}: using the official ${v.title} class names`);
  const classNames = namesMember ? readClassNames(namesMember, v) : v.officialNames;
  return validateDataset({ name: variant, height: SIDE, width: SIDE, channels: 3, classNames, train, test, notes });
}

/** Loads a CIFAR archive (.tar or .tar.gz, detected by content). */
export function loadCifarArchive(archive: NamedBytes, variant: CifarVariant): ImageDataset {
  const tar = isGzip(archive.bytes) ? gunzipFile(archive.bytes, archive.name) : archive.bytes;
  const members = readTar(tar, archive.name).map((e) => ({ name: `${archive.name}:${e.name}`, bytes: e.data }));
  return loadCifarFiles(members, variant, archive.name);
}
