/** The short name of a version in the history tree and the charts: "v3 drop conv1 k2", "v4 retrain", "v0 pre-trained mnist-ref". */
import { formatKernelList, type Edit } from '../surgery/edits.ts';
import type { Version } from '../surgery/history.ts';

/** The edit in a few words: "drop conv1 k2, 7", "widen conv2 +4", "insert after conv1". */
export function shortEdit(edit: Edit): string {
  switch (edit.kind) {
    case 'drop':
      return `drop ${edit.layer} k${formatKernelList(edit.kernels)}`;
    case 'widen':
      return `widen ${edit.layer} +${edit.by}`;
    case 'insert':
      return `insert after ${edit.after}`;
  }
}

/**
 * A retrained copy (no edit, a note that says it was retrained) is "retrain"; a root, an import or a new model keeps
 * its note (an imported copy of the same architecture is not a retrain).
 */
export function versionLabel(version: Version, parent: Version | null): string {
  if (version.edit) return `v${version.id} ${shortEdit(version.edit)}`;
  if (parent && version.note.startsWith('retrained') && sameArchitecture(version, parent)) return `v${version.id} retrain`;
  return `v${version.id} ${version.note}`;
}

export const sameArchitecture = (a: Version, b: Version): boolean => JSON.stringify(a.model.spec.layers) === JSON.stringify(b.model.spec.layers);
