// Kernel 4: ternary 2-D convolution by addition and subtraction only, NHWC, with the dense kernels' epilogue.
// weights: (N, ⌈K/16⌉) u32 packed2 (core/packing.ts), K = kernel·kernel·C_in, row k = (ky·kernel + kx)·C_in + c
//          (HWIO, core/layers.ts): the same words a dense layer of K inputs has
// Kernel 7 is this kernel with INT8_WEIGHTS: an int4 or int8 layer's codes (core/weightFormats.ts), (N, ⌈K/4⌉)
//          u32, four int8 codes per word, code k in bits 8·(k mod 4) (core/packing.ts packCodeRows), multiplied in;
//          partial sums stay integers below 127² · kernel² · C_in (2^24 up to 1,040 taps × channels), exact in f32.
// x: (B, H, W, C_in) f32: integer codes from quantize_absmax8, raw activations binarized here (SIGN_INPUT), or
//    floats; inScale: (B) f32; scale, bias: (N) f32
//   ->  y: (B, H', W', N) f32,  y[b, oy, ox, n] = act(scale[n] · (Σ t · x[b, oy·s + ky − padTop, ox·s + kx − padLeft, c])
//                                                     · inScale[b] + bias[n])     (taps outside the map read 0)
// Integer codes keep every partial sum an integer below 2^24 (127 · kernel² · C_in), so f32 is exact, and the
// epilogue is the reference's float32 order. Each thread computes UNITS consecutive filters at one output position,
// so every input value loaded (and binarized) feeds UNITS sums, each summed in the same order as with one filter per
// thread; a first layer has one input channel, and a thread per output value did nine taps of work against a
// workgroup's fixed cost. Dispatch: (⌈H'·W'·⌈N/UNITS⌉ / WORKGROUP_SIZE⌉, B).

override WORKGROUP_SIZE: u32 = 64u;
// The layer's kernel size and input channels as pipeline constants (one pipeline per layer shape), so the loop
// bounds and the walk over a filter's row are fixed when the pipeline is built.
override KERNEL: u32;
override IN_CHANNELS: u32;
// Weights per filter, and per u32 word of a filter's row: 16 trits (packed2) or 4 int8 codes.
override TAPS: u32 = KERNEL * KERNEL * IN_CHANNELS;
override CODES_PER_WORD: u32 = select(16u, 4u, INT8_WEIGHTS);
override WORDS_PER_ROW: u32 = (TAPS + CODES_PER_WORD - 1u) / CODES_PER_WORD;
override SIGN_INPUT: bool = false;
override INT8_WEIGHTS: bool = false;

// Dims, tapPixel(), the other bindings, RELU and epilogue(): shared/conv_dims.wgsl and shared/ternary_io.wgsl.
@group(0) @binding(4) var<storage, read> x: array<f32>;

const UNITS: u32 = 4u;

// Sums of the four filters whose rows start at wRow, at conv output position (oy, ox) of sample b.
fn filterSums(b: u32, oy: u32, ox: u32, wRow: vec4u) -> vec4f {
  // Row k of the weights in order, a word of them at a time: each filter's word is loaded once for its 16 trits (4
  // codes), not once per tap; on a software adapter every load is a per-lane gather and costs far more than the
  // arithmetic. k = (ky·KERNEL + kx)·IN_CHANNELS + c, so the sums keep the reference's order.
  var acc = vec4f(0.0);
  // The tap under weight k, walked without division: channel c, then column kx, then row ky.
  let top = i32(oy * dims.stride) - i32(dims.padTop);
  let left = i32(ox * dims.stride) - i32(dims.padLeft);
  let height = i32(dims.inHeight);
  let width = i32(dims.inWidth);
  let sampleBase = b * dims.inHeight * dims.inWidth * IN_CHANNELS;
  var c = 0u;
  var kx = 0u;
  var ky = 0u;
  for (var word = 0u; word < WORDS_PER_ROW; word++) {
    let words = vec4u(weights[wRow[0] + word], weights[wRow[1] + word], weights[wRow[2] + word], weights[wRow[3] + word]);
    let codesHere = min(CODES_PER_WORD, TAPS - word * CODES_PER_WORD);
    for (var j = 0u; j < codesHere; j++) {
      let row = top + i32(ky);
      let column = left + i32(kx);
      let inside = row >= 0 && row < height && column >= 0 && column < width;
      // Taps in the padding read pixel 0 and count 0, without a branch.
      let pixel = select(0u, u32(row * width + column), inside);
      var a = select(0.0, x[sampleBase + pixel * IN_CHANNELS + c], inside);
      if (SIGN_INPUT) {
        a = select(0.0, select(-1.0, 1.0, a >= 0.0), inside);
      }
      if (INT8_WEIGHTS) {
        // Byte j of each filter's word, shifted to the top and back down with its sign.
        let shifted = words << vec4u(24u - 8u * j);
        acc += vec4f(bitcast<vec4i>(shifted) >> vec4u(24u)) * a;
      } else {
        let codes = (words >> vec4u(2u * j)) & vec4u(3u);
        // + a where the trit is +1, − a where it is −1: (acc + a) − 0 and (acc + 0) − a are acc ± a exactly.
        acc = acc + select(vec4f(0.0), vec4f(a), codes == vec4u(1u)) - select(vec4f(0.0), vec4f(a), codes == vec4u(2u));
      }
      c += 1u;
      if (c == IN_CHANNELS) {
        c = 0u;
        kx += 1u;
        if (kx == KERNEL) {
          kx = 0u;
          ky += 1u;
        }
      }
    }
  }
  return acc;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.x;
  let b = id.y;
  let unitGroups = (dims.filters + UNITS - 1u) / UNITS;
  let positions = pooledPositions();
  if (index >= positions * unitGroups || b >= dims.batch) {
    return;
  }
  let firstUnit = (index % unitGroups) * UNITS;
  let position = index / unitGroups;
  let pooledWidth = dims.outWidth / POOL;
  let px = position % pooledWidth;
  let py = position / pooledWidth;
  let units = min(UNITS, dims.filters - firstUnit);
  // Absent units (past the last filter) re-read the first one; their sums are never written.
  var wRow = vec4u(firstUnit * dims.wordsPerRow);
  for (var u = 1u; u < units; u++) {
    wRow[u] = (firstUnit + u) * dims.wordsPerRow;
  }
  var largest = vec4f(0.0);
  for (var dy = 0u; dy < POOL; dy++) {
    for (var dx = 0u; dx < POOL; dx++) {
      let values = epilogue4(filterSums(b, py * POOL + dy, px * POOL + dx, wRow), firstUnit, b);
      largest = select(max(largest, values), values, dy == 0u && dx == 0u);
    }
  }
  for (var u = 0u; u < units; u++) {
    y[(b * positions + position) * dims.filters + firstUnit + u] = largest[u];
  }
}
