/** The colour scale of the maps, drawn from the same table the WebGPU shader uses. */
import { createEffect } from 'solid-js';
import { colourTable } from '../../render/colormap.ts';
import { restorations } from '../canvas-restore.ts';
import type { MapKind } from '../../session/engine-api.ts';

export function ColourLegend(props: { kind: MapKind }) {
  let canvas!: HTMLCanvasElement;
  const restored = restorations(() => canvas);
  createEffect(() => {
    void restored();
    const table = colourTable(props.kind);
    const g = canvas.getContext('2d')!;
    const image = new ImageData(256, 1);
    for (let i = 0; i < 256 * 4; i++) image.data[i] = Math.round(table[i] * 255);
    g.putImageData(image, 0, 0);
  });
  const ticks = () => (props.kind === 'aom' ? ['0', '0.5', '1'] : ['−1', '0', '+1']);
  return (
    <div class="legend" data-testid="legend">
      <span class="legend-title">{props.kind === 'aom' ? 'AOM: share of the class\'s images firing here' : 'CSM: fires for this class more (+) or less (−) than for others'}</span>
      <canvas ref={canvas} width={256} height={1} class="legend-bar" />
      <div class="legend-ticks">
        {ticks().map((t) => <span>{t}</span>)}
      </div>
    </div>
  );
}
