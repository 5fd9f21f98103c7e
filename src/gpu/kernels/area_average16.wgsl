// The 16×16 area average of 28×28 images (core/inputResolution.ts, the definition), for a network whose input is
// reduced: the host uploads the 28×28 images and the first layer reads this kernel's output.
// images: (B, 196) u32, four uint8 pixels each (pixel k in bits 8·(k mod 4))
//   ->  reduced: (B, 64) u32, four uint8 reduced pixels each, packed the same way
// Along each axis reduced pixel o covers quarter pixels [7o, 7o + 7) and image pixel i covers [4i, 4i + 4), with
// overlap w(o, i); out = (Σ w_y·w_x·p + 24) / 49 rounded down, the division done as (x · 21400) >> 20 exactly as
// core and the C engine do it, so the three agree bit for bit (every value stays below 2^32).
// One thread per output word: four neighbouring reduced pixels of one row.

override WORKGROUP_SIZE: u32 = 64u;

struct Dims {
  batch: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> images: array<u32>;
@group(0) @binding(2) var<storage, read_write> reduced: array<u32>;

const IMAGE_SIDE: u32 = 28u;
const IMAGE_WORDS: u32 = 196u;
const REDUCED_WORDS: u32 = 64u;

fn overlap(o: u32, i: u32) -> u32 {
  let low = max(7u * o, 4u * i);
  let high = min(7u * o + 7u, 4u * i + 4u);
  return select(0u, high - low, high > low);
}

fn pixel(b: u32, k: u32) -> u32 {
  return (images[b * IMAGE_WORDS + k / 4u] >> (8u * (k % 4u))) & 0xFFu;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let word = id.x;
  let b = id.y;
  if (word >= REDUCED_WORDS || b >= dims.batch) {
    return;
  }
  let oy = word / 4u;
  var packed = 0u;
  for (var j = 0u; j < 4u; j++) {
    let ox = (word % 4u) * 4u + j;
    var sum = 24u;
    for (var iy = (7u * oy) / 4u; iy <= (7u * oy + 6u) / 4u; iy++) {
      for (var ix = (7u * ox) / 4u; ix <= (7u * ox + 6u) / 4u; ix++) {
        sum += overlap(oy, iy) * overlap(ox, ix) * pixel(b, iy * IMAGE_SIDE + ix);
      }
    }
    packed |= ((sum * 21400u) >> 20u) << (8u * j);
  }
  reduced[b * REDUCED_WORDS + word] = packed;
}
