/**
 * The rows of the kernel statistics table and their sort: one row per kernel of the layer, each column a
 * number (or a class name) from the analysis's per-kernel statistics; missing values sort last either way.
 */
import type { KernelStats, LayerMaps } from '../session/engine-api.ts';

export type KernelColumn = 'kernel' | 'occurrence' | 'strongestClass' | 'selectivity' | 'nearest' | 'distance' | 'ablationImpact';

export const KERNEL_COLUMNS: { key: KernelColumn; label: string; numeric: boolean }[] = [
  { key: 'kernel', label: 'kernel', numeric: true },
  { key: 'occurrence', label: 'occurrence', numeric: true },
  { key: 'strongestClass', label: 'strongest class', numeric: false },
  { key: 'selectivity', label: 'selectivity', numeric: true },
  { key: 'nearest', label: 'nearest kernel', numeric: true },
  { key: 'distance', label: 'ODM distance', numeric: true },
  { key: 'ablationImpact', label: 'ablation impact (pts)', numeric: true },
];

/** The value a column sorts by (null when unknown: not run, no other kernel, NaN). */
export function sortValue(s: KernelStats, key: KernelColumn, classNames: readonly string[]): number | string | null {
  if (key === 'strongestClass') return classNames[s.strongestClass] ?? null;
  const v = s[key];
  return v === null || Number.isNaN(v) ? null : v;
}

/** Kernels ordered by `key`, ascending or descending; unknown values last, ties by kernel index. */
export function sortKernels(maps: Pick<LayerMaps, 'stats' | 'classNames'>, key: KernelColumn, descending: boolean): KernelStats[] {
  const sign = descending ? -1 : 1;
  return [...maps.stats].sort((a, b) => {
    const va = sortValue(a, key, maps.classNames);
    const vb = sortValue(b, key, maps.classNames);
    if (va === null || vb === null) return va === vb ? a.kernel - b.kernel : va === null ? 1 : -1;
    const order = typeof va === 'string' ? va.localeCompare(String(vb), 'en', { numeric: true }) : va - (vb as number);
    return sign * order || a.kernel - b.kernel;
  });
}

/** A column's cell text. */
export function cellText(s: KernelStats, key: KernelColumn, classNames: readonly string[]): string {
  const v = sortValue(s, key, classNames);
  if (v === null) return key === 'ablationImpact' ? 'not run' : '—';
  if (key === 'kernel' || key === 'nearest') return `k${v}`;
  if (key === 'ablationImpact') return ((v as number) * 100).toFixed(2);
  return typeof v === 'number' ? v.toFixed(3) : v;
}
