// gather_batch: builds one training batch on the GPU from the dataset's bytes, already normalised and
// (optionally) augmented, plus its labels.
//
// One thread per output element i < batch * H * W * C, i = (wg.y * num_workgroups.x + wg.x) * WG + lid.x,
// with i = ((n * H + y) * W + x) * C + c (NHWC). The thread reads image m = request[1 + n] of the pool:
//   out[n, y, x, c] = (pixel(m, sy, sx, c) * scale - mean[c]) / std[c], or 0 where (sy, sx) is outside,
// where, for augmentation padding P and flip F decided per image by a seeded hash (see draw below),
//   xf = W - 1 - x if flipped else x,   sy = y + oy - P,   sx = xf + ox - P,   oy, ox in [0, 2P].
// That is: zero-pad the image by P on each side, crop an H x W window at (oy, ox) of the padded image, then
// flip the window horizontally. Padding takes the value 0 *after* normalisation (the channel mean), so borders
// add no signal. P = 0 and F = 0: no augmentation, a plain gather.
//
// Bytes: the pool's images are NHWC u8 packed four to a u32 word, little-endian: byte b is
// (images[b >> 2] >> ((b & 3) * 8)) & 0xff, with b = m * H * W * C + (sy * W + sx) * C + c.
// request[0] is the step's augmentation seed; request[1 + n] the pool index of batch row n (checked on the CPU).
// The thread with y = x = c = 0 also writes labels_out[n] = pool_labels[m].
// src/reference/gather-batch.ts is the CPU reference; both use pcg_hash, so they draw the same crops and flips.
override WG: u32 = 256;

struct Params {
  count: u32,     // batch * height * width * channels
  height: u32,
  width: u32,
  channels: u32,
  pad: u32,       // crop padding P (0: no crop)
  flip: u32,      // 1: random horizontal flips
  scale: f32,     // pixel scale, usually 1/255
  _unused: u32,
  mean: vec4f,    // per channel (channels <= 4)
  stdev: vec4f,   // (`std` is a reserved word in WGSL)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read> pool_labels: array<u32>;
@group(0) @binding(3) var<storage, read> request: array<u32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> labels_out: array<u32>;

// The PCG hash (Jarzynski & Olano 2020), identical to src/gpu/kernels/pcg-hash.ts in wrapping u32 arithmetic.
fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = (wg.y * nwg.x + wg.x) * WG + lid.x;
  if (i >= params.count) { return; }
  let C = params.channels;
  let W = params.width;
  let H = params.height;
  let c = i % C;
  let x = (i / C) % W;
  let y = (i / (C * W)) % H;
  let n = i / (C * W * H);
  let m = request[1u + n];

  // Per-image draw: h0 = pcg(seed ^ pcg(m)), h1 = pcg(h0), h2 = pcg(h1); oy = h0 % (2P+1), ox = h1 % (2P+1),
  // flip = bit 0 of h2.
  let span = 2u * params.pad + 1u;
  let h0 = pcg_hash(request[0] ^ pcg_hash(m));
  let h1 = pcg_hash(h0);
  let h2 = pcg_hash(h1);
  let flipped = params.flip == 1u && (h2 & 1u) == 1u;
  let xf = select(x, W - 1u - x, flipped);
  // Signed source coordinates: the crop may reach P pixels beyond each border.
  let sy = i32(y + h0 % span) - i32(params.pad);
  let sx = i32(xf + h1 % span) - i32(params.pad);

  var value = 0.0;
  if (sy >= 0 && sy < i32(H) && sx >= 0 && sx < i32(W)) {
    let b = m * H * W * C + (u32(sy) * W + u32(sx)) * C + c;
    let pixel = (images[b >> 2u] >> ((b & 3u) * 8u)) & 0xffu;
    value = (f32(pixel) * params.scale - params.mean[c]) / params.stdev[c];
  }
  out[i] = value;
  if (x == 0u && y == 0u && c == 0u) { labels_out[n] = pool_labels[m]; }
}
