import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { CatalogTool } from "../../src/catalog.js";
import type { CallContext } from "../../src/chain.js";
import { parseArgs, roundedInteger } from "../../src/runtime/args.js";
import type { SchemaCache } from "../../src/runtime/schemas.js";
import { illFormedText } from "../../src/runtime/well-formed.js";
import { random } from "../helpers/random.js";

/**
 * parse-args walks a call's raw arguments once (`roundedInteger`, which also marks a lone surrogate it passes) and
 * walks the validated arguments with `illFormedText` only when that walk found one, or when the validated
 * arguments may hold text the raw ones do not (decoded by a profile, or read by a hand-written handler's schema).
 * The mark must agree with `illFormedText` on every argument object; each walk-again case still refuses.
 */

const TEXTS = ["", "x", "caf\u00e9", "\ud83d\ude00", "a b", "\u65e5\u672c", "\ud83d\ude00\ud83d\ude00x"];
const ILL = ["\ud800", "a\udc00", "\ud83d", "x\ude00y", "\ud83d\ude00\ud800", "\udfff\ud800"];
const SCALARS: unknown[] = [0, 1.5, -7, true, false, null];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 0 && r < 0.2)
    return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth - 1));
  if (depth > 0 && r < 0.4) return object(next, depth - 1);
  if (r < 0.43) return pick(next, ILL);
  if (r < 0.75) return pick(next, TEXTS);
  return pick(next, SCALARS);
}

function object(next: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    const key = next() < 0.03 ? pick(next, ILL) : `${pick(next, TEXTS)}${i}`;
    out[key] = value(next, depth);
  }
  return out;
}

describe("the raw walk's lone-surrogate mark", () => {
  it("agrees with illFormedText over 3,000 generated argument objects (values, keys, array items, any depth)", () => {
    let marked = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const args = object(random(seed), 5);
      const text = { illFormed: false };
      expect(roundedInteger(args, text), `seed ${seed}`).toBeUndefined();
      expect(text.illFormed, `seed ${seed}`).toBe(illFormedText(args) !== undefined);
      if (text.illFormed) marked++;
    }
    // Both kinds are covered: argument objects with and without ill-formed text.
    expect(marked).toBeGreaterThan(300);
    expect(marked).toBeLessThan(2700);
  });

  it("an array index is no key; a well-formed pair is no lone surrogate", () => {
    const text = { illFormed: false };
    roundedInteger({ a: ["x", "\ud83d\ude00"], "\ud83d\ude00": 1 }, text);
    expect(text.illFormed).toBe(false);
  });
});

function toolCall(kind: "http" | "custom", schema: z.ZodType, rawArgs: unknown, decode = false) {
  const tool = { name: "t", binding: { kind } } as unknown as CatalogTool;
  const schemas: SchemaCache = { input: () => schema, output: () => undefined };
  const decoder = (args: unknown, _adopt: unknown, parse?: (text: string) => unknown) => {
    const record = args as Record<string, unknown>;
    if (typeof record.meta !== "string" || !parse) return false;
    record.meta = parse(record.meta);
    return true;
  };
  const step = parseArgs(schemas, () => (decode ? decoder : undefined));
  const ctx = { tool, rawArgs } as unknown as CallContext;
  return step.run(ctx, async () => ({ data: "sent" }));
}

describe("parse-args walks the validated arguments again where they may hold new text", () => {
  it("a profile's JSON text decoded into a lone surrogate (raw text well-formed) is refused", async () => {
    const schema = z.strictObject({ meta: z.unknown() });
    const outcome = await toolCall("http", schema, { meta: '{"k":"\\ud800"}' }, true);
    expect(outcome.error?.message).toMatch(/^invalid arguments: meta\.k holds a lone surrogate \(U\+D800/);
  });

  it("a hand-written handler's schema that cuts a pair in two is refused", async () => {
    const schema = z.strictObject({ s: z.string().transform((s) => s.slice(0, 1)) });
    const outcome = await toolCall("custom", schema, { s: "\ud83d\ude00" });
    expect(outcome.error?.message).toMatch(/^invalid arguments: s holds a lone surrogate \(U\+D83D/);
  });

  it("raw ill-formed text is named where the validated arguments hold it; well-formed text is passed on", async () => {
    const schema = z.strictObject({ a: z.array(z.string()).optional(), b: z.string().optional() });
    const refused = await toolCall("http", schema, { a: ["ok", "x\udc00"] });
    expect(refused.error?.message).toMatch(/^invalid arguments: a\[1\] holds a lone surrogate \(U\+DC00/);
    const sent = await toolCall("http", schema, { a: ["\ud83d\ude00"], b: "caf\u00e9" });
    expect(sent).toEqual({ data: "sent" });
  });
});
