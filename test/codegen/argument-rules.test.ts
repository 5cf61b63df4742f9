import { describe, expect, it } from "vitest";
import { type MemberRule, ruleSentence, ruleSentences } from "../../codegen/bind/argument-rules.js";

/**
 * The sentences a model is told about which arguments go together (`argument-rules.ts`), one row per rule shape:
 * in the arguments' names, leaving out a member that is no argument, undefined when nothing is left to say.
 */
const same = (m: string) => (m === "gone" ? undefined : m);
const count = (min: number, max: number | undefined, members: string[]): MemberRule => ({
  kind: "count",
  min,
  ...(max !== undefined ? { max } : {}),
  members,
});

const ROWS: [string, MemberRule, string | undefined][] = [
  [
    "anyOf of one member each",
    { kind: "presence", exclusive: false, sets: [["a"], ["b"]] },
    "Give at least one of: a, b.",
  ],
  [
    "oneOf of member sets",
    { kind: "presence", exclusive: true, sets: [["id"], ["owner", "repo"]] },
    "Give exactly one of: id; owner and repo.",
  ],
  ["one alternative left", { kind: "presence", exclusive: true, sets: [["a"], ["gone"]] }, "Give a."],
  ["no alternative left", { kind: "presence", exclusive: false, sets: [["gone"]] }, undefined],
  [
    "dependentRequired",
    { kind: "requires", member: "start", with: ["end", "zone"] },
    "If you give start, also give end and zone.",
  ],
  ["dependentRequired on no argument", { kind: "requires", member: "gone", with: ["end"] }, undefined],
  ["not required", { kind: "apart", members: ["tag", "sha"] }, "Do not give tag and sha together."],
  ["not required of one", { kind: "apart", members: ["tag"] }, "Do not give tag."],
  ["minProperties 1", count(1, undefined, ["a", "b", "c"]), "Give at least one of: a, b, c."],
  ["maxProperties 1", count(0, 1, ["a", "b"]), "Give at most one of: a, b."],
  ["min and max one number", count(1, 1, ["a", "b"]), "Give exactly one of: a, b."],
  ["min and max 2 of 3", count(2, 2, ["a", "b", "c"]), "Give exactly 2 of: a, b, c."],
  ["min 1, max 2 of 3", count(1, 2, ["a", "b", "c"]), "Give at least one and at most 2 of: a, b, c."],
  ["min covers all", count(2, undefined, ["a", "b"]), "Give a and b."],
  ["max 0", count(0, 0, ["a", "b"]), "Do not give any of: a, b."],
  ["max at least all", count(0, 5, ["a", "b"]), undefined],
];

describe("argument rule sentences", () => {
  it.each(ROWS)("%s", (_name, rule, sentence) => {
    expect(ruleSentence(rule, same)).toBe(sentence);
  });

  it("are said once each, in order", () => {
    const apart: MemberRule = { kind: "apart", members: ["a", "b"] };
    expect(ruleSentences([apart, count(1, undefined, ["a"]), apart], same)).toEqual([
      "Do not give a and b together.",
      "Give a.",
    ]);
  });
});
