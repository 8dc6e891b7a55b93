/**
 * Bilinear resizing of one HWC u8 image, used when an image-folder dataset is given an explicit size.
 *
 * Sampling uses half-pixel centres (as TF2's tf.image.resize and OpenCV's INTER_LINEAR): output pixel
 * (oy, ox) reads source position sy = (oy + 0.5) * inH / outH - 0.5 (likewise x), clamped to the image, and
 * blends the four neighbours floor(sy)..floor(sy)+1. Results are rounded to the nearest integer. There is no
 * anti-aliasing: shrinking by more than 2x skips pixels, so shrink large photos beforehand if that matters.
 */
export function resizeBilinear(
  src: Uint8Array,
  inH: number,
  inW: number,
  channels: number,
  outH: number,
  outW: number,
): Uint8Array {
  const out = new Uint8Array(outH * outW * channels);
  if (inH === outH && inW === outW) {
    out.set(src);
    return out;
  }
  for (let oy = 0; oy < outH; oy++) {
    const sy = Math.min(Math.max(((oy + 0.5) * inH) / outH - 0.5, 0), inH - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, inH - 1);
    const wy = sy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const sx = Math.min(Math.max(((ox + 0.5) * inW) / outW - 0.5, 0), inW - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, inW - 1);
      const wx = sx - x0;
      for (let c = 0; c < channels; c++) {
        const at = (y: number, x: number) => src[(y * inW + x) * channels + c];
        const top = at(y0, x0) * (1 - wx) + at(y0, x1) * wx;
        const bottom = at(y1, x0) * (1 - wx) + at(y1, x1) * wx;
        out[(oy * outW + ox) * channels + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}
