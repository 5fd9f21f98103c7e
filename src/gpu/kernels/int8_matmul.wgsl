// Kernel 6: integer-coded weights (int4 and int8 layers, core/weightFormats.ts) × float or integer-valued activations.
// weights: (N, ⌈K/4⌉) u32, four int8 codes per word, code k in bits 8·(k mod 4) (core/packing.ts packCodeRows;
//          int4 layers hold their odd codes −15…15 the same way)
// x: (B, K) f32: integer codes from quantize_absmax8, raw activations binarized here (SIGN_INPUT), or floats;
// inScale: (B) f32; scale, bias: (N) f32  ->  y: (B, N) f32
//   y[b, j] = act(scale[j] · (Σ_k c_jk · x[b, k]) · inScale[b] + bias[j])
// With integer codes every product and partial sum is an integer; f32 holds them exactly below 2^24, i.e. while
// Σ_k |c_jk| · 127 < 2^24 (an int8 layer of about 4,000 inputs at the format's typical |c| of 32), as ONNX's
// float MatMul does. Each thread computes one unit j for SAMPLES consecutive samples, like kernel 1.
// Dispatch: (⌈N/WORKGROUP_SIZE⌉, ⌈B/SAMPLES⌉) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
override SIGN_INPUT: bool = false;
const SAMPLES: u32 = 4u;

// Dims, the other bindings, RELU and epilogue(): shared/matrix_dims.wgsl and shared/ternary_io.wgsl; sampleRows():
// shared/sample_rows.wgsl.
@group(0) @binding(4) var<storage, read> x: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let j = id.x;
  let firstSample = id.y * SAMPLES;
  if (j >= dims.units || firstSample >= dims.batch) {
    return;
  }
  let samples = min(SAMPLES, dims.batch - firstSample);
  let rows = sampleRows(firstSample, samples);
  var acc = vec4f(0.0);
  for (var w = 0u; w < dims.wordsPerRow; w++) {
    let word = weights[j * dims.wordsPerRow + w];
    if (word == 0u) {
      continue; // four zero codes
    }
    let first = w * 4u;
    let count = min(4u, dims.inputs - first);
    for (var i = 0u; i < count; i++) {
      let code = f32(signedByte(word, i));
      if (code == 0.0) {
        continue;
      }
      let k = first + i;
      var a = vec4f(x[rows[0] + k], x[rows[1] + k], x[rows[2] + k], x[rows[3] + k]);
      if (SIGN_INPUT) {
        a = select(vec4f(-1.0), vec4f(1.0), a >= vec4f(0.0));
      }
      acc += code * a;
    }
  }
  for (var s = 0u; s < samples; s++) {
    let b = firstSample + s;
    y[b * dims.units + j] = epilogue(acc[s], j, b);
  }
}

// Byte i of a word as a signed integer: shifted to the top, then back down with the sign (arithmetic shift).
fn signedByte(word: u32, i: u32) -> i32 {
  return bitcast<i32>(word << (24u - 8u * i)) >> 24u;
}
