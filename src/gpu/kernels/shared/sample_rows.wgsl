// The x rows (offsets into x: (B, K) f32) of a thread's block of up to four consecutive samples from firstSample,
// for the matrix kernels that compute one unit for several samples (ternary_addsub, int8_matmul). Rows of absent
// samples (past the batch end) read sample firstSample's row instead; their sums are dropped.
fn sampleRows(firstSample: u32, samples: u32) -> vec4u {
  var rows = vec4u(firstSample * dims.inputs);
  for (var s = 1u; s < samples; s++) {
    rows[s] = (firstSample + s) * dims.inputs;
  }
  return rows;
}
