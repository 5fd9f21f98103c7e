// Kernel 1: ternary weights × float (or integer-valued) activations, by addition and subtraction only.
// weights: (N, ⌈K/16⌉) u32, packed2 (core/packing.ts): 16 trits per word, 00 = 0, 01 = +1, 10 = -1
// x: (B, K) f32; inScale: (B) f32; scale, bias: (N) f32  ->  y: (B, N) f32
//   y[b, j] = act(scale[j] · (Σ_k t_jk · x[b, k]) · inScale[b] + bias[j])
// The inner loop selects +x, -x or nothing per trit; its only multiply is the epilogue's, once per output.
// With integer codes (|x| ≤ 127, K ≤ 2048) every partial sum is an integer below 2^24, so f32 is exact.
// Each workgroup computes a tile of TILE_UNITS units for one sample; x's row is staged in workgroup memory
// in chunks of 16·WORKGROUP_SIZE so that all units of the tile read it from there.

override WORKGROUP_SIZE: u32 = 64u;
override RELU: bool = false;
const CHUNK_WORDS: u32 = 64u; // words of 16 trits staged per round (1024 activations)

struct Dims {
  batch: u32,
  inputs: u32,
  units: u32,
  wordsPerRow: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> x: array<f32>;
@group(0) @binding(5) var<storage, read> inScale: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

var<workgroup> staged: array<f32, 1024>; // CHUNK_WORDS · 16

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let b = group.y;
  let j = group.x * WORKGROUP_SIZE + lane;
  let rowX = b * dims.inputs;
  var acc = 0.0;
  for (var chunk = 0u; chunk < dims.wordsPerRow; chunk += CHUNK_WORDS) {
    let firstInput = chunk * 16u;
    for (var i = lane; i < CHUNK_WORDS * 16u; i += WORKGROUP_SIZE) {
      let k = firstInput + i;
      staged[i] = select(0.0, x[rowX + k], k < dims.inputs);
    }
    workgroupBarrier();
    if (j < dims.units) {
      let lastWord = min(chunk + CHUNK_WORDS, dims.wordsPerRow);
      for (var w = chunk; w < lastWord; w++) {
        let word = weights[j * dims.wordsPerRow + w];
        if (word == 0u) {
          continue; // 16 zero weights: nothing to add
        }
        let offset = (w - chunk) * 16u;
        for (var i = 0u; i < 16u; i++) {
          let code = (word >> (2u * i)) & 3u;
          let a = staged[offset + i];
          acc += select(0.0, a, code == 1u) - select(0.0, a, code == 2u);
        }
      }
    }
    workgroupBarrier();
  }
  if (j >= dims.units || b >= dims.batch) {
    return;
  }
  var value = scale[j] * (acc * inScale[b]) + bias[j];
  if (RELU) {
    value = max(value, 0.0);
  }
  y[b * dims.units + j] = value;
}
