/**
 * Before/after maps of the same kernels, side by side: for a conv layer both compared versions have maps of,
 * each kernel's AOM (one class, or the mean over classes) in version a above its map in version b; dropped
 * kernels marked red (×: gone in b), added ones green (+: new in b). Drawn on a small 2D canvas.
 */
import { For, Show, createEffect, createMemo, createResource, createSignal, onCleanup, onMount } from 'solid-js';
import type { LayerMaps, VersionComparisonInfo } from '../../session/engine-api.ts';
import { engine } from '../engine-client.ts';
import { analysis } from '../stores/analysis-store.ts';
import { STRIP, drawKernelStrips, slotsPerLine, stripSlots } from '../kernel-strips-draw.ts';

interface MapPair {
  layer: string;
  a: LayerMaps;
  b: LayerMaps;
}

const list = (ks: number[]) => ks.map((k) => `k${k}`).join(', ');

export function KernelStrips(props: { comparison: VersionComparisonInfo }) {
  let canvas!: HTMLCanvasElement;
  const [width, setWidth] = createSignal(600);
  const [classIndex, setClassIndex] = createSignal(-1);
  const [chosenLayer, setChosenLayer] = createSignal<string | null>(null);
  // Refetched when the compared versions change, or when new maps arrive (the user computed some just now).
  const source = () => ({ a: props.comparison.a, b: props.comparison.b, layers: props.comparison.kernels.map((k) => k.layer), fresh: analysis.maps?.seconds ?? 0 });
  const [pairs] = createResource(source, async ({ a, b, layers }): Promise<MapPair[]> => {
    const found = await Promise.all(layers.map(async (layer) => ({ layer, a: await engine.cachedMaps(layer, a), b: await engine.cachedMaps(layer, b) })));
    return found.filter((p): p is MapPair => p.a !== null && p.b !== null);
  });
  const pair = createMemo(() => {
    const all = pairs() ?? [];
    return all.find((p) => p.layer === chosenLayer()) ?? all.find((p) => p.layer === analysis.layer) ?? all[0] ?? null;
  });
  const correspondence = () => props.comparison.kernels.find((k) => k.layer === pair()?.layer) ?? null;
  const slots = createMemo(() => (correspondence() ? stripSlots(correspondence()!) : []));
  onMount(() => {
    const observer = new ResizeObserver(() => setWidth(canvas.parentElement!.clientWidth));
    observer.observe(canvas.parentElement!);
    onCleanup(() => observer.disconnect());
  });
  createEffect(() => {
    const p = pair();
    if (!p) return;
    const perLine = slotsPerLine(width());
    const lines = Math.ceil(slots().length / perLine);
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${width()}px`;
    canvas.style.height = `${lines * STRIP.line}px`;
    canvas.width = Math.round(width() * dpr);
    canvas.height = Math.round(lines * STRIP.line * dpr);
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawKernelStrips(ctx, slots(), p.a, p.b, classIndex(), perLine, [`v${props.comparison.a}`, `v${props.comparison.b}`]);
  });
  return (
    <div class="kernel-strips" data-testid="kernel-strips-panel">
      <Show when={pair()} fallback={<p class="hint" data-testid="kernel-strips-missing">Before/after maps: compute the maps of one conv layer in both v{props.comparison.a} and v{props.comparison.b}.</p>}>
        {(p) => (
          <div class="toolbar">
            <strong>AOM before/after</strong>
            <select data-testid="strips-layer" value={p().layer} onChange={(e) => setChosenLayer(e.currentTarget.value)}>
              <For each={pairs() ?? []}>{(q) => <option value={q.layer}>{q.layer}</option>}</For>
            </select>
            <select data-testid="strips-class" onChange={(e) => setClassIndex(Number(e.currentTarget.value))}>
              <option value={-1}>mean of classes</option>
              <For each={p().a.classNames}>{(name, i) => <option value={i()}>class {name}</option>}</For>
            </select>
            <span class="hint" data-testid="kernel-strips">
              {p().layer}: {correspondence()!.pairs.length} kernels in both
              {correspondence()!.onlyInA.length ? `, dropped ${list(correspondence()!.onlyInA)}` : ''}
              {correspondence()!.onlyInB.length ? `, added ${list(correspondence()!.onlyInB)}` : ''}
            </span>
          </div>
        )}
      </Show>
      <div class="strips-host"><canvas ref={canvas} data-testid="kernel-strips-canvas" classList={{ hidden: !pair() }} /></div>
    </div>
  );
}
