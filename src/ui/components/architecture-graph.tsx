/**
 * The architecture as a graph, the way Netron draws a chain: one box per layer, top to bottom, with its kind,
 * name and parameters; each edge carries the tensor shape that flows along it. The edit under way is marked
 * (dropped kernels red, added kernels or an inserted layer green); a conv layer is clicked (or Enter) to choose
 * it for the maps, and the chosen one is outlined.
 */
import { For, Show, createMemo } from 'solid-js';
import type { ModelInfo } from '../../session/engine-api.ts';
import { analysis } from '../stores/analysis-store.ts';
import { chooseLayer } from '../actions.ts';
import { editMarks } from '../edit-highlight.ts';
import { fmtFlops, fmtInt } from '../format.ts';

const BOX = { width: 250, height: 36, gap: 24, x: 8 } as const;
const STEP = BOX.height + BOX.gap;
const shape = (s: readonly number[]) => s.join('×');

export function ArchitectureGraph(props: { info: ModelInfo }) {
  const marks = createMemo(() => editMarks(props.info));
  const height = () => (props.info.layers.length + 1) * STEP - BOX.gap + 4;
  const pick = (name: string) => void chooseLayer(name);
  return (
    <svg class="arch-graph" data-testid="architecture-graph" width={BOX.width + 2 * BOX.x} height={height()} role="list" aria-label="architecture">
      <g class="arch-node input" transform={`translate(${BOX.x}, 2)`}>
        <rect width={BOX.width} height={BOX.height} rx="6" />
        <text x="10" y="15" class="arch-kind">input</text>
        <text x="10" y="29" class="arch-detail">{shape(props.info.inputShape)}</text>
      </g>
      <For each={props.info.layers}>
        {(layer, i) => {
          const y = () => 2 + (i() + 1) * STEP;
          const mark = () => marks().get(layer.name);
          const conv = layer.kernels !== null;
          const detail = () =>
            [conv ? `${layer.kernels} kernels` : '', layer.params ? `${fmtInt(layer.params)} params` : '', layer.flops ? `${fmtFlops(layer.flops)}FLOPs` : '']
              .filter(Boolean).join(' · ') || 'no weights';
          return (
            <g role="listitem">
              <line class="arch-edge" x1={BOX.x + BOX.width / 2} y1={y() - BOX.gap} x2={BOX.x + BOX.width / 2} y2={y()} />
              <text class="arch-shape" x={BOX.x + BOX.width / 2 + 8} y={y() - BOX.gap / 2 + 4}>
                {shape(i() === 0 ? props.info.inputShape : props.info.layers[i() - 1].outputShape)}
              </text>
              <g
                class={`arch-node kind-${layer.kind}`}
                classList={{ conv, chosen: conv && analysis.layer === layer.name, [mark()?.kind ?? 'unmarked']: true }}
                transform={`translate(${BOX.x}, ${y()})`}
                data-testid={`arch-node-${layer.name}`}
                data-mark={mark()?.kind ?? ''}
                tabindex={conv ? 0 : undefined}
                role={conv ? 'button' : undefined}
                aria-label={conv ? `${layer.name}: choose for the maps` : undefined}
                onClick={() => conv && pick(layer.name)}
                onKeyDown={(e) => conv && (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), pick(layer.name))}
              >
                <title>{`${layer.kind} ${layer.name} → ${shape(layer.outputShape)}${conv ? ' (click: maps of this layer)' : ''}`}</title>
                <rect width={BOX.width} height={BOX.height} rx="6" />
                <text x="10" y="15" class="arch-kind">{layer.kind} <tspan class="arch-name">{layer.name}</tspan></text>
                <text x="10" y="29" class="arch-detail">{detail()}</text>
                <Show when={mark()}>{(m) => <text x={BOX.width - 8} y="15" text-anchor="end" class={`arch-mark ${m().kind}`} data-testid="arch-mark">{m().text}</text>}</Show>
              </g>
            </g>
          );
        }}
      </For>
    </svg>
  );
}
