// BitNet 8-bit absmax quantization of each sample's activations, the input side of a ternary layer.
// x: (B, K) f32 bit patterns (U8_INPUT = false), or (B, ⌈K/4⌉) u32 of four uint8 pixels each (U8_INPUT = true,
//    the network input: a quarter of the upload; pixel p reads pixelValue[p] = p/255 rounded to f32 by the host,
//    so the values equal core's reference exactly)
//                ->  codes: (B, K) f32 integers in [-127, 127]   (PACKED = false)
//                 or packed: (B, ⌈K/4⌉) u32, four i8 codes each   (PACKED = true, for dot4I8Packed)
//                 inScale: (B) f32 = γ/127, γ = max_k |x[b, k]|
// One workgroup per sample: each thread takes the largest |x| of a strided slice, an atomicMax over their bit
// patterns finds γ (for non-negative floats the u32 order of the bits is the numeric order), then every thread
// quantizes a strided slice. One barrier: a tree reduction needed log2(WORKGROUP_SIZE) + 1, and on a software
// adapter each barrier is a switch between all the workgroup's invocations.
// Arithmetic mirrors core/inference.ts quantizeInput: factor = 127/γ in f32, round half to even.

override WORKGROUP_SIZE: u32 = 64u;
override PACKED: bool = false;
override U8_INPUT: bool = false;

struct Dims {
  batch: u32,
  features: u32,
  packedPerRow: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<u32>;
@group(0) @binding(2) var<storage, read_write> codes: array<f32>;
@group(0) @binding(3) var<storage, read_write> packed: array<u32>;
@group(0) @binding(4) var<storage, read_write> inScale: array<f32>;
@group(0) @binding(5) var<storage, read> pixelValue: array<f32, 256>;

/** Activation k of sample b. */
fn load(b: u32, k: u32) -> f32 {
  if (U8_INPUT) {
    let word = x[b * ((dims.features + 3u) / 4u) + k / 4u];
    return pixelValue[(word >> (8u * (k % 4u))) & 0xFFu];
  }
  return bitcast<f32>(x[b * dims.features + k]);
}

// Zero-initialized, as all workgroup memory is, so γ = 0 for a sample of zeros.
var<workgroup> gammaBits: atomic<u32>;

fn code(value: f32, factor: f32) -> f32 {
  return clamp(round(value * factor), -127.0, 127.0);
}

// Codes 4w .. 4w + 3 of sample b as one word of four i8 (codes past the row's end 0).
fn packedCodes(b: u32, w: u32, factor: f32) -> u32 {
  var word = vec4i(0);
  for (var i = 0u; i < 4u; i++) {
    let k = w * 4u + i;
    if (k < dims.features) {
      word[i] = i32(code(load(b, k), factor));
    }
  }
  return pack4xI8(word);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let b = group.x;
  let base = b * dims.features;
  var largest = 0.0;
  for (var k = lane; k < dims.features; k += WORKGROUP_SIZE) {
    largest = max(largest, abs(load(b, k)));
  }
  atomicMax(&gammaBits, bitcast<u32>(largest));
  workgroupBarrier();
  let gamma = bitcast<f32>(atomicLoad(&gammaBits));
  let factor = select(0.0, 127.0 / gamma, gamma > 0.0);
  if (lane == 0u) {
    inScale[b] = gamma / 127.0;
  }
  if (PACKED) {
    for (var w = lane; w < dims.packedPerRow; w += WORKGROUP_SIZE) {
      packed[b * dims.packedPerRow + w] = packedCodes(b, w, factor);
    }
  } else {
    for (var k = lane; k < dims.features; k += WORKGROUP_SIZE) {
      codes[base + k] = code(load(b, k), factor);
    }
  }
}

// A thread per sample, for short rows (the host takes it for rows of up to 1,024 values): no barrier, and a
// workgroup per WORKGROUP_SIZE samples instead of one per sample. On a software adapter a barrier makes the
// workgroup's invocations take turns, and each workgroup has a fixed cost, both far above a short row's loads.
// γ is the same maximum: max over |x| in f32 equals the atomicMax over their bit patterns. Dispatch: ⌈B / WORKGROUP_SIZE⌉.
@compute @workgroup_size(WORKGROUP_SIZE)
fn perSample(@builtin(global_invocation_id) id: vec3u) {
  let b = id.x;
  if (b >= dims.batch) {
    return;
  }
  var gamma = 0.0;
  for (var k = 0u; k < dims.features; k++) {
    gamma = max(gamma, abs(load(b, k)));
  }
  let factor = select(0.0, 127.0 / gamma, gamma > 0.0);
  inScale[b] = gamma / 127.0;
  if (PACKED) {
    for (var w = 0u; w < dims.packedPerRow; w++) {
      packed[b * dims.packedPerRow + w] = packedCodes(b, w, factor);
    }
  } else {
    for (var k = 0u; k < dims.features; k++) {
      codes[b * dims.features + k] = code(load(b, k), factor);
    }
  }
}
