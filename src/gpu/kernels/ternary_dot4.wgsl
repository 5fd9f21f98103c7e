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
  var acc: array<vec4i, 4>; // acc[u][s]
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
      for (var s = 0u; s < SAMPLES; s++) {
        let a = x[xRow[s] + xi];
        acc[0][s] += dot4I8Packed(a, t0);
        acc[1][s] += dot4I8Packed(a, t1);
        acc[2][s] += dot4I8Packed(a, t2);
        acc[3][s] += dot4I8Packed(a, t3);
      }
    }
  }
  for (var u = 0u; u < units; u++) {
    let j = firstUnit + u;
    for (var s = 0u; s < samples; s++) {
      let b = firstSample + s;
      y[b * dims.units + j] = epilogue(f32(acc[u][s]), j, b);
    }
  }
}
