// The matrix kernels' dimensions (ternary_addsub, ternary_binary, ternary_dot4), appended to their source by
// ternaryNetwork.ts: B samples of K inputs, N units, words of packed weights per unit.
struct Dims {
  batch: u32,
  inputs: u32,
  units: u32,
  wordsPerRow: u32,
}
