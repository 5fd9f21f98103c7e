requires packed_4x8_integer_dot_product;

// Kernel 3: ternary weights × 8-bit activations with dot4I8Packed; integer exact.
// weights: (N, ⌈K/16⌉) u32 packed2 (2 bits per trit); each word expands to four i8x4 words of trits in {-1,0,1}
// x: (B, ⌈K/4⌉) u32, four i8 codes each (padding codes 0); inScale: (B); scale, bias: (N) -> y: (B, N) f32
//   y[b, j] = act(scale[j] · f32(Σ dot4I8Packed(x4, t4)) · inScale[b] + bias[j])

override WORKGROUP_SIZE: u32 = 64u;
override RELU: bool = false;

struct Dims {
  batch: u32,
  inputs: u32,
  units: u32,
  wordsPerRow: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<u32>;
@group(0) @binding(5) var<storage, read> inScale: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

// Four 2-bit trit codes (one byte of a packed2 word) -> four i8 lanes: 01 -> 0x01, 10 -> 0xFF, 00 -> 0x00.
fn expand(codes: u32) -> u32 {
  var out = 0u;
  for (var i = 0u; i < 4u; i++) {
    let c = (codes >> (2u * i)) & 3u;
    out |= select(select(0u, 0xFFu, c == 2u), 1u, c == 1u) << (8u * i);
  }
  return out;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let j = id.x;
  let b = id.y;
  if (j >= dims.units || b >= dims.batch) {
    return;
  }
  let xPerRow = (dims.inputs + 3u) / 4u;
  var acc = 0i;
  for (var w = 0u; w < dims.wordsPerRow; w++) {
    let word = weights[j * dims.wordsPerRow + w];
    if (word == 0u) {
      continue;
    }
    for (var q = 0u; q < 4u; q++) {
      let xi = w * 4u + q;
      if (xi < xPerRow) {
        acc += dot4I8Packed(x[b * xPerRow + xi], expand(word >> (8u * q)));
      }
    }
  }
  var value = scale[j] * (f32(acc) * inScale[b]) + bias[j];
  if (RELU) {
    value = max(value, 0.0);
  }
  y[b * dims.units + j] = value;
}
