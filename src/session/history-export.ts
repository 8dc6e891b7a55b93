/**
 * The history as data files: one row per version (id, parent, what made it, the suggestion rule, parameters,
 * FLOPs, conv kernels, validation and test accuracy), as CSV (RFC 4180 quoting) and as JSON.
 */
import { describeEdit } from '../surgery/edits.ts';
import type { ModelHistory } from '../surgery/history.ts';

export interface HistoryRow {
  version: number;
  parent: number | null;
  note: string;
  edit: string | null;
  suggestion: string | null;
  params: number;
  flops: number;
  convKernels: number;
  validationAccuracy: number | null;
  testAccuracy: number | null;
  testCount: number | null;
  createdAt: string;
}

export function historyRows(history: ModelHistory): HistoryRow[] {
  return history.versions().map((v) => {
    const suggestion = Array.isArray(v.suggestion) ? v.suggestion[0] : v.suggestion;
    return {
      version: v.id, parent: v.parent, note: v.note, edit: v.edit ? describeEdit(v.edit) : null,
      suggestion: (suggestion as { rule?: string } | null)?.rule ?? null,
      params: v.metrics.params, flops: v.metrics.flops,
      convKernels: v.model.spec.layers.reduce((n, l) => n + (l.kind === 'conv2d' ? l.filters : 0), 0),
      validationAccuracy: v.metrics.validationAccuracy ?? null, testAccuracy: v.metrics.accuracy ?? null, testCount: v.metrics.testCount ?? null,
      createdAt: v.createdAt,
    };
  });
}

const COLUMNS: (keyof HistoryRow)[] = ['version', 'parent', 'note', 'edit', 'suggestion', 'params', 'flops', 'convKernels', 'validationAccuracy', 'testAccuracy', 'testCount', 'createdAt'];

/** A CSV cell: quoted when it holds a comma, quote or line break (quotes doubled); empty for null. */
const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function historyCsv(history: ModelHistory): string {
  return [COLUMNS.join(','), ...historyRows(history).map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

export function historyJson(history: ModelHistory): string {
  return `${JSON.stringify({ current: history.current, versions: historyRows(history) }, null, 2)}\n`;
}
