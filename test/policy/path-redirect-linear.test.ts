import { describe, expect, it } from "vitest";
import type { ToolOutcome } from "../../src/catalog.js";
import type { CallContext } from "../../src/chain.js";
import { keyPatternPlans } from "../../src/patterns/matcher.js";
import { scopedRedirectCheck } from "../../src/policy/path-redirect.js";

/**
 * A scoped call's redirect target is the upstream's, matched against the binding's path template to find the
 * scoped values in it. The match runs on RE2: with two multi-segment variables the pattern is
 * `^(.*?)/v1/(.+)/x/(.+)/y$`, cubic in the target's length on a backtracking engine (a 15,000-character path,
 * under Node's header limit, is minutes of work). The count of planned patterns is asserted first: on the code before this test it fails there at
 * once (a synchronous match would be beyond vitest's timeout).
 */

const REFUSED: ToolOutcome = { data: null, error: { message: "refused" } };

function check(scopedValues: string[]) {
  const ctx = {
    tool: {
      binding: {
        kind: "http",
        method: "GET",
        path: "/v1/{a}/x/{b}/y",
        params: [
          { name: "a", in: "path", arg: "a", multiSegment: true },
          { name: "b", in: "path", arg: "b", multiSegment: true },
        ],
      },
    },
  } as unknown as CallContext;
  const scoped = ["a", "b"].map((arg) => ({
    arg,
    check: (value: string) => {
      scopedValues.push(value);
      return undefined;
    },
  }));
  return scopedRedirectCheck(ctx, scoped, () => REFUSED);
}

describe("a redirect's path against the binding's template", () => {
  it("is read on RE2: the scoped values found, a path built to backtrack refused", () => {
    const values: string[] = [];
    const before = keyPatternPlans.count;
    const redirect = check(values);
    const first = new URL("http://up.test/base/v1/p/q/x/r/y");
    expect(redirect(new URL("http://up.test/base/v1/p/x/q/x/r/y"), first)).toBeUndefined();
    expect(values).toEqual(["p/x/q", "r"]);
    expect(keyPatternPlans.count - before).toBe(1);
    const attack = new URL(`http://up.test/base${"/v1/x".repeat(3_000)}/z`);
    expect(redirect(attack, first)).toBe(REFUSED);
    expect(keyPatternPlans.count - before).toBe(1);
  });
});
