// Shared by the four kernels with one binding layout (ternary_addsub, ternary_dot4, ternary_conv,
// ternary_conv_dot4); ternaryNetwork.ts appends it to their source. Each kernel declares its own Dims, and x at
// binding 4 (f32 values, or u32 words of four i8 codes).
// weights: (N, wordsPerRow) u32 packed2 (core/packing.ts); scale, bias: (N) f32; inScale: (B) f32; y: f32 outputs

override RELU: bool = false;

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> weights: array<u32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read> inScale: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

// The reference's float32 epilogue (core/reference.ts) for unit or filter n of sample b, given the integer-valued
// sum of weights × codes:  act(scale[n] · (sum · inScale[b]) + bias[n]).
fn epilogue(sum: f32, n: u32, b: u32) -> f32 {
  let value = scale[n] * (sum * inScale[b]) + bias[n];
  if (RELU) {
    return max(value, 0.0);
  }
  return value;
}
