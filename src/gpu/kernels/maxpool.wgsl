// Max pooling of a conv layer's output, NHWC, size × size windows with stride size (a partial window at the edge
// is dropped, as in core/inference.ts maxPool).
// x: (B, H, W, C) f32  ->  y: (B, ⌊H/size⌋, ⌊W/size⌋, C) f32. One thread per output value;
// dispatch (⌈H''·W''·C/WORKGROUP_SIZE⌉, B).

override WORKGROUP_SIZE: u32 = 64u;

struct Dims {
  batch: u32,
  inHeight: u32,
  inWidth: u32,
  channels: u32,
  outHeight: u32,
  outWidth: u32,
  size: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.x;
  let b = id.y;
  let perSample = dims.outHeight * dims.outWidth * dims.channels;
  if (index >= perSample || b >= dims.batch) {
    return;
  }
  let c = index % dims.channels;
  let position = index / dims.channels;
  let px = position % dims.outWidth;
  let py = position / dims.outWidth;
  let origin = ((b * dims.inHeight + py * dims.size) * dims.inWidth + px * dims.size) * dims.channels + c;
  var largest = x[origin];
  for (var dy = 0u; dy < dims.size; dy++) {
    for (var dx = 0u; dx < dims.size; dx++) {
      let row = py * dims.size + dy;
      let column = px * dims.size + dx;
      largest = max(largest, x[((b * dims.inHeight + row) * dims.inWidth + column) * dims.channels + c]);
    }
  }
  y[b * perSample + index] = largest;
}
