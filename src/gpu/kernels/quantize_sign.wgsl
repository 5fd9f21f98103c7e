// Binary activations as sign bits: bit k of a sample's row is set where x[b, k] >= 0 (+1), clear for -1.
// x: (B, K) f32  ->  bits: (B, ⌈K/32⌉) u32; padding bits stay 0 (the weight planes are 0 there too).
// One thread per output word.

override WORKGROUP_SIZE: u32 = 64u;

struct Dims {
  batch: u32,
  features: u32,
  wordsPerRow: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> bits: array<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let w = id.x;
  let b = id.y;
  if (w >= dims.wordsPerRow || b >= dims.batch) {
    return;
  }
  var word = 0u;
  let first = w * 32u;
  let count = min(32u, dims.features - first);
  for (var i = 0u; i < count; i++) {
    if (x[b * dims.features + first + i] >= 0.0) {
      word |= 1u << i;
    }
  }
  bits[b * dims.wordsPerRow + w] = word;
}
