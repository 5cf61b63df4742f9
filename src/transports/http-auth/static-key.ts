import { createHash, timingSafeEqual } from "node:crypto";

/**
 * The static client key, compared in constant time: both sides are hashed first so the comparison neither
 * depends on where the first differing byte is nor leaks the key's length.
 */
export function createStaticKeyCheck(expected: string): (presented: string) => boolean {
  const want = createHash("sha256").update(expected, "utf8").digest();
  return (presented) => timingSafeEqual(createHash("sha256").update(presented, "utf8").digest(), want);
}
