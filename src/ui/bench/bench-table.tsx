/**
 * The bench's rows, with the CLI's columns: case, shape, our figure and unit, our ms, our share of the adapter's
 * peak, the peer, its figure and ms, and the ratio peer ms / our ms (> 1: ours is faster).
 */
import { For } from 'solid-js';
import type { BenchRow } from '../../session/bench-api.ts';
import { bench } from './bench-store.ts';

const fixed = (x: number | undefined, digits: number) => (x === undefined ? '–' : x.toFixed(digits));
const percent = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
const ratioClass = (r: BenchRow) => (r.ratio === undefined ? '' : r.ratio >= 1 ? 'ratio-better' : 'ratio-worse');

export function BenchTable() {
  return (
    <table class="bench-table" data-testid="bench-table">
      <thead>
        <tr>
          <th>case</th><th>shape</th><th class="num">ours</th><th>unit</th><th class="num">ms</th><th class="num">peak</th>
          <th>peer</th><th class="num">peer</th><th class="num">ms</th><th class="num">ratio</th>
        </tr>
      </thead>
      <tbody>
        <For each={bench.rows}>
          {(r) => (
            <tr data-testid="bench-row">
              <td data-testid="bench-case">{r.name}</td>
              <td data-testid="bench-shape">{r.shape}</td>
              <td class="num" data-testid="bench-ours">{fixed(r.ours, 2)}</td>
              <td>{r.unit}</td>
              <td class="num" title={r.gpuMs === undefined ? 'wall clock, submit to queue idle' : `GPU time from timestamp queries: ${r.gpuMs} ms`}>{fixed(r.oursMs, 1)}</td>
              <td class="num" title="share of the adapter's measured ceiling">{percent(r.peakShare)}</td>
              <td data-testid="bench-peer-name">{r.peerName ?? '–'}</td>
              <td class="num" data-testid="bench-peer">{fixed(r.peer, 2)}</td>
              <td class="num">{fixed(r.peerMs, 1)}</td>
              <td class={`num ${ratioClass(r)}`} data-testid="bench-ratio">{fixed(r.ratio, 2)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
