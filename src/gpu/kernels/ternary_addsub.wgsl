// Kernel 1: ternary weights × float (or integer-valued) activations, by addition and subtraction only.
// weights: (N, ⌈K/16⌉) u32, packed2 (core/packing.ts): 16 trits per word, 00 = 0, 01 = +1, 10 = -1
// x: (B, K) f32; inScale: (B) f32; scale, bias: (N) f32  ->  y: (B, N) f32
//   y[b, j] = act(scale[j] · (Σ_k t_jk · x[b, k]) · inScale[b] + bias[j])
// The inner loop adds x, subtracts it or skips it per trit; the only multiply is the epilogue's, once per output.
// With integer codes (|x| ≤ 127, K ≤ 2048) every partial sum is an integer below 2^24, so f32 is exact.
// Each thread computes one unit j for SAMPLES consecutive samples: every trit is decoded once and applied to
// SAMPLES activations. Dispatch: (⌈N/WORKGROUP_SIZE⌉, ⌈B/SAMPLES⌉) workgroups.

override WORKGROUP_SIZE: u32 = 64u;
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
      continue; // 16 zero weights: nothing to add
    }
    let first = w * 16u;
    let count = min(16u, dims.inputs - first);
    for (var i = 0u; i < count; i++) {
      let code = (word >> (2u * i)) & 3u;
      if (code == 0u) {
        continue;
      }
      let k = first + i;
      let a = vec4f(x[rows[0] + k], x[rows[1] + k], x[rows[2] + k], x[rows[3] + k]);
      if (code == 1u) {
        acc += a;
      } else {
        acc -= a;
      }
    }
  }
  for (var s = 0u; s < samples; s++) {
    let b = firstSample + s;
    y[b * dims.units + j] = epilogue(acc[s], j, b);
  }
}
