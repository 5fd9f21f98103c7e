// Kernel 4: ternary 2-D convolution by addition and subtraction only, NHWC, with the dense kernels' epilogue.
// weights: (N, ⌈K/16⌉) u32 packed2 (core/packing.ts), K = kernel·kernel·C_in, row k = (ky·kernel + kx)·C_in + c
//          (HWIO, core/layers.ts): the same words a dense layer of K inputs has
// x: (B, H, W, C_in) f32: integer codes from quantize_absmax8, raw activations binarized here (SIGN_INPUT), or
//    floats; inScale: (B) f32; scale, bias: (N) f32
//   ->  y: (B, H', W', N) f32,  y[b, oy, ox, n] = act(scale[n] · (Σ t · x[b, oy·s + ky − padTop, ox·s + kx − padLeft, c])
//                                                     · inScale[b] + bias[n])     (taps outside the map read 0)
// Integer codes keep every partial sum an integer below 2^24 (127 · kernel² · C_in), so f32 is exact, and the
// epilogue is the reference's float32 order. One thread per output value; dispatch (⌈H'·W'·N/WORKGROUP_SIZE⌉, B).

override WORKGROUP_SIZE: u32 = 64u;
override SIGN_INPUT: bool = false;

// Dims, tapPixel(), the other bindings, RELU and epilogue(): shared/conv_dims.wgsl and shared/ternary_io.wgsl.
@group(0) @binding(4) var<storage, read> x: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let index = id.x;
  let b = id.y;
  let perSample = dims.outHeight * dims.outWidth * dims.filters;
  if (index >= perSample || b >= dims.batch) {
    return;
  }
  let n = index % dims.filters;
  let position = index / dims.filters;
  let ox = position % dims.outWidth;
  let oy = position / dims.outWidth;
  let weightRow = n * dims.wordsPerRow;
  var acc = 0.0;
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
        let code = (weights[weightRow + k / 16u] >> (2u * (k % 16u))) & 3u;
        if (code == 0u) {
          continue;
        }
        var a = x[pixel + c];
        if (SIGN_INPUT) {
          a = select(-1.0, 1.0, a >= 0.0);
        }
        if (code == 1u) {
          acc += a;
        } else {
          acc -= a;
        }
      }
    }
  }
  y[b * perSample + index] = epilogue(acc, n, b);
}
