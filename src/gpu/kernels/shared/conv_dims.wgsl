// The convolution kernels' dimensions, tap geometry and max pool (ternary_conv, ternary_conv_dot4), appended to their
// source by ternaryNetwork.ts; the host writes the dimensions in this order (encodeConvDispatches).
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

// The max pool, fused: POOL × POOL windows with stride POOL (1: no pool); a partial window at the edge is dropped,
// as in core/inference.ts maxPool. A thread computes its filters at each conv position of one window and writes
// their largest epilogue values, so the conv output never goes to memory and the pool needs no dispatch of its own.
override POOL: u32 = 1u;

// Output positions per sample: the pooled map's (the conv output's when POOL is 1).
fn pooledPositions() -> u32 {
  return (dims.outHeight / POOL) * (dims.outWidth / POOL);
}

// The epilogue (shared/ternary_io.wgsl) of four consecutive filters from firstUnit; a filter past the last one
// reads the last one's scale and bias (its value is never written).
fn epilogue4(sums: vec4f, firstUnit: u32, b: u32) -> vec4f {
  let last = dims.filters - 1u;
  return vec4f(epilogue(sums[0], min(firstUnit, last), b), epilogue(sums[1], min(firstUnit + 1u, last), b),
               epilogue(sums[2], min(firstUnit + 2u, last), b), epilogue(sums[3], min(firstUnit + 3u, last), b));
}
