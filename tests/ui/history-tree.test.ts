import { describe, expect, it } from 'vitest';
import { treeRows } from '../../src/ui/history-tree.ts';

describe('treeRows', () => {
  it('lists versions depth first with the connectors of a text tree', () => {
    // 0 -> 1 -> 2, 1 -> 4, 0 -> 3 -> 5
    const versions = [
      { id: 0, parent: null }, { id: 1, parent: 0 }, { id: 2, parent: 1 }, { id: 3, parent: 0 }, { id: 4, parent: 1 }, { id: 5, parent: 3 },
    ];
    const rows = treeRows(versions);
    expect(rows.map((r) => `${r.prefix}v${r.id}`)).toEqual([
      'v0',
      '├─ v1',
      '│  ├─ v2',
      '│  └─ v4',
      '└─ v3',
      '   └─ v5',
    ]);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 2, 2, 1, 2]);
  });

  it('draws a straight line for a history without branches, and keeps several roots', () => {
    expect(treeRows([{ id: 0, parent: null }, { id: 1, parent: 0 }, { id: 2, parent: 1 }]).map((r) => r.prefix)).toEqual(['', '└─ ', '   └─ ']);
    expect(treeRows([{ id: 0, parent: null }, { id: 1, parent: null }]).map((r) => r.id)).toEqual([0, 1]);
  });
});
