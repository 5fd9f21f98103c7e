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
override SIGN_INPUT: bool = false;
override INT8_WEIGHTS: bool = false;

// Dims, tapPixel(), the other bindings, RELU and epilogue(): shared/conv_dims.wgsl and shared/ternary_io.wgsl.
@group(0) @binding(4) var<storage, read> x: array<f32>;

const UNITS: u32 = 4u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.x;
  let b = id.y;
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
  var acc = vec4f(0.0);
  for (var ky = 0u; ky < dims.kernel; ky++) {
    for (var kx = 0u; kx < dims.kernel; kx++) {
      let tapped = tapPixel(b, oy, ox, ky, kx);
      if (tapped < 0) {
        continue;
      }
      let pixel = u32(tapped) * dims.inChannels;
      let tap = (ky * dims.kernel + kx) * dims.inChannels;
      for (var c = 0u; c < dims.inChannels; c++) {
        let k = tap + c;
        var a = x[pixel + c];
        if (SIGN_INPUT) {
          a = select(-1.0, 1.0, a >= 0.0);
        }
        if (INT8_WEIGHTS) {
          // Byte k mod 4 of each filter's word, shifted to the top and back down with its sign.
          let word = k / 4u;
          let top = vec4u(weights[wRow[0] + word], weights[wRow[1] + word], weights[wRow[2] + word], weights[wRow[3] + word]) << vec4u(24u - 8u * (k % 4u));
          acc += vec4f(bitcast<vec4i>(top) >> vec4u(24u)) * a;
          continue;
        }
        let word = k / 16u;
        let codes = (vec4u(weights[wRow[0] + word], weights[wRow[1] + word], weights[wRow[2] + word], weights[wRow[3] + word]) >> vec4u(2u * (k % 16u))) & vec4u(3u);
        // + a where the trit is +1, − a where it is −1: (acc + a) − 0 and (acc + 0) − a are acc ± a exactly.
        acc = acc + select(vec4f(0.0), vec4f(a), codes == vec4u(1u)) - select(vec4f(0.0), vec4f(a), codes == vec4u(2u));
      }
    }
  }
  for (var u = 0u; u < units; u++) {
    let n = firstUnit + u;
    y[(b * positions + position) * dims.filters + n] = epilogue(acc[u], n, b);
  }
}
