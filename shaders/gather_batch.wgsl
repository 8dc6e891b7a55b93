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
// Rows and shards: the dataset's uploaded images ("rows") live in S shard buffers of R = images_per_shard rows each
// (the last may hold fewer), R * H * W * C a multiple of 4 bytes so that every shard starts on a u32 word. A
// storage buffer binding is capped by the adapter (maxStorageBufferBindingSize: 128 MiB on lavapipe, CIFAR-10 is
// 176 MiB), hence shards; WGSL has no arrays of buffers, hence SLOTS = 4 fixed bindings shard0..shard3, so the
// kernel binds at most 8 storage buffers (WebGPU's default maxStorageBuffersPerShaderStage). A dataset of S > 4
// shards is gathered by ceil(S / 4) dispatches ("passes") of the same pipeline: pass p binds shards
// 4p .. 4p + 3 (unused slots repeat a bound shard, never read) and has first_shard = 4p; a thread whose row lies
// in another pass's shards returns, so each output element is written by exactly one pass. One pass when S <= 4.
//   row r -> shard s = r / R, slot s - first_shard, local image l = r - s * R.
// Bytes: shards are NHWC u8 packed four to a u32 word, little-endian: byte b of a shard is
// (shard[b >> 2] >> ((b & 3) * 8)) & 0xff, with b = l * H * W * C + (sy * W + sx) * C + c (< 2^32: b is within one
// binding).
// request (u32): [seed, m_0 .. m_{B-1}, r_0 .. r_{B-1}]: request[0] is the step's augmentation seed, m_n the pool
// index of batch row n (it drives the augmentation draw, so draws do not depend on what was uploaded or how it was
// sharded) and r_n the uploaded row holding that image (mapped and checked on the CPU).
// The thread with y = x = c = 0 also writes labels_out[n] = row_labels[r_n].
// src/reference/gather-batch.ts is the CPU reference (on pool indices; rows and shards are invisible to it); both
// use pcg_hash, so they draw the same crops and flips.
override WG: u32 = 256;

struct Params {
  count: u32,     // batch * height * width * channels
  height: u32,
  width: u32,
  channels: u32,
  pad: u32,       // crop padding P (0: no crop)
  flip: u32,      // 1: random horizontal flips
  scale: f32,     // pixel scale, usually 1/255
  batch: u32,     // B
  images_per_shard: u32, // R
  first_shard: u32,      // this pass's first shard (a multiple of 4)
  _pad0: u32,
  _pad1: u32,
  mean: vec4f,    // per channel (channels <= 4)
  stdev: vec4f,   // (`std` is a reserved word in WGSL)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> shard0: array<u32>;
@group(0) @binding(2) var<storage, read> shard1: array<u32>;
@group(0) @binding(3) var<storage, read> shard2: array<u32>;
@group(0) @binding(4) var<storage, read> shard3: array<u32>;
@group(0) @binding(5) var<storage, read> row_labels: array<u32>;
@group(0) @binding(6) var<storage, read> request: array<u32>;
@group(0) @binding(7) var<storage, read_write> out: array<f32>;
@group(0) @binding(8) var<storage, read_write> labels_out: array<u32>;

// The PCG hash (Jarzynski & Olano 2020), identical to src/gpu/kernels/pcg-hash.ts in wrapping u32 arithmetic.
fn pcg_hash(x: u32) -> u32 {
  let state = x * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Word `word` of the shard bound at `slot` (0..3) of this pass.
fn shard_word(slot: u32, word: u32) -> u32 {
  switch slot {
    case 0u: { return shard0[word]; }
    case 1u: { return shard1[word]; }
    case 2u: { return shard2[word]; }
    default: { return shard3[word]; }
  }
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
  let r = request[1u + params.batch + n];
  let shard = r / params.images_per_shard;
  if (shard < params.first_shard || shard >= params.first_shard + 4u) { return; } // another pass's row
  let slot = shard - params.first_shard;
  let l = r - shard * params.images_per_shard;

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
    let b = l * H * W * C + (u32(sy) * W + u32(sx)) * C + c;
    let pixel = (shard_word(slot, b >> 2u) >> ((b & 3u) * 8u)) & 0xffu;
    value = (f32(pixel) * params.scale - params.mean[c]) / params.stdev[c];
  }
  out[i] = value;
  if (x == 0u && y == 0u && c == 0u) { labels_out[n] = row_labels[r]; }
}
