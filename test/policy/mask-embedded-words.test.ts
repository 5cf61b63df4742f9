import { describe, expect, it } from "vitest";
import { maskEmbedded } from "../../src/policy/mask-embedded.js";

/**
 * A masked name is a manifest's (or `serve --mask`'s) text; the string it is looked for in is the upstream's.
 * A name holding a backslash made the look-up pattern `x\\*\\\\*y`, two quantifiers trading the same backslashes:
 * quadratic per start on JavaScript's engine, over a string of backslashes the upstream chooses. Names are read as
 * the text is (its backslashes dropped), so no two quantifiers meet; and a name with a backslash is now found at
 * all. The found case is asserted first: on the code before this test it fails there at once (the look-up is a
 * synchronous loop, beyond vitest's timeout).
 */

describe("masked names holding a backslash", () => {
  const words = new Set(["x\\y"]);

  it("are found in text that names them, as names without backslashes are", () => {
    expect(maskEmbedded({ note: '{"x\\y": 1, oops' }, words).count).toBe(1);
    expect(maskEmbedded({ note: '{"xy": 1, oops' }, words).count).toBe(1);
    expect(maskEmbedded({ note: '{"other": 1, oops' }, words).count).toBe(0);
  });

  it("do not make a string of backslashes the upstream chose a super-linear search", () => {
    const note = `{ "k": "x${"\\".repeat(200_000)}" oops`;
    expect(maskEmbedded({ note }, words)).toEqual({ data: { note }, count: 0 });
  });
});
