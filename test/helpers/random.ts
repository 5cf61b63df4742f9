/**
 * A small deterministic generator (mulberry32): `random(seed)` returns a function giving numbers in [0, 1), the
 * same sequence for the same seed, so a generated-case test's failure names a seed that reproduces it.
 */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
