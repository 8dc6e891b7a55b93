/**
 * What the architecture graph highlights: the edit under way (ModelInfo.editUnderWay) as a mark on the layer
 * it changed: kernels dropped, kernels added, or the layer inserted.
 */
import type { LayerRow, ModelInfo } from '../session/engine-api.ts';

export interface LayerMark {
  kind: 'dropped' | 'added' | 'inserted';
  text: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Layer name -> its mark, for the current version's layers. */
export function editMarks(info: ModelInfo): Map<string, LayerMark> {
  const marks = new Map<string, LayerMark>();
  const under = info.editUnderWay;
  if (!under) return marks;
  const { edit, version } = under;
  if (edit.kind === 'drop') {
    const kernels = [...new Set(edit.kernels)].sort((a, b) => a - b);
    const which = kernels.length <= 2 ? ` (k${kernels.join(', k')})` : ''; // a longer list would not fit in the box
    marks.set(edit.layer, { kind: 'dropped', text: `v${version}: −${plural(kernels.length, 'kernel')}${which}` });
  } else if (edit.kind === 'widen') {
    marks.set(edit.layer, { kind: 'added', text: `v${version}: +${plural(edit.by, 'kernel')}` });
  } else {
    // The inserted conv sits right after `after` (insert-layer.ts names it `<after>_deep`, made unique, unless named).
    const at = info.layers.findIndex((l) => l.name === edit.after);
    const inserted: LayerRow | undefined = info.layers
      .slice(at + 1)
      .find((l) => l.kernels !== null && (edit.name ? l.name === edit.name : l.name.startsWith(`${edit.after}_deep`)));
    if (inserted) marks.set(inserted.name, { kind: 'inserted', text: `v${version}: inserted after ${edit.after}` });
  }
  return marks;
}
