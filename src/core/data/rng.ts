/**
 * Seeded pseudo-random numbers (mulberry32). Everything random in the project (weight init, batch order,
 * dataset splits, test shapes) draws from one of these, so a seed and a config reproduce a run exactly.
 * Not cryptographic, and never the global random function: a seed must reproduce a run.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** The generator's whole state, to restore it later (snapshots, checkpoints). */
  getState(): RngState;
  setState(state: RngState): void;
}

export interface RngState {
  state: number;
  spareNormal: number | null;
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  let spareNormal: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      // 1 - u keeps log() away from 0.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    getState: () => ({ state, spareNormal }),
    setState: (saved) => {
      state = saved.state >>> 0;
      spareNormal = saved.spareNormal;
    },
  };
}

/** Fisher–Yates shuffle of 0..n-1 as a Uint32Array. */
export function permutation(n: number, rng: Rng): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i]!;
    order[i] = order[j]!;
    order[j] = tmp;
  }
  return order;
}
