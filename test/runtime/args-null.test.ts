import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWithNullAsAbsent } from "../../src/runtime/args.js";
import { describeArgumentIssues, propertiesAt } from "../../src/runtime/issues.js";

// `null` for an argument whose schema does not accept null means "absent" (OpenAI strict mode sends it for every
// optional the model left out), at any depth; null where null is valid stays; a required argument stays required.

const Filter = z.object({ label: z.string().optional(), since: z.string().nullable().optional() }).strict();
const schema = z
  .object({
    owner: z.string(),
    state: z.enum(["open", "closed"]).optional(),
    note: z.string().nullable().optional(),
    filter: Filter.optional(),
    items: z.array(z.object({ id: z.number(), tag: z.string().optional() }).strict()).optional(),
    either: z.union([z.object({ name: z.string().optional() }).strict(), z.number()]).optional(),
    lazy: z.lazy(() => Filter).optional(),
  })
  .strict();

const parse = (args: Record<string, unknown>) => parseWithNullAsAbsent(schema, structuredClone(args));

describe("null as absent", () => {
  it.each([
    [{ owner: "o", state: null }, { owner: "o" }],
    [
      { owner: "o", note: null },
      { owner: "o", note: null },
    ],
    [
      { owner: "o", filter: { label: null, since: null } },
      { owner: "o", filter: { since: null } },
    ],
    [{ owner: "o", filter: null }, { owner: "o" }],
    [
      { owner: "o", items: [{ id: 1, tag: null }, { id: 2 }] },
      { owner: "o", items: [{ id: 1 }, { id: 2 }] },
    ],
    [
      { owner: "o", either: { name: null } },
      { owner: "o", either: {} },
    ],
    [
      { owner: "o", lazy: { label: null } },
      { owner: "o", lazy: {} },
    ],
  ])("%j -> %j", (args, want) => {
    expect(parse(args)).toEqual({ success: true, data: want });
  });

  it("a required argument's null stays an error, saying so", () => {
    const result = parse({ owner: null, state: null });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeArgumentIssues(schema, result.issues)).toBe("owner: required, got null");
  });

  it("null inside an array is not a property: still an error", () => {
    const result = parse({ owner: "o", items: [null] });
    expect(result.success).toBe(false);
  });

  it("other problems are reported as they are", () => {
    const result = parse({ owner: "o", state: "merged", note: null });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeArgumentIssues(schema, result.issues)).toMatch(/^state: Invalid option/);
  });
});

describe("unknown properties name the valid ones", () => {
  it.each([
    [
      { owner: "o", State: "open" },
      '(root): unknown property "State"; valid arguments: owner, state, note, filter, items, either, lazy',
    ],
    [
      { owner: "o", filter: { lable: "x" } },
      'filter: unknown property "lable"; valid properties of filter: label, since',
    ],
    [
      { owner: "o", items: [{ id: 1, tags: [] }] },
      'items[0]: unknown property "tags"; valid properties of items[0]: id, tag',
    ],
    [{ owner: "o", lazy: { x: 1 } }, 'lazy: unknown property "x"; valid properties of lazy: label, since'],
  ])("%j", (args, message) => {
    const result = parse(args);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeArgumentIssues(schema, result.issues)).toBe(message);
  });

  it("union branches' properties are merged", () => {
    expect(propertiesAt(schema, ["either"])).toEqual(["name"]);
    expect(propertiesAt(schema, ["owner"])).toBeUndefined();
  });
});

describe("host arguments", () => {
  // Gemini CLI adds a boolean `wait_for_previous` to every tool it shows the model and sends it on to the server.
  it("a boolean wait_for_previous the tool does not declare is dropped, nulls with it", () => {
    expect(parse({ owner: "o", wait_for_previous: true, state: null })).toEqual({
      success: true,
      data: { owner: "o" },
    });
    expect(parse({ owner: "o", wait_for_previous: false })).toEqual({ success: true, data: { owner: "o" } });
  });

  // Strands Agents (TS) puts the active span's trace context into the arguments as `_meta` when tracing is on.
  it("an object _meta the tool does not declare is dropped, nulls with it", () => {
    const traced = { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" };
    expect(parse({ owner: "o", _meta: traced, state: null })).toEqual({
      success: true,
      data: { owner: "o" },
    });
    expect(parse({ owner: "o", _meta: {} })).toEqual({ success: true, data: { owner: "o" } });
  });

  it("_meta of another type, or below the top level: still an unknown property", () => {
    for (const args of [
      { owner: "o", _meta: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
      { owner: "o", _meta: null },
      { owner: "o", _meta: [{ traceparent: "x" }] },
      { owner: "o", filter: { _meta: { traceparent: "x" } } },
    ]) {
      const result = parse(args);
      expect(result.success, JSON.stringify(args)).toBe(false);
      if (result.success) continue;
      expect(describeArgumentIssues(schema, result.issues)).toMatch(/unknown property "_meta"/);
    }
  });

  it("another type, another depth, another name: still unknown properties", () => {
    for (const args of [
      { owner: "o", wait_for_previous: "true" },
      { owner: "o", filter: { wait_for_previous: true } },
      { owner: "o", wait_for_next: true },
    ]) {
      const result = parse(args);
      expect(result.success, JSON.stringify(args)).toBe(false);
      if (result.success) continue;
      expect(describeArgumentIssues(schema, result.issues)).toMatch(/unknown property "wait_for_/);
    }
  });

  it("the other problems are reported without it", () => {
    const result = parse({ wait_for_previous: true, state: "stale" });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(describeArgumentIssues(schema, result.issues)).not.toMatch(/wait_for_previous/);
  });

  it("a tool that declares it, or takes any property, keeps it", () => {
    const declares = z.object({ wait_for_previous: z.boolean().optional() }).strict();
    expect(parseWithNullAsAbsent(declares, { wait_for_previous: true })).toEqual({
      success: true,
      data: { wait_for_previous: true },
    });
    const meta = z.object({ _meta: z.object({ page: z.number() }).strict() }).strict();
    expect(parseWithNullAsAbsent(meta, { _meta: { page: 2 } })).toEqual({
      success: true,
      data: { _meta: { page: 2 } },
    });
    expect(parseWithNullAsAbsent(meta, { _meta: { traceparent: "x" } }).success).toBe(false);
    const loose = z.looseObject({ owner: z.string() });
    expect(parseWithNullAsAbsent(loose, { owner: "o", wait_for_previous: true })).toEqual({
      success: true,
      data: { owner: "o", wait_for_previous: true },
    });
  });
});
