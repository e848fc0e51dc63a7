/** Seeded pseudo-random input for randomized tests: the same seed gives the same cases, so a
 * failure reproduces (print or pass the seed). */

/** mulberry32: a small, fast 32-bit generator; uniform numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws from a generator: integers, picks, coin flips and strings over a pool of pieces. */
export class Gen {
  constructor(readonly r: () => number, private readonly defaultPool: readonly string[] = []) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  /** Up to `max` pieces from `pool` (or the generator's default pool), joined. */
  text(max: number, pool: readonly string[] = this.defaultPool): string {
    let s = '';
    for (let n = this.int(0, max); n > 0; n--) s += this.pick(pool);
    return s;
  }
}
