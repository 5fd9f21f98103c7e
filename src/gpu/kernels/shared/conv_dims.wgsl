// The convolution kernels' dimensions (ternary_conv, ternary_conv_dot4), appended to their source by
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
