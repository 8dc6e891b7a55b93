/** One dataset image (HWC bytes, grey or RGB) drawn pixel-exact on a small canvas, scaled up by CSS. */
import { createEffect } from 'solid-js';
import { restorations } from '../canvas-restore.ts';

export function ImageCanvas(props: { bytes: Uint8Array; height: number; width: number; channels: number; size?: number; title?: string }) {
  let canvas!: HTMLCanvasElement;
  const restored = restorations(() => canvas);
  createEffect(() => {
    void restored();
    const { height, width, channels, bytes } = props;
    const image = new ImageData(width, height);
    for (let p = 0; p < height * width; p++) {
      for (let c = 0; c < 3; c++) image.data[p * 4 + c] = bytes[p * channels + (channels === 3 ? c : 0)];
      image.data[p * 4 + 3] = 255;
    }
    canvas.getContext('2d')!.putImageData(image, 0, 0);
  });
  const size = () => props.size ?? 28;
  return <canvas ref={canvas} class="pixelated" width={props.width} height={props.height} style={{ width: `${size()}px`, height: `${size()}px` }} title={props.title} />;
}
