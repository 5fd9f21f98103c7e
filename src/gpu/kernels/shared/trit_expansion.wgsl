// Shared by the dot4I8Packed kernels (ternary_dot4, ternary_conv_dot4); ternaryNetwork.ts appends it to their source.
// A byte of a packed2 word holds four 2-bit trit codes; dot4I8Packed wants them as four i8 lanes. The 256 possible
// bytes are expanded once per workgroup into a table, so the inner loops expand a byte with one lookup.

// Four 2-bit trit codes -> four i8 lanes: 01 -> 0x01, 10 -> 0xFF, 00 -> 0x00.
fn expand(codes: u32) -> u32 {
  var out = 0u;
  for (var i = 0u; i < 4u; i++) {
    let c = (codes >> (2u * i)) & 3u;
    out |= select(select(0u, 0xFFu, c == 2u), 1u, c == 1u) << (8u * i);
  }
  return out;
}

var<workgroup> expanded: array<u32, 256>;

// Called by every thread of the workgroup (lane = local_invocation_index) before any lookup.
fn fillExpansionTable(lane: u32) {
  for (var code = lane; code < 256u; code += WORKGROUP_SIZE) {
    expanded[code] = expand(code);
  }
  workgroupBarrier();
}
