/** One kernel in detail: its statistics, its weights (input channel 0 .. n), and its map for every class. */
import { For, Show, createEffect, createResource } from 'solid-js';
import type { LayerMaps } from '../../session/engine-api.ts';
import { analysis } from '../stores/analysis-store.ts';
import { engine } from '../engine-client.ts';
import { paintMap } from '../../render/colormap.ts';
import { dataset } from '../stores/dataset-store.ts';
import { ImageCanvas } from './image-canvas.tsx';
import { restorations } from '../canvas-restore.ts';

const fmt = (v: number | null) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(3));

function MapTile(props: { values: Float32Array; height: number; width: number; kind: 'aom' | 'csm'; title: string; size: number }) {
  let canvas!: HTMLCanvasElement;
  const restored = restorations(() => canvas);
  // After mount (width/height applied: setting them later would clear the pixels) and whenever the values change.
  createEffect(() => {
    void restored();
    const image = new ImageData(props.width, props.height);
    paintMap(props.kind, props.values, image.data);
    canvas.getContext('2d')!.putImageData(image, 0, 0);
  });
  return <canvas ref={canvas} width={props.width} height={props.height} class="pixelated" style={{ width: `${props.size}px`, height: `${props.size}px` }} title={props.title} />;
}

export function KernelDetail(props: { maps: LayerMaps }) {
  const stats = () => (analysis.detail === null ? null : props.maps.stats[analysis.detail]);
  const [weights] = createResource(
    () => (analysis.detail === null ? null : { layer: props.maps.layer, kernel: analysis.detail, version: props.maps.versionId }),
    async (key) => {
      const w = await engine.kernelWeights(key.version, key.layer, key.kernel);
      // HWI values of one output kernel, scaled by the largest magnitude so the diverging table spans them.
      const scale = w.values.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-12);
      const channel = (i: number) => Float32Array.from({ length: w.kh * w.kw }, (_, p) => w.values[p * w.cin + i] / scale);
      return { ...w, channel };
    },
  );
  const [top] = createResource(
    () => (analysis.detail === null ? null : { layer: props.maps.layer, kernel: analysis.detail, version: props.maps.versionId, perClass: analysis.perClass }),
    // Errors become a message in place (a resource that throws would need an error boundary around the panel).
    (key) =>
      engine.topImages(key.version, key.layer, key.kernel, Math.min(key.perClass, 20)).then(
        (images) => ({ images, error: '' }),
        (error: Error) => ({ images: [], error: `top images: ${error.message}` }),
      ),
  );
  const shape = () => dataset.info?.summary.imageShape ?? [28, 28, 1];
  const classMap = (k: number, c: number) => {
    const hw = props.maps.height * props.maps.width;
    const values = analysis.kind === 'csm' ? props.maps.csm : props.maps.aom;
    return values.subarray((k * props.maps.classes + c) * hw, (k * props.maps.classes + c + 1) * hw);
  };
  return (
    <div class="kernel-detail" data-testid="kernel-detail">
      <Show when={stats()} fallback={<p class="hint">Click a kernel's row to see its detail.</p>}>
        {(s) => (
          <>
            <h3>kernel {s().kernel} of {props.maps.layer}</h3>
            <p class="stats">
              occurrence {fmt(s().occurrence)} · strongest class {props.maps.classNames[s().strongestClass] ?? '—'} (selectivity {fmt(s().selectivity)}) ·
              nearest k{s().nearest ?? '—'} (ODM {fmt(s().distance)}) · ablation impact {s().ablationImpact === null ? 'not run' : `${(s().ablationImpact! * 100).toFixed(2)} pts`}
            </p>
            <div class="tiles">
              <For each={props.maps.classNames}>
                {(name, c) => (
                  <figure>
                    <MapTile values={classMap(s().kernel, c())} height={props.maps.height} width={props.maps.width} kind={analysis.kind} title={name} size={44} />
                    <figcaption>{name}</figcaption>
                  </figure>
                )}
              </For>
            </div>
            <div class="tiles" data-testid="top-images">
              <span class="hint">top images:</span>
              <Show when={!top.loading} fallback={<span class="hint">finding the images that excite it most…</span>}>
                <Show when={top()?.error}><span class="error">{top()?.error}</span></Show>
                <For each={top()?.images ?? []}>
                  {(t) => (
                    <figure>
                      <ImageCanvas bytes={t.image} height={shape()[0]} width={shape()[1]} channels={shape()[2]} size={36} title={`image ${t.index}, mean activation ${t.score.toFixed(3)}`} />
                      <figcaption>{props.maps.classNames[t.label]}</figcaption>
                    </figure>
                  )}
                </For>
              </Show>
            </div>
            <Show when={weights()}>
              {(w) => (
                <div class="tiles">
                  <span class="hint">weights ({w().kh}×{w().kw}, {w().cin} input channel{w().cin > 1 ? 's' : ''}; blue −, red +)</span>
                  <For each={[...Array(Math.min(w().cin, 16)).keys()]}>
                    {(i) => <MapTile values={w().channel(i)} height={w().kh} width={w().kw} kind="csm" title={`input channel ${i}`} size={30} />}
                  </For>
                </div>
              )}
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
