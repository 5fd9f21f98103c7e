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
// epilogue is the reference's float32 order. Each thread computes four consecutive filters at one output position
// (or pool window; shared/conv_dims.wgsl), so every input value loaded (and binarized) feeds four sums, each summed
// in the same order as with one filter per thread; a first layer has one input channel, and a thread per output
// value did nine taps of work against a workgroup's fixed cost. Dispatch: (⌈H''·W''·⌈N/4⌉ / WORKGROUP_SIZE⌉, B).

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


// The value tap k reads at one position: 0 in the padding (read from pixel 0, without a branch), binarized for
// SIGN_INPUT.
fn tapValue(index: u32, inside: bool) -> f32 {
  let a = select(0.0, x[index], inside);
  if (SIGN_INPUT) {
    return select(0.0, select(-1.0, 1.0, a >= 0.0), inside);
  }
  return a;
}

// acc + t · a for the four filters' weights of tap k: the integer codes (INT8_WEIGHTS), or the trits, as
// + a where the trit is +1 and − a where it is −1: (acc + a) − 0 and (acc + 0) − a are acc ± a exactly.
fn accumulate(acc: vec4f, a: f32, weights8: vec4f, plus: vec4<bool>, minus: vec4<bool>) -> vec4f {
  if (INT8_WEIGHTS) {
    return acc + weights8 * a;
  }
  return acc + select(vec4f(0.0), vec4f(a), plus) - select(vec4f(0.0), vec4f(a), minus);
}

// Sums of the four filters whose rows start at wRow, at conv output position (oy, ox) of sample b and, when
// `window` is set, at the other three positions of its 2×2 pool window, (oy, ox + 1), (oy + 1, ox) and
// (oy + 1, ox + 1): each tap's weights are decoded once for the four.
// Row k of the weights in order, a word of them at a time: each filter's word is loaded once for its 16 trits (4
// codes), not once per tap; on a software adapter every load is a per-lane gather and costs far more than the
// arithmetic. k = (ky·KERNEL + kx)·IN_CHANNELS + c, so the sums keep the reference's order.
fn windowSums(b: u32, oy: u32, ox: u32, wRow: vec4u, window: bool) -> array<vec4f, 4> {
  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);
  // The taps' rows and columns at the four positions, and the tap under weight k walked without division:
  // channel c, then column kx, then row ky.
  let stride = i32(dims.stride);
  let tops = vec4i(i32(oy * dims.stride) - i32(dims.padTop)) + vec4i(0, 0, stride, stride);
  let lefts = vec4i(i32(ox * dims.stride) - i32(dims.padLeft)) + vec4i(0, stride, 0, stride);
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
      let rows = tops + vec4i(i32(ky));
      let columns = lefts + vec4i(i32(kx));
      let inside = (rows >= vec4i(0)) & (rows < vec4i(height)) & (columns >= vec4i(0)) & (columns < vec4i(width));
      let index = vec4u(sampleBase) + select(vec4u(0u), vec4u(rows * width + columns), inside) * IN_CHANNELS + vec4u(c);
      // Byte j of each filter's word shifted to the top and back down with its sign, or trit j's two bits.
      let weights8 = vec4f(bitcast<vec4i>(words << vec4u(24u - 8u * (j % 4u))) >> vec4u(24u));
      let codes = (words >> vec4u(2u * j)) & vec4u(3u);
      let plus = codes == vec4u(1u);
      let minus = codes == vec4u(2u);
      acc0 = accumulate(acc0, tapValue(index[0], inside[0]), weights8, plus, minus);
      if (window) {
        acc1 = accumulate(acc1, tapValue(index[1], inside[1]), weights8, plus, minus);
        acc2 = accumulate(acc2, tapValue(index[2], inside[2]), weights8, plus, minus);
        acc3 = accumulate(acc3, tapValue(index[3], inside[3]), weights8, plus, minus);
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
  return array<vec4f, 4>(acc0, acc1, acc2, acc3);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let b = id.y;
  let t = convThread(id.x, b);
  if (!t.valid) {
    return;
  }
  writePooled(t, b, pooledMax(t, b));
}
