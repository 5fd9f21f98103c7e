requires packed_4x8_integer_dot_product;

// Kernel 3: ternary weights × 8-bit activations, four inputs to a u32 word; integer exact. Two inner products
// (BYTE_SUMS): dot4I8Packed, one instruction on GPUs with a packed dot product, or byte sums in 16-bit lanes for
// software adapters, where dot4I8Packed is emulated and the byte sums are cheaper (docs/experiments.md, 2026-11-28).
// weights: (N, ⌈K/16⌉) u32 packed2 (2 bits per trit); each word expands to four i8x4 words of trits in {-1,0,1}
// x: (B, ⌈K/4⌉) u32, four i8 codes each (padding codes 0); inScale: (B); scale, bias: (N) -> y: (B, N) f32
// Dispatch: (⌈N/(WORKGROUP_SIZE·UNITS)⌉, ⌈B/SAMPLES⌉) workgroups, SAMPLES = min(8, B).
//   y[b, j] = act(scale[j] · f32(Σ_k t[j, k] · code[b, k]) · inScale[b] + bias[j])

override WORKGROUP_SIZE: u32 = 64u;

// Dims, the other bindings, RELU and epilogue(): shared/matrix_dims.wgsl and shared/ternary_io.wgsl;
// expand(), the table expanded[] and fillExpansionTable(): shared/trit_expansion.wgsl; tritMasks(), byteLaneSums(),
// widenLanes() and tritOffsets(): shared/byte_sums.wgsl.
@group(0) @binding(4) var<storage, read> x: array<u32>;

// Register tiling: each thread computes UNITS = 4 consecutive units for SAMPLES (up to 8) consecutive samples.
// Per group of four inputs it loads 4 trit words and SAMPLES code words for 4·SAMPLES products of four, so each
// load feeds 4 to 8 of them (a float matMul without tiling needs a load per multiply-add). The host sets SAMPLES
// to the batch below 8, so that a drawn digit (batch 1) does not compute seven absent samples as well.
// The samples are written out rather than looped over: a software adapter does not unroll a loop that indexes the
// accumulators by its counter, and keeps them in memory instead of registers; SAMPLES is a pipeline constant, so
// the ifs compile away.
override SAMPLES: u32 = 8u;
const UNITS: u32 = 4u;
override BYTE_SUMS: bool = false;

// Tile geometry shared by the two inner products: the first word of each sample's codes and of each unit's
// weights (absent samples and units re-read the first one; their sums are never written).
struct Tile {
  xRow: array<u32, 8>,
  wRow: vec4u,
  xPerRow: u32,
}

// The four units' packed2 words at word w of their rows.
fn weightWords(tile: Tile, w: u32) -> vec4u {
  return vec4u(weights[tile.wRow[0] + w], weights[tile.wRow[1] + w], weights[tile.wRow[2] + w], weights[tile.wRow[3] + w]);
}

// Four trit bytes (byte q of each unit's word) expanded to i8x4 words of -1/0/+1.
fn expandedTrits(words: vec4u, q: u32) -> vec4u {
  let shift = 8u * q;
  return vec4u(expanded[(words[0] >> shift) & 0xFFu], expanded[(words[1] >> shift) & 0xFFu],
               expanded[(words[2] >> shift) & 0xFFu], expanded[(words[3] >> shift) & 0xFFu]);
}

// One sample's four codes against the four units' trits.
fn dot4Units(codes: u32, t: vec4u) -> vec4i {
  return vec4i(dot4I8Packed(codes, t[0]), dot4I8Packed(codes, t[1]), dot4I8Packed(codes, t[2]), dot4I8Packed(codes, t[3]));
}

// sums[s][u] = Σ_k trit[u][k] · code[s][k] with dot4I8Packed; one accumulator per sample, its lanes the units.
fn sumsByDot4(tile: Tile) -> array<vec4i, 8> {
  var acc0 = vec4i(0);
  var acc1 = vec4i(0);
  var acc2 = vec4i(0);
  var acc3 = vec4i(0);
  var acc4 = vec4i(0);
  var acc5 = vec4i(0);
  var acc6 = vec4i(0);
  var acc7 = vec4i(0);
  for (var w = 0u; w < dims.wordsPerRow; w++) {
    let words = weightWords(tile, w);
    if (all(words == vec4u(0u))) {
      continue; // 16 zero weights in each of the units
    }
    for (var q = 0u; q < 4u; q++) {
      let xi = w * 4u + q;
      if (xi >= tile.xPerRow) {
        break;
      }
      let t = expandedTrits(words, q);
      acc0 += dot4Units(x[tile.xRow[0] + xi], t);
      if (SAMPLES > 1u) {
        acc1 += dot4Units(x[tile.xRow[1] + xi], t);
      }
      if (SAMPLES > 2u) {
        acc2 += dot4Units(x[tile.xRow[2] + xi], t);
      }
      if (SAMPLES > 3u) {
        acc3 += dot4Units(x[tile.xRow[3] + xi], t);
      }
      if (SAMPLES > 4u) {
        acc4 += dot4Units(x[tile.xRow[4] + xi], t);
      }
      if (SAMPLES > 5u) {
        acc5 += dot4Units(x[tile.xRow[5] + xi], t);
      }
      if (SAMPLES > 6u) {
        acc6 += dot4Units(x[tile.xRow[6] + xi], t);
      }
      if (SAMPLES > 7u) {
        acc7 += dot4Units(x[tile.xRow[7] + xi], t);
      }
    }
  }
  return array<vec4i, 8>(acc0, acc1, acc2, acc3, acc4, acc5, acc6, acc7);
}

// The same sums without dot4I8Packed, exact, by byte sums (shared/byte_sums.wgsl): the 16-bit lanes take at most
// 510 a step, so they are widened to 32 bits every 32 words (128 steps).
fn sumsByByteLanes(tile: Tile) -> array<vec4i, 8> {
  var acc0 = vec4i(0);
  var acc1 = vec4i(0);
  var acc2 = vec4i(0);
  var acc3 = vec4i(0);
  var acc4 = vec4i(0);
  var acc5 = vec4i(0);
  var acc6 = vec4i(0);
  var acc7 = vec4i(0);
  var offsets = vec4u(0u);
  for (var chunk = 0u; chunk < dims.wordsPerRow; chunk += 32u) {
    var lanes0 = vec4u(0u);
    var lanes1 = vec4u(0u);
    var lanes2 = vec4u(0u);
    var lanes3 = vec4u(0u);
    var lanes4 = vec4u(0u);
    var lanes5 = vec4u(0u);
    var lanes6 = vec4u(0u);
    var lanes7 = vec4u(0u);
    let chunkEnd = min(chunk + 32u, dims.wordsPerRow);
    for (var w = chunk; w < chunkEnd; w++) {
      let words = weightWords(tile, w);
      if (all(words == vec4u(0u))) {
        continue;
      }
      offsets += tritOffsets(words);
      for (var q = 0u; q < 4u; q++) {
        let xi = w * 4u + q;
        if (xi >= tile.xPerRow) {
          break;
        }
        let masks = tritMasks((words >> vec4u(8u * q)) & vec4u(0xFFu));
        lanes0 += byteLaneSums(x[tile.xRow[0] + xi], masks);
        if (SAMPLES > 1u) {
          lanes1 += byteLaneSums(x[tile.xRow[1] + xi], masks);
        }
        if (SAMPLES > 2u) {
          lanes2 += byteLaneSums(x[tile.xRow[2] + xi], masks);
        }
        if (SAMPLES > 3u) {
          lanes3 += byteLaneSums(x[tile.xRow[3] + xi], masks);
        }
        if (SAMPLES > 4u) {
          lanes4 += byteLaneSums(x[tile.xRow[4] + xi], masks);
        }
        if (SAMPLES > 5u) {
          lanes5 += byteLaneSums(x[tile.xRow[5] + xi], masks);
        }
        if (SAMPLES > 6u) {
          lanes6 += byteLaneSums(x[tile.xRow[6] + xi], masks);
        }
        if (SAMPLES > 7u) {
          lanes7 += byteLaneSums(x[tile.xRow[7] + xi], masks);
        }
      }
    }
    acc0 += widenLanes(lanes0);
    acc1 += widenLanes(lanes1);
    acc2 += widenLanes(lanes2);
    acc3 += widenLanes(lanes3);
    acc4 += widenLanes(lanes4);
    acc5 += widenLanes(lanes5);
    acc6 += widenLanes(lanes6);
    acc7 += widenLanes(lanes7);
  }
  let offset = vec4i(offsets);
  return array<vec4i, 8>(acc0 - offset, acc1 - offset, acc2 - offset, acc3 - offset, acc4 - offset, acc5 - offset, acc6 - offset, acc7 - offset);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  if (!BYTE_SUMS) {
    fillExpansionTable(lane);
  }
  let firstUnit = (group.x * WORKGROUP_SIZE + lane) * UNITS;
  let firstSample = group.y * SAMPLES;
  if (firstUnit >= dims.units || firstSample >= dims.batch) {
    return;
  }
  let xPerRow = (dims.inputs + 3u) / 4u;
  let samples = min(SAMPLES, dims.batch - firstSample);
  let units = min(UNITS, dims.units - firstUnit);
  var tile = Tile(array<u32, 8>(), vec4u(firstUnit * dims.wordsPerRow), xPerRow);
  for (var s = 0u; s < 8u; s++) {
    tile.xRow[s] = (firstSample + select(0u, s, s < samples)) * xPerRow;
  }
  for (var u = 1u; u < units; u++) {
    tile.wRow[u] = (firstUnit + u) * dims.wordsPerRow;
  }
  var sums: array<vec4i, 8>; // sums[s][u]
  if (BYTE_SUMS) {
    sums = sumsByByteLanes(tile);
  } else {
    sums = sumsByDot4(tile);
  }
  for (var s = 0u; s < samples; s++) {
    let b = firstSample + s;
    for (var u = 0u; u < units; u++) {
      let j = firstUnit + u;
      y[b * dims.units + j] = epilogue(f32(sums[s][u]), j, b);
    }
  }
}
