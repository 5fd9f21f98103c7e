requires packed_4x8_integer_dot_product;

// Kernel 3: ternary weights × 8-bit activations with dot4I8Packed; integer exact.
// weights: (N, ⌈K/16⌉) u32 packed2 (2 bits per trit); each word expands to four i8x4 words of trits in {-1,0,1}
// x: (B, ⌈K/4⌉) u32, four i8 codes each (padding codes 0); inScale: (B); scale, bias: (N) -> y: (B, N) f32
// Dispatch: (⌈N/(WORKGROUP_SIZE·UNITS)⌉, ⌈B/SAMPLES⌉) workgroups, SAMPLES = min(4, B).
//   y[b, j] = act(scale[j] · f32(Σ dot4I8Packed(x4, t4)) · inScale[b] + bias[j])

override WORKGROUP_SIZE: u32 = 64u;

// Dims, the other bindings, RELU and epilogue(): shared/matrix_dims.wgsl and shared/ternary_io.wgsl;
// expand(), the table expanded[] and fillExpansionTable(): shared/trit_expansion.wgsl.
@group(0) @binding(4) var<storage, read> x: array<u32>;

// Register tiling: each thread computes UNITS consecutive units for SAMPLES consecutive samples. Per group of
// four inputs it loads UNITS expanded weight words and SAMPLES activation words and does UNITS·SAMPLES dot4s,
// so every load feeds up to four dot products (a float matMul needs a load per multiply-add without such tiling).
// SAMPLES is 1 to 4 (acc holds four): the host sets it to the batch below 4, so that a drawn digit (batch 1)
// does not compute three absent samples as well.
override SAMPLES: u32 = 4u;
const UNITS: u32 = 4u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  fillExpansionTable(lane);
  let firstUnit = (group.x * WORKGROUP_SIZE + lane) * UNITS;
  let firstSample = group.y * SAMPLES;
  if (firstUnit >= dims.units || firstSample >= dims.batch) {
    return;
  }
  let xPerRow = (dims.inputs + 3u) / 4u;
  let samples = min(SAMPLES, dims.batch - firstSample);
  let units = min(UNITS, dims.units - firstUnit);
  // Absent samples and units (past the ends) re-read the first one; their sums are never written.
  var xRow = vec4u(firstSample * xPerRow);
  for (var s = 1u; s < samples; s++) {
    xRow[s] = (firstSample + s) * xPerRow;
  }
  var wRow = vec4u(firstUnit * dims.wordsPerRow);
  for (var u = 1u; u < units; u++) {
    wRow[u] = (firstUnit + u) * dims.wordsPerRow;
  }
  // One accumulator per sample, its lanes the four units. The samples are written out rather than looped over:
  // on a software adapter a loop indexing the accumulators by its counter was not unrolled (the add/sub
  // convolution ran 2.7× faster at batch 64 without one), and SAMPLES is a pipeline constant, so the ifs below
  // compile away.
  var acc0 = vec4i(0);
  var acc1 = vec4i(0);
  var acc2 = vec4i(0);
  var acc3 = vec4i(0);
  for (var w = 0u; w < dims.wordsPerRow; w++) {
    let words = vec4u(weights[wRow[0] + w], weights[wRow[1] + w], weights[wRow[2] + w], weights[wRow[3] + w]);
    if (all(words == vec4u(0u))) {
      continue; // 16 zero weights in each of the units
    }
    for (var q = 0u; q < 4u; q++) {
      let xi = w * 4u + q;
      if (xi >= xPerRow) {
        break;
      }
      let shift = 8u * q;
      let t0 = expanded[(words[0] >> shift) & 0xFFu];
      let t1 = expanded[(words[1] >> shift) & 0xFFu];
      let t2 = expanded[(words[2] >> shift) & 0xFFu];
      let t3 = expanded[(words[3] >> shift) & 0xFFu];
      let a0 = x[xRow[0] + xi];
      acc0 += vec4i(dot4I8Packed(a0, t0), dot4I8Packed(a0, t1), dot4I8Packed(a0, t2), dot4I8Packed(a0, t3));
      if (SAMPLES > 1u) {
        let a1 = x[xRow[1] + xi];
        acc1 += vec4i(dot4I8Packed(a1, t0), dot4I8Packed(a1, t1), dot4I8Packed(a1, t2), dot4I8Packed(a1, t3));
      }
      if (SAMPLES > 2u) {
        let a2 = x[xRow[2] + xi];
        acc2 += vec4i(dot4I8Packed(a2, t0), dot4I8Packed(a2, t1), dot4I8Packed(a2, t2), dot4I8Packed(a2, t3));
      }
      if (SAMPLES > 3u) {
        let a3 = x[xRow[3] + xi];
        acc3 += vec4i(dot4I8Packed(a3, t0), dot4I8Packed(a3, t1), dot4I8Packed(a3, t2), dot4I8Packed(a3, t3));
      }
    }
  }
  let sums = array<vec4i, 4>(acc0, acc1, acc2, acc3); // sums[s][u]
  for (var s = 0u; s < samples; s++) {
    let b = firstSample + s;
    for (var u = 0u; u < units; u++) {
      let j = firstUnit + u;
      y[b * dims.units + j] = epilogue(f32(sums[s][u]), j, b);
    }
  }
}
