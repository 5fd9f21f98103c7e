// Shared by the ternary kernels' byte-sum inner product (ternary_dot4 and ternary_conv_dot4 with BYTE_SUMS), for
// software adapters, where dot4I8Packed is emulated; ternaryNetwork.ts appends it to their source.
// Four 8-bit codes a (one u32) against four trits: with a' = a ^ 0x80 = a + 128 in 0..255 per byte,
//   Σ t·a = Σ_{t=+1} a' + Σ_{t=−1} (255 − a') − 128·|P| − 127·|M|   (|P|, |M|: the counts of +1 and −1 trits),
// the bytes v = (a' ^ minus mask) & nonzero mask summed pairwise into two 16-bit lanes (at most 2 · 255 each), which
// the caller widens to 32 bits before they can overflow (every 32 words of trits: 128 steps) and from which it takes
// 128·|P| + 127·|M| (countOneBits of the trit words) at the end. Exact, like dot4I8Packed.

// Byte i of the result is 0x01 where bit 2i of the low byte of `pairs` is set: the multiply spreads bits 0, 2, 4, 6
// to bits 0, 8, 16, 24; its other products fall outside the mask, and so do their carries.
fn spreadEvenBits(pairs: vec4u) -> vec4u {
  return ((pairs & vec4u(0x55u)) * 0x41041u) & vec4u(0x01010101u);
}

// The masks of one byte of trits (four packed2 codes, in the low byte) of each of four units: flip is 0xFF in the
// bytes of −1 trits, keep 0xFF in those of nonzero ones. Computed, not looked up, so no expansion table (and no
// barrier) is needed; computed once per byte of trits and applied to every sample or position that shares it.
struct TritMasks {
  flip: vec4u,
  keep: vec4u,
}

fn tritMasks(trits: vec4u) -> TritMasks {
  let plus = spreadEvenBits(trits);
  let minus = spreadEvenBits(trits >> vec4u(1u));
  return TritMasks(minus * 0xFFu, (plus | minus) * 0xFFu);
}

// One word of codes against the four units' masks: their 16-bit lane sums.
fn byteLaneSums(codes: u32, masks: TritMasks) -> vec4u {
  let v = (vec4u(codes ^ 0x80808080u) ^ masks.flip) & masks.keep;
  return (v & vec4u(0x00FF00FFu)) + ((v >> vec4u(8u)) & vec4u(0x00FF00FFu));
}

// Two 16-bit lanes each, summed to 32 bits.
fn widenLanes(lanes: vec4u) -> vec4i {
  return vec4i((lanes & vec4u(0xFFFFu)) + (lanes >> vec4u(16u)));
}

// 128·|P| + 127·|M| of four units' trit words (codes 01 and 10 counted).
fn tritOffsets(words: vec4u) -> vec4u {
  return 128u * countOneBits(words & vec4u(0x55555555u)) + 127u * countOneBits(words & vec4u(0xAAAAAAAAu));
}
