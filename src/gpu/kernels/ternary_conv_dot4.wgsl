requires packed_4x8_integer_dot_product;

// Kernel 5: ternary 2-D convolution of 8-bit codes with dot4I8Packed, NHWC, for input channels a multiple of 16;
// integer exact, with kernel 4's epilogue (ternary_conv.wgsl).
// weights: (N, ⌈K/16⌉) u32 packed2, K = kernel·kernel·C_in, row k = (ky·kernel + kx)·C_in + c (HWIO): with
//          C_in % 16 = 0 each tap's channels are C_in/16 whole words, and byte q of a word holds channels 4q..4q+3
// x: (B, H·W·C_in/4) u32, four i8 codes each (quantize_absmax8 with PACKED: channel c of a pixel in byte c mod 4
//    of word c/4 of that pixel); inScale: (B) f32; scale, bias: (N) f32
//   ->  y: (B, H', W', N) f32,  y[b, oy, ox, n] = act(scale[n] · f32(Σ_taps Σ dot4I8Packed(x4, t4)) · inScale[b] + bias[n])
// Each thread computes UNITS consecutive filters at one output position, so every activation word loaded feeds
// UNITS dot products. Dispatch: (⌈H'·W'·⌈N/UNITS⌉ / WORKGROUP_SIZE⌉, B).

override WORKGROUP_SIZE: u32 = 64u;

// Dims, tapPixel(), the other bindings, RELU and epilogue(): shared/conv_dims.wgsl and shared/ternary_io.wgsl;
// expand(), the table expanded[] and fillExpansionTable(): shared/trit_expansion.wgsl.
@group(0) @binding(4) var<storage, read> x: array<u32>;

const UNITS: u32 = 4u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  fillExpansionTable(lane);
  let index = group.x * WORKGROUP_SIZE + lane;
  let b = group.y;
  let unitGroups = (dims.filters + UNITS - 1u) / UNITS;
  let positions = dims.outHeight * dims.outWidth;
  if (index >= positions * unitGroups || b >= dims.batch) {
    return;
  }
  let firstUnit = (index % unitGroups) * UNITS;
  let position = index / unitGroups;
  let ox = position % dims.outWidth;
  let oy = position / dims.outWidth;
  let units = min(UNITS, dims.filters - firstUnit);
  // Absent units (past the last filter) re-read the first one; their sums are never written.
  var wRow = vec4u(firstUnit * dims.wordsPerRow);
  for (var u = 1u; u < units; u++) {
    wRow[u] = (firstUnit + u) * dims.wordsPerRow;
  }
  let xWordsPerPixel = dims.inChannels / 4u;
  let wWordsPerTap = dims.inChannels / 16u;
  var acc = vec4i(0);
  for (var ky = 0u; ky < dims.kernel; ky++) {
    for (var kx = 0u; kx < dims.kernel; kx++) {
      let tapped = tapPixel(b, oy, ox, ky, kx);
      if (tapped < 0) {
        continue;
      }
      let pixelWord = u32(tapped) * xWordsPerPixel;
      let tapWord = (ky * dims.kernel + kx) * wWordsPerTap;
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
  for (var u = 0u; u < units; u++) {
    let n = firstUnit + u;
    y[(b * positions + position) * dims.filters + n] = epilogue(f32(acc[u]), n, b);
  }
}
