// The convolution kernels' dimensions and tap geometry (ternary_conv, ternary_conv_dot4), appended to their source by
// ternaryNetwork.ts; the host writes them in this order (encodeConvDispatches).
struct Dims {
  batch: u32,
  inHeight: u32,
  inWidth: u32,
  inChannels: u32,
  outHeight: u32,
  outWidth: u32,
  filters: u32,
  kernel: u32,
  stride: u32,
  padTop: u32,
  padLeft: u32,
  wordsPerRow: u32,
}

// The input pixel under tap (ky, kx) of output position (oy, ox) of sample b, as an index into the (B, H, W) map,
// or -1 where the tap falls in the padding (taps outside the map read 0).
fn tapPixel(b: u32, oy: u32, ox: u32, ky: u32, kx: u32) -> i32 {
  let row = i32(oy * dims.stride + ky) - i32(dims.padTop);
  let column = i32(ox * dims.stride + kx) - i32(dims.padLeft);
  if (row < 0 || row >= i32(dims.inHeight) || column < 0 || column >= i32(dims.inWidth)) {
    return -1;
  }
  return i32((b * dims.inHeight + u32(row)) * dims.inWidth + u32(column));
}
