// heatmap-grid: draws a kernels x classes grid of activation maps (AOM or CSM) straight from a GPU buffer.
//
// One fragment = one canvas pixel. The vertex stage emits a single triangle that covers the viewport; the
// fragment stage maps its pixel centre p (canvas pixels) into grid space with the inverse view transform
// (g = inv_view * (p, 1), built on the CPU with wgpu-matrix: view = translate(pan) * scale(zoom)).
// In grid space one map position is one unit; a cell is W x H units, followed by GAP units of background:
//   col = floor(g.x / (W + GAP))        (the class)
//   row = floor(g.y / (H + GAP))        (the display row; the kernel is order[row])
//   x   = floor(g.x - col * (W + GAP))  y = floor(g.y - row * (H + GAP))
// and the value is values[((order[row] * C + col) * H + y) * W + x], layout [kernel][class][y][x].
// The value goes through a 256-entry colour table (the same table the page's legend draws): AOM maps
// [0, 1] onto it, CSM maps [-1, 1] onto it (kind = 1).

struct Params {
  inv_view: mat3x3f,   // canvas pixels -> grid units
  kernels: u32,
  classes: u32,
  height: u32,
  width: u32,
  gap: f32,
  kind: u32,           // 0: AOM in [0, 1]; 1: CSM in [-1, 1]
  _pad0: u32,
  _pad1: u32,
  background: vec4f,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read> lut: array<vec4f>;

@vertex
fn vs(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  // (-1,-1), (3,-1), (-1,3): one triangle covering the clip square.
  let xy = vec2f(f32((i << 1u) & 2u), f32(i & 2u)) * 2.0 - 1.0;
  return vec4f(xy, 0.0, 1.0);
}

@fragment
fn fs(@builtin(position) position: vec4f) -> @location(0) vec4f {
  let g = (params.inv_view * vec3f(position.xy, 1.0)).xy;
  let pitch = vec2f(f32(params.width) + params.gap, f32(params.height) + params.gap);
  if (g.x < 0.0 || g.y < 0.0) { return params.background; }
  let cell = floor(g / pitch);
  let col = u32(cell.x);
  let row = u32(cell.y);
  if (col >= params.classes || row >= params.kernels) { return params.background; }
  let local = g - cell * pitch;
  if (local.x >= f32(params.width) || local.y >= f32(params.height)) { return params.background; }
  let x = u32(local.x);
  let y = u32(local.y);
  let kernel = order[row];
  let v = values[((kernel * params.classes + col) * params.height + y) * params.width + x];
  var t = v;
  if (params.kind == 1u) { t = 0.5 * (v + 1.0); }
  let index = u32(clamp(t, 0.0, 1.0) * 255.0 + 0.5);
  return lut[index];
}
