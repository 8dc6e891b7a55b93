/**
 * Edits written as short strings, the form the CLI takes (layer names cannot contain ':', see shapes.ts):
 *   drop:    `conv1:3,7` or `conv1:0-3,9`           kernels 3 and 7; 0, 1, 2, 3 and 9
 *   widen:   `conv2:+8`, `conv2:+8:fresh`          8 more kernels, net2net (default) or fresh
 *   insert:  `conv2`, `conv2:5x5`, `conv2:3x3:48`  kernel size (default 3x3; `5` means 5x5) and width
 * Problems throw EditTextError, whose message quotes the text and says what is wrong with it.
 */
import type { DropEdit, InsertEdit, WidenEdit } from './edits.ts';

export class EditTextError extends Error {
  override name = 'EditTextError';
}

function fail(option: string, text: string, problem: string): never {
  throw new EditTextError(`${option} '${text}': ${problem}`);
}

const INTEGER = /^\d+$/;

function layerPart(option: string, text: string, form: string): string[] {
  const parts = text.split(':');
  if (parts[0] === '') fail(option, text, `missing the layer name (expected ${form})`);
  return parts;
}

/** `layer:k,k,a-b` to a drop edit. */
export function parseDropText(text: string, option = '--drop'): DropEdit {
  const form = 'LAYER:K,K,… e.g. conv1:3,7 or conv1:0-3';
  const parts = layerPart(option, text, form);
  if (parts.length !== 2 || parts[1] === '') fail(option, text, `expected ${form}`);
  const kernels: number[] = [];
  for (const item of parts[1].split(',')) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) fail(option, text, `range '${item}' goes backwards`);
      for (let k = from; k <= to; k++) kernels.push(k);
    } else if (INTEGER.test(item)) {
      kernels.push(Number(item));
    } else {
      fail(option, text, `kernel '${item}' is not a kernel index (a non-negative integer) or a range a-b`);
    }
  }
  return { kind: 'drop', layer: parts[0], kernels };
}

/** `layer:+n[:net2net|fresh]` to a widen edit (noise and seed come from their own options). */
export function parseWidenText(text: string, extra: { noise?: number; seed?: number } = {}, option = '--widen'): WidenEdit {
  const form = 'LAYER:+N[:net2net|fresh] e.g. conv2:+8';
  const parts = layerPart(option, text, form);
  if (parts.length < 2 || parts.length > 3) fail(option, text, `expected ${form}`);
  const count = parts[1].replace(/^\+/, '');
  if (!INTEGER.test(count) || Number(count) < 1) fail(option, text, `'${parts[1]}' is not a number of new kernels (a positive integer, e.g. +8)`);
  const mode = parts[2] ?? 'net2net';
  if (mode !== 'net2net' && mode !== 'fresh') fail(option, text, `mode '${mode}' is neither 'net2net' nor 'fresh'`);
  const edit: WidenEdit = { kind: 'widen', layer: parts[0], by: Number(count), mode };
  if (extra.noise) edit.noise = extra.noise;
  if (extra.seed !== undefined) edit.seed = extra.seed;
  return edit;
}

/** `layer[:KxK[:width]]` to an insert edit. */
export function parseInsertText(text: string, extra: { seed?: number } = {}, option = '--insert-after'): InsertEdit {
  const form = 'LAYER[:KxK[:WIDTH]] e.g. conv2:3x3:32';
  const parts = layerPart(option, text, form);
  if (parts.length > 3) fail(option, text, `expected ${form}`);
  const edit: InsertEdit = { kind: 'insert', after: parts[0] };
  if (parts[1] !== undefined) {
    const size = /^(\d+)(?:x(\d+))?$/.exec(parts[1]);
    if (!size || Number(size[1]) < 1 || Number(size[2] ?? size[1]) < 1) fail(option, text, `kernel size '${parts[1]}' is not KxK with positive integers (e.g. 3x3)`);
    edit.kernelSize = [Number(size[1]), Number(size[2] ?? size[1])];
  }
  if (parts[2] !== undefined) {
    if (!INTEGER.test(parts[2]) || Number(parts[2]) < 1) fail(option, text, `width '${parts[2]}' is not a positive integer`);
    edit.width = Number(parts[2]);
  }
  if (extra.seed !== undefined) edit.seed = extra.seed;
  return edit;
}
