/**
 * The history's versions as a tree drawn in text, the way `tree` and `git log --graph` do: rows in depth-first
 * order (children in creation order), each with the connectors that lead to it. A child's connector is "├─ "
 * when a later sibling follows, else "└─ "; each ancestor level below the root adds "│  " while that ancestor
 * still has later siblings (its rail continues past this row), else three spaces.
 */
export interface TreeRow {
  id: number;
  /** Connectors before the label ('' for a root). */
  prefix: string;
  depth: number;
}

export function treeRows(versions: readonly { id: number; parent: number | null }[]): TreeRow[] {
  const children = new Map<number | null, number[]>();
  for (const v of versions) {
    const list = children.get(v.parent) ?? [];
    list.push(v.id);
    children.set(v.parent, list);
  }
  const rows: TreeRow[] = [];
  // rails[d] says whether the ancestor at depth d + 1 has later siblings (so its rail passes this row).
  const visit = (id: number, depth: number, rails: boolean[], last: boolean) => {
    const prefix = depth === 0 ? '' : rails.map((open) => (open ? '│  ' : '   ')).join('') + (last ? '└─ ' : '├─ ');
    rows.push({ id, prefix, depth });
    const kids = children.get(id) ?? [];
    kids.forEach((kid, i) => visit(kid, depth + 1, depth === 0 ? [] : [...rails, !last], i === kids.length - 1));
  };
  const roots = children.get(null) ?? [];
  roots.forEach((root) => visit(root, 0, [], true));
  return rows;
}
