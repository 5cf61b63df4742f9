import { describe, expect, it } from "vitest";
import type { CatalogTool } from "../../src/catalog.js";
import { internalErrorResult, renderToolResult } from "../../src/runtime/result.js";

// How outcomes render: the plain form, and the `success-data` envelope the Scaly catalog uses, for successes,
// upstream errors, GraphQL partial data, policy refusals (including a JSON confirmation preview) and crashes.

const tool = {
  name: "scaly_get_app",
  outputSchema: { type: "object" },
  policy: {},
} as unknown as CatalogTool;
const wrapped = { ...tool, outputWrapped: true } as CatalogTool;
const meta = { tool: "scaly_get_app", upstream_status: 200, duration_ms: 12 };
const view = { envelope: "success-data" as const, meta };
const textOf = (r: { content: readonly unknown[] }) => r.content.map((c) => (c as { text?: string }).text);

describe("notes (data that is not exactly what the upstream sent)", () => {
  const note = "the upstream's body is not valid utf-8: ...";
  it("plain: a text block after the data's; the envelope: meta.notes, the text JSON only", () => {
    const plain = renderToolResult({ data: { id: "a\uFFFD" }, notes: [note] }, tool, "abc123");
    expect(textOf(plain)).toEqual(['{"id":"a\uFFFD"}', `note: ${note}`]);
    expect(plain.structuredContent).toEqual({ id: "a\uFFFD" });
    const enveloped = renderToolResult({ data: { id: "a" }, notes: [note] }, tool, "abc123", view);
    expect(textOf(enveloped)).toHaveLength(1);
    expect(JSON.parse(textOf(enveloped)[0] as string).meta.notes).toEqual([note]);
    expect(textOf(renderToolResult({ data: { id: "a" } }, tool, "abc123"))).toEqual(['{"id":"a"}']);
  });
});

describe("success-data envelope", () => {
  it("success: JSON-only text with data and meta (correlation id included); structuredContent is the data", () => {
    const r = renderToolResult({ data: { id: "app_1" }, status: 200 }, tool, "abc123", view);
    expect(r.isError).toBeUndefined();
    expect(textOf(r)).toEqual([
      JSON.stringify({
        success: true,
        data: { id: "app_1" },
        meta: { ...meta, correlation_id: "abc123" },
      }),
    ]);
    expect(r.structuredContent).toEqual({ id: "app_1" });
    const list = renderToolResult({ data: [1, 2] }, wrapped, "abc123", view);
    expect(list.structuredContent).toEqual({ result: [1, 2] });
    expect(JSON.parse(textOf(list)[0] as string).data).toEqual([1, 2]);
  });

  it("failures: success false with message and code; partial data and details ride along; no structuredContent", () => {
    const refused = renderToolResult(
      { data: null, error: { message: "refused by SCALY_READ_ONLY=true", code: "refused" } },
      tool,
      "abc123",
      view,
    );
    expect(refused.isError).toBe(true);
    expect(refused.structuredContent).toBeUndefined();
    expect(JSON.parse(textOf(refused)[0] as string)).toEqual({
      success: false,
      error: { message: "refused by SCALY_READ_ONLY=true", code: "refused" },
      meta: { ...meta, correlation_id: "abc123" },
    });
    const partial = renderToolResult(
      {
        data: { id: "stk_ml", usage: null },
        status: 200,
        error: {
          message: "partial result",
          code: "graphql_partial_data",
          details: { partial: true, errors: [{ message: "m", path: ["stack", "usage"] }] },
        },
      },
      tool,
      "abc123",
      view,
    );
    expect(JSON.parse(textOf(partial)[0] as string)).toMatchObject({
      success: false,
      error: { code: "graphql_partial_data", details: { errors: [{ path: ["stack", "usage"] }] } },
      data: { id: "stk_ml", usage: null },
    });
  });

  it("a message that is a JSON object (a confirmation preview) becomes details, not an escaped string", () => {
    const preview = { confirmation_required: true, confirmation_token: "t0k", next: "repeat the call" };
    const r = renderToolResult(
      { data: null, error: { message: JSON.stringify(preview), code: "confirmation_required" } },
      tool,
      "abc123",
      view,
    );
    expect(JSON.parse(textOf(r)[0] as string).error).toEqual({
      message: "confirmation required",
      code: "confirmation_required",
      details: preview,
    });
  });

  it("a result that is not the object the schema promises is an output_mismatch failure; crashes are enveloped too", () => {
    const r = renderToolResult({ data: "oops", status: 200 }, tool, "abc123", view);
    expect(r.isError).toBe(true);
    expect(JSON.parse(textOf(r)[0] as string)).toMatchObject({
      success: false,
      error: { code: "output_mismatch" },
      data: "oops",
    });
    const crash = internalErrorResult("abc123", { envelope: "success-data", meta: { tool: "t" } });
    expect(JSON.parse(textOf(crash)[0] as string)).toEqual({
      success: false,
      error: { message: "internal error", code: "internal" },
      meta: { tool: "t", correlation_id: "abc123" },
    });
  });
});

describe("plain results", () => {
  it("an error that carries data (GraphQL partial data) shows it after the message", () => {
    const r = renderToolResult(
      {
        data: { id: "stk_ml", usage: null },
        error: { message: "partial result: …", code: "graphql_partial_data" },
      },
      tool,
      "abc123",
    );
    expect(textOf(r)).toEqual([
      "partial result: … (correlation id abc123)",
      JSON.stringify({ id: "stk_ml", usage: null }),
    ]);
    expect(r.isError).toBe(true);
    expect(renderToolResult({ data: null, error: { message: "no" } }, tool, "abc123").content).toHaveLength(
      1,
    );
  });
});
