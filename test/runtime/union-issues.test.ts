import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWithNullAsAbsent } from "../../src/runtime/args.js";
import { describeArgumentIssues, formatIssues } from "../../src/runtime/issues.js";

// A value no variant of a union (anyOf, oneOf, a GraphQL @oneOf input) takes is refused saying which variants were
// tried and why each refused it, short; an exclusive union's value that several variants take says which.

const ById = z.object({ id: z.string() }).strict();
const ByName = z.object({ name: z.string(), n: z.number() }).strict();
const schema = z
  .object({ pick: z.union([ById, ByName]), one: z.xor([z.string(), z.string().min(2)]).optional() })
  .strict();

const refusal = (args: Record<string, unknown>) => {
  const result = parseWithNullAsAbsent(schema, structuredClone(args));
  if (result.success) throw new Error("accepted");
  return describeArgumentIssues(schema, result.issues);
};

describe("a union's refusal", () => {
  it("names each variant and why it refused the value", () => {
    expect(refusal({ pick: { id: 1 } })).toBe(
      "pick: matches none of its 2 variants (1: id: expected string, received number | 2: name: missing, n: missing, 1 more)",
    );
    expect(refusal({ pick: "x" })).toBe(
      "pick: matches none of its 2 variants (1: expected object, received string | 2: expected object, received string)",
    );
  });

  it("says which variants of an exclusive union all took the value", () => {
    expect(refusal({ pick: { id: "a" }, one: "ab" })).toBe(
      "one: matches more than one of its variants (1, 2), and exactly one may",
    );
  });

  it("counts the variants past four, and a union inside a variant is named, not opened", () => {
    const inner = z.union([z.number(), z.boolean()]);
    const wide = z.union([z.object({ a: inner }).strict(), z.string(), z.number(), z.boolean(), z.null()]);
    const result = wide.safeParse({ a: "x" });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error?.issues ?? [])).toBe(
      "(root): matches none of its 5 variants (1: a: matches none of its 2 variants | 2: expected string, received object | 3: expected number, received object | 4: expected boolean, received object | 1 more)",
    );
  });
});
