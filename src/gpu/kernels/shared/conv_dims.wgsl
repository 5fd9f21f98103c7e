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

// What a thread of a conv kernel computes: four consecutive filters from firstUnit (units of them exist) at
// pooled output position (py, px) of sample b, their weight rows starting at wRow (absent filters, past the last
// one, re-read the first one's row; their sums are never written). valid is false past the last position.
struct ConvThread {
  valid: bool,
  firstUnit: u32,
  units: u32,
  position: u32,
  py: u32,
  px: u32,
  wRow: vec4u,
}

fn convThread(index: u32, b: u32) -> ConvThread {
  let unitGroups = (dims.filters + 3u) / 4u;
  var t: ConvThread;
  t.valid = index < pooledPositions() * unitGroups && b < dims.batch;
  t.firstUnit = (index % unitGroups) * 4u;
  t.position = index / unitGroups;
  let pooledWidth = dims.outWidth / POOL;
  t.px = t.position % pooledWidth;
  t.py = t.position / pooledWidth;
  t.units = min(4u, dims.filters - min(t.firstUnit, dims.filters));
  t.wRow = vec4u(t.firstUnit * dims.wordsPerRow);
  for (var u = 1u; u < t.units; u++) {
    t.wRow[u] = (t.firstUnit + u) * dims.wordsPerRow;
  }
  return t;
}

// Writes the thread's pooled values, largest[u] for filter firstUnit + u.
fn writePooled(t: ConvThread, b: u32, largest: vec4f) {
  for (var u = 0u; u < t.units; u++) {
    y[(b * pooledPositions() + t.position) * dims.filters + t.firstUnit + u] = largest[u];
  }
}

// The thread's filters' largest epilogue values over their pool window (the values themselves without a pool),
// from the kernel's windowSums(b, oy, ox, wRow, window): sums at (oy, ox), and with `window` at the other three
// positions of a 2×2 window too. A pool of 3 or more takes its positions one at a time.
fn pooledMax(t: ConvThread, b: u32) -> vec4f {
  if (POOL == 2u) {
    let sums = windowSums(b, t.py * 2u, t.px * 2u, t.wRow, true);
    return max(max(epilogue4(sums[0], t.firstUnit, b), epilogue4(sums[1], t.firstUnit, b)),
               max(epilogue4(sums[2], t.firstUnit, b), epilogue4(sums[3], t.firstUnit, b)));
  }
  var largest: vec4f;
  for (var dy = 0u; dy < POOL; dy++) {
    for (var dx = 0u; dx < POOL; dx++) {
      let values = epilogue4(windowSums(b, t.py * POOL + dy, t.px * POOL + dx, t.wRow, false)[0], t.firstUnit, b);
      largest = select(max(largest, values), values, dy == 0u && dx == 0u);
    }
  }
  return largest;
}
