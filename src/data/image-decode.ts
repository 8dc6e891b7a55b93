/**
 * PNG and JPEG decoding for image-folder datasets, with fast-png and jpeg-js: pure JavaScript decoders that
 * run unchanged in the page and in Node, so a folder loads to the same bytes in both (browser decoders may
 * differ in JPEG rounding or colour management).
 *
 * Every image becomes 8-bit grey (1 channel) or RGB (3 channels): 16-bit samples are scaled to 8 bits
 * (round(v / 257)), palettes are expanded, low bit depths are scaled to 0..255, alpha is dropped (not
 * composited), and a colour image whose pixels all have R = G = B counts as grey.
 */
import { decode as decodePng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { DatasetError } from './dataset-error.ts';
import type { NamedBytes } from './dataset.ts';

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB). */
  channels: 1 | 3;
  /** HWC bytes. */
  data: Uint8Array;
  /** The file had an alpha channel (or a transparent palette), which was dropped. */
  hadAlpha: boolean;
}

export type ImageKind = 'png' | 'jpeg';

/** The image format by magic number (PNG: 89 50 4E 47 0D 0A 1A 0A; JPEG: FF D8 FF), or null. */
export function imageKind(bytes: Uint8Array): ImageKind | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Decodes a PNG or JPEG file to grey or RGB bytes; throws a DatasetError naming the file. */
export function decodeImage(file: NamedBytes): DecodedImage {
  const kind = imageKind(file.bytes);
  if (!kind) throw new DatasetError(file.name, 'is neither a PNG nor a JPEG image (wrong magic number)');
  try {
    return kind === 'png' ? fromPng(file.bytes) : fromJpeg(file.bytes);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(file.name, `is not a valid ${kind.toUpperCase()} image (${(error as Error).message})`);
  }
}

/** Reduces `channels` interleaved samples per pixel (colour first, alpha optional) to grey or RGB. */
function toGreyOrRgb(width: number, height: number, samples: ArrayLike<number>, channels: number, scale: (v: number) => number, hadAlpha: boolean): DecodedImage {
  const pixels = width * height;
  const colour = channels >= 3;
  let grey = true;
  if (colour) {
    for (let p = 0; p < pixels && grey; p++) {
      const o = p * channels;
      grey = samples[o] === samples[o + 1] && samples[o] === samples[o + 2];
    }
  }
  const out = new Uint8Array(pixels * (grey ? 1 : 3));
  if (grey) {
    for (let p = 0; p < pixels; p++) out[p] = scale(samples[p * channels]);
  } else {
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) out[p * 3 + c] = scale(samples[p * channels + c]);
    }
  }
  return { width, height, channels: grey ? 1 : 3, data: out, hadAlpha };
}

function fromPng(bytes: Uint8Array): DecodedImage {
  const png = decodePng(bytes);
  const { width, height } = png;
  if (png.palette) {
    // Expand palette indices (any bit depth) to the palette's colours, then treat as RGB(A).
    const entry = png.palette[0]?.length ?? 3;
    const colours = expandPalette(png.data as Uint8Array, width, height, png.depth, png.palette);
    return toGreyOrRgb(width, height, colours, entry, (v) => v, entry === 4);
  }
  const channels = png.channels;
  const hadAlpha = channels === 2 || channels === 4;
  if (png.depth === 16) return toGreyOrRgb(width, height, png.data, channels, (v) => Math.round(v / 257), hadAlpha);
  if (png.depth === 8) return toGreyOrRgb(width, height, png.data, channels, (v) => v, hadAlpha);
  // Grey at 1, 2 or 4 bits: rows are packed MSB first and start on a byte boundary.
  const depth = png.depth;
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  const grey = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = png.data[y * rowBytes + (bit >> 3)];
      const value = (byte >> (8 - depth - (bit & 7))) & max;
      grey[y * width + x] = Math.round((value * 255) / max);
    }
  }
  return { width, height, channels: 1, data: grey, hadAlpha: false };
}

/** Palette indices packed at `depth` bits (rows byte-aligned) to the palette's colour samples. */
function expandPalette(data: Uint8Array, width: number, height: number, depth: number, palette: number[][]): Uint8Array {
  const entry = palette[0]?.length ?? 3;
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  const out = new Uint8Array(width * height * entry);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const index = (data[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
      const colour = palette[index];
      if (!colour) throw new Error(`palette index ${index} at (${x}, ${y}) is beyond the ${palette.length}-colour palette`);
      out.set(colour, (y * width + x) * entry);
    }
  }
  return out;
}

function fromJpeg(bytes: Uint8Array): DecodedImage {
  const jpeg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true });
  return toGreyOrRgb(jpeg.width, jpeg.height, jpeg.data, 4, (v) => v, false);
}
