requires packed_4x8_integer_dot_product;

// Kernel 5: ternary 2-D convolution of 8-bit codes with dot4I8Packed, NHWC, for input channels a multiple of 16;
// integer exact, with kernel 4's epilogue (ternary_conv.wgsl).
// weights: (N, ⌈K/16⌉) u32 packed2, K = kernel·kernel·C_in, row k = (ky·kernel + kx)·C_in + c (HWIO): with
//          C_in % 16 = 0 each tap's channels are C_in/16 whole words, and byte q of a word holds channels 4q..4q+3
// x: (B, H·W·C_in/4) u32, four i8 codes each (quantize_absmax8 with PACKED: channel c of a pixel in byte c mod 4
//    of word c/4 of that pixel); inScale: (B) f32; scale, bias: (N) f32
//   ->  y: (B, H', W', N) f32,  y[b, oy, ox, n] = act(scale[n] · f32(Σ_taps Σ dot4I8Packed(x4, t4)) · inScale[b] + bias[n])
// Each thread computes four consecutive filters at one output position (or pool window; shared/conv_dims.wgsl), so
// every activation word loaded feeds four dot products. Dispatch: (⌈H''·W''·⌈N/4⌉ / WORKGROUP_SIZE⌉, B).

override WORKGROUP_SIZE: u32 = 64u;
// The layer's kernel size and input channels as pipeline constants (one pipeline per layer shape), so the loop
// bounds and the walk over a filter's row are fixed when the pipeline is built.
override KERNEL: u32;
override IN_CHANNELS: u32;

// Dims, tapPixel(), the other bindings, RELU and epilogue(): shared/conv_dims.wgsl and shared/ternary_io.wgsl;
// expand(), the table expanded[] and fillExpansionTable(): shared/trit_expansion.wgsl; tritMasks(), byteLaneSums(),
// widenLanes() and tritOffsets(): shared/byte_sums.wgsl.
@group(0) @binding(4) var<storage, read> x: array<u32>;

// The inner product: dot4I8Packed on the expansion table, or byte sums in 16-bit lanes (shared/byte_sums.wgsl;
// software adapters, where dot4I8Packed is emulated), which need no table.
override BYTE_SUMS: bool = false;

// The sums of the four filters whose rows start at wRow at conv position (oy, ox) and, when `window` is set, at
// the other three positions of its 2×2 pool window, (oy, ox + 1), (oy + 1, ox) and (oy + 1, ox + 1), by byte sums
// (shared/byte_sums.wgsl): each weight word is loaded, and its trit masks computed, once for the four; the lanes
// are widened every 32 words of trits. A tap in the padding reads code word 0,
// which adds a' = 128 under +1 and 255 − 128 under −1, exactly what tritOffsets() takes off again: no branch.
fn windowByByteSums(b: u32, oy: u32, ox: u32, wRow: vec4u, window: bool) -> array<vec4i, 4> {
  let xWordsPerPixel = IN_CHANNELS / 4u;
  let wordsPerTap = IN_CHANNELS / 16u;
  var sums0 = vec4i(0);
  var sums1 = vec4i(0);
  var sums2 = vec4i(0);
  var sums3 = vec4i(0);
  for (var ky = 0u; ky < KERNEL; ky++) {
    for (var kx = 0u; kx < KERNEL; kx++) {
      // Each position's pixel under this tap (its first code word), or -1 in the padding.
      let tapped = vec4i(tapPixel(b, oy, ox, ky, kx), tapPixel(b, oy, ox + 1u, ky, kx), tapPixel(b, oy + 1u, ox, ky, kx), tapPixel(b, oy + 1u, ox + 1u, ky, kx));
      let inside = tapped >= vec4i(0);
      let pixelWord = vec4u(max(tapped, vec4i(0))) * xWordsPerPixel;
      let tapWord = (ky * KERNEL + kx) * wordsPerTap;
      for (var chunk = 0u; chunk < wordsPerTap; chunk += 32u) {
        var lanes0 = vec4u(0u);
        var lanes1 = vec4u(0u);
        var lanes2 = vec4u(0u);
        var lanes3 = vec4u(0u);
        var offsets = vec4u(0u);
        for (var w = chunk; w < min(chunk + 32u, wordsPerTap); w++) {
          let words = vec4u(weights[wRow[0] + tapWord + w], weights[wRow[1] + tapWord + w], weights[wRow[2] + tapWord + w], weights[wRow[3] + tapWord + w]);
          offsets += tritOffsets(words);
          for (var q = 0u; q < 4u; q++) {
            let masks = tritMasks((words >> vec4u(8u * q)) & vec4u(0xFFu));
            let word = w * 4u + q;
            lanes0 += byteLaneSums(select(0u, x[pixelWord[0] + word], inside[0]), masks);
            if (window) {
              lanes1 += byteLaneSums(select(0u, x[pixelWord[1] + word], inside[1]), masks);
              lanes2 += byteLaneSums(select(0u, x[pixelWord[2] + word], inside[2]), masks);
              lanes3 += byteLaneSums(select(0u, x[pixelWord[3] + word], inside[3]), masks);
            }
          }
        }
        sums0 += widenLanes(lanes0) - vec4i(offsets);
        sums1 += widenLanes(lanes1) - vec4i(offsets);
        sums2 += widenLanes(lanes2) - vec4i(offsets);
        sums3 += widenLanes(lanes3) - vec4i(offsets);
      }
    }
  }
  return array<vec4i, 4>(sums0, sums1, sums2, sums3);
}

// Sums of the four filters whose rows start at wRow, at conv output position (oy, ox) of sample b, with
// dot4I8Packed.
fn filterSums(b: u32, oy: u32, ox: u32, wRow: vec4u) -> vec4i {
  let xWordsPerPixel = IN_CHANNELS / 4u;
  let wWordsPerTap = IN_CHANNELS / 16u;
  var acc = vec4i(0);
  for (var ky = 0u; ky < KERNEL; ky++) {
    for (var kx = 0u; kx < KERNEL; kx++) {
      let tapped = tapPixel(b, oy, ox, ky, kx);
      if (tapped < 0) {
        continue;
      }
      let pixelWord = u32(tapped) * xWordsPerPixel;
      let tapWord = (ky * KERNEL + kx) * wWordsPerTap;
      for (var w = 0u; w < wWordsPerTap; w++) {
        let words = vec4u(weights[wRow[0] + tapWord + w], weights[wRow[1] + tapWord + w], weights[wRow[2] + tapWord + w], weights[wRow[3] + tapWord + w]);
        if (all(words == vec4u(0u))) {
          continue; // 16 zero weights in each of the units
        }
        for (var q = 0u; q < 4u; q++) {
          let a = x[pixelWord + w * 4u + q];
          let shift = 8u * q;
          acc[0] += dot4I8Packed(a, expanded[(words[0] >> shift) & 0xFFu]);
          acc[1] += dot4I8Packed(a, expanded[(words[1] >> shift) & 0xFFu]);
          acc[2] += dot4I8Packed(a, expanded[(words[2] >> shift) & 0xFFu]);
          acc[3] += dot4I8Packed(a, expanded[(words[3] >> shift) & 0xFFu]);
        }
      }
    }
  }
  return acc;
}

// The sums at conv position (oy, ox), or at its whole 2×2 window, with the chosen inner product (integers below
// 2^24, exact in f32), for pooledMax() in shared/conv_dims.wgsl.
fn windowSums(b: u32, oy: u32, ox: u32, wRow: vec4u, window: bool) -> array<vec4f, 4> {
  if (BYTE_SUMS) {
    let sums = windowByByteSums(b, oy, ox, wRow, window);
    return array<vec4f, 4>(vec4f(sums[0]), vec4f(sums[1]), vec4f(sums[2]), vec4f(sums[3]));
  }
  let first = vec4f(filterSums(b, oy, ox, wRow));
  if (!window) {
    return array<vec4f, 4>(first, first, first, first);
  }
  return array<vec4f, 4>(first, vec4f(filterSums(b, oy, ox + 1u, wRow)), vec4f(filterSums(b, oy + 1u, ox, wRow)),
                         vec4f(filterSums(b, oy + 1u, ox + 1u, wRow)));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  if (!BYTE_SUMS) {
    fillExpansionTable(lane);
  }
  let b = group.y;
  let t = convThread(group.x * WORKGROUP_SIZE + lane, b);
  if (!t.valid) {
    return;
  }
  writePooled(t, b, pooledMax(t, b));
}
