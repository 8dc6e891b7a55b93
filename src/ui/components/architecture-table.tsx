/** The architecture as a table: each layer's kind, output shape, parameters and FLOPs. */
import { For } from 'solid-js';
import type { ModelInfo } from '../../session/engine-api.ts';
import { fmtFlops, fmtInt } from '../format.ts';

export function ArchitectureTable(props: { info: ModelInfo }) {
  return (
    <table class="arch" data-testid="architecture">
      <thead>
        <tr><th>layer</th><th>kind</th><th>output</th><th class="num">params</th><th class="num">FLOPs</th></tr>
      </thead>
      <tbody>
        <For each={props.info.layers}>
          {(l) => (
            <tr>
              <td>{l.name}</td><td>{l.kind}</td><td>{l.outputShape.join('×')}</td>
              <td class="num">{fmtInt(l.params)}</td><td class="num">{fmtFlops(l.flops)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
