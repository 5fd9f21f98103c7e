// Kernel 2: ternary weights × binary (±1) activations, 32 at a time with countOneBits; integer exact.
// plus, minus: (N, ⌈K/32⌉) u32 bit planes of the weights (bit k set where t_jk = +1, resp. -1)
// bits: (B, ⌈K/32⌉) u32 sign bits of the activations (set for +1); scale, bias: (N) f32 -> y: (B, N) f32
// Per word, with a = activation bits:  +1·+1 and -1·-1 add one, mixed signs subtract one, zeros add nothing:
//   acc += popcount(plus & a) + popcount(minus & ~a) - popcount(plus & ~a) - popcount(minus & a)
// Padding bits are 0 in both planes, so whatever the activation bits hold there adds nothing.

override WORKGROUP_SIZE: u32 = 64u;
override RELU: bool = false;

// Dims: shared/matrix_dims.wgsl.
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> plus: array<u32>;
@group(0) @binding(2) var<storage, read> minus: array<u32>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> bits: array<u32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

// Each thread computes one unit j for SAMPLES consecutive samples, loading each weight word pair once.
// Dispatch: (⌈N/WORKGROUP_SIZE⌉, ⌈B/SAMPLES⌉) workgroups.
const SAMPLES: u32 = 4u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let j = id.x;
  let firstSample = id.y * SAMPLES;
  if (j >= dims.units || firstSample >= dims.batch) {
    return;
  }
  let samples = min(SAMPLES, dims.batch - firstSample);
  var acc = vec4i(0);
  for (var w = 0u; w < dims.wordsPerRow; w++) {
    let p = plus[j * dims.wordsPerRow + w];
    let m = minus[j * dims.wordsPerRow + w];
    for (var s = 0u; s < samples; s++) {
      let a = bits[(firstSample + s) * dims.wordsPerRow + w];
      acc[s] += i32(countOneBits(p & a) + countOneBits(m & ~a)) - i32(countOneBits(p & ~a) + countOneBits(m & a));
    }
  }
  for (var s = 0u; s < samples; s++) {
    let b = firstSample + s;
    var value = scale[j] * f32(acc[s]) + bias[j];
    if (RELU) {
      value = max(value, 0.0);
    }
    y[b * dims.units + j] = value;
  }
}
