import type { CatalogTool, ContentBlock, ResultConfig, ToolOutcome } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { addressable } from "../policy/field-paths.js";
import { withoutPrototypes } from "./args.js";
import { formatIssues } from "./issues.js";
import type { SchemaCache } from "./schemas.js";

/**
 * Result shaping: outcome -> MCP `CallToolResult`. Success carries a compact JSON text block (every client can
 * read it) plus `structuredContent` for tools that publish an output schema; failures are `isError` results
 * with a safe message and the call's correlation id.
 */

export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: "text"; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/**
 * Checks successful outcomes against the tool's output schema. Specs are often looser than their APIs, so a
 * mismatch does not lose the data: the result names the path that did not match and still carries the data as
 * text (but no `structuredContent`, which clients would validate and reject).
 */
export function validateOutput(schemas: SchemaCache): NamedMiddleware {
  return {
    name: "validate-output",
    async run(ctx, next) {
      const outcome = await next();
      if (outcome.error || !ctx.tool.outputSchema) return outcome;
      const schema = schemas.output(ctx.tool.name);
      if (!schema) return outcome;
      // A prototype-free copy, as for arguments: an optional field named `constructor` must not be "found".
      const checked = schema.safeParse(withoutPrototypes(outcome.data));
      if (checked.success) return outcome;
      return {
        ...outcome,
        error: {
          message: `the upstream response does not match the tool's output schema: ${formatIssues(checked.error.issues, 3)}`,
          code: "output_mismatch",
        },
      };
    },
  };
}

export function compactJson(data: unknown): string {
  if (typeof data === "string") return data;
  return JSON.stringify(data) ?? "null";
}

/** How a catalog renders results (`catalog.result`), and the call facts its envelope reports. */
export interface ResultView {
  envelope?: ResultConfig["envelope"];
  /** `meta` of the `success-data` envelope: tool, upstream status, duration (the correlation id is added). */
  meta?: Record<string, unknown>;
  /**
   * Whether clients were given an output schema for the tool, so results carry `structuredContent` (default:
   * whenever the tool has one; a catalog served with output schemas `none` answers in text only).
   */
  structured?: boolean;
}

export function renderToolResult(
  outcome: ToolOutcome,
  tool: CatalogTool,
  correlationId: string,
  view: ResultView = {},
): ToolResult {
  if (view.envelope === "success-data")
    return envelopeResult(outcome, tool, correlationId, view.meta, view.structured);
  if (outcome.error) {
    // A confirmation preview is JSON for the model to act on (it carries its correlation id inside).
    if (outcome.error.code === "confirmation_required")
      return { content: [{ type: "text", text: outcome.error.message }], isError: true };
    const content: ToolResult["content"] = [
      { type: "text", text: `${outcome.error.message} (correlation id ${correlationId})` },
    ];
    // An error that carries data keeps it: a schema mismatch (the data came back fine, just not as the spec
    // promised) or GraphQL partial data (what did resolve, next to the errors).
    if (attachable(tool, outcome.data)) content.push({ type: "text", text: compactJson(outcome.data) });
    return { content, isError: true };
  }
  const result: ToolResult = { content: [{ type: "text", text: compactJson(outcome.data) }] };
  if (tool.outputSchema && view.structured !== false) {
    const structured = tool.outputWrapped ? { result: outcome.data } : outcome.data;
    if (structured === null || typeof structured !== "object" || Array.isArray(structured)) {
      // Clients reject a result without structuredContent from a tool that declares an output schema.
      const message = "the upstream response is not the object the tool's output schema describes";
      return renderToolResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
        view,
      );
    }
    result.structuredContent = structured as Record<string, unknown>;
  }
  return result;
}

/**
 * Whether a failure may show the data it carries. Never for a tool whose policies shape its data by path
 * (masked fields, names-only, a path-scoped listing) unless the data is JSON those paths address: text or an
 * undecoded body got past them untouched, so it is not shown (the policies replace it already; this is the
 * last line).
 */
function attachable(tool: CatalogTool, data: unknown): boolean {
  if (data === null || data === undefined) return false;
  const p = tool.policy;
  const shaped =
    (p.masked?.length ?? 0) > 0 ||
    p.namesOnly !== undefined ||
    p.scopedList !== undefined ||
    (p.scopedItems?.length ?? 0) > 0;
  return !shaped || addressable(data);
}

/**
 * A successful call's extra content blocks from a hand-written handler (images, audio, embedded resources),
 * after the rendered text. `ToolResult` keeps text-only content for the code that reads results back.
 */
export function withHandlerContent(
  result: ToolResult,
  outcome: ToolOutcome,
): Omit<ToolResult, "content"> & { content: Array<ToolResult["content"][number] | ContentBlock> } {
  if (result.isError || outcome.error || !outcome.content || outcome.content.length === 0) return result;
  return { ...result, content: [...result.content, ...outcome.content] };
}

/** What the wire shows for an exception nobody anticipated; the details go to stderr, redacted. */
export function internalErrorResult(correlationId: string, view: ResultView = {}): ToolResult {
  if (view.envelope === "success-data") {
    const body = {
      success: false,
      error: { message: "internal error", code: "internal" },
      meta: { ...view.meta, correlation_id: correlationId },
    };
    return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
  }
  return {
    content: [{ type: "text", text: `internal error (correlation id ${correlationId})` }],
    isError: true,
  };
}

/**
 * The `success-data` envelope: the text block is JSON only, `{"success":true,"data":...,"meta":{...}}`, or
 * `{"success":false,"error":{"message","code","details"?},"data"?,"meta":{...}}` for every failure alike
 * (policy refusals, upstream errors, GraphQL errors with the partial data they kept). `structuredContent` stays
 * the data itself, as the output schema describes it; the correlation id lives in `meta`.
 */
function envelopeResult(
  outcome: ToolOutcome,
  tool: CatalogTool,
  correlationId: string,
  extra: Record<string, unknown> = {},
  published = true,
): ToolResult {
  const meta = { ...extra, correlation_id: correlationId };
  if (!outcome.error && tool.outputSchema && published) {
    const structured = tool.outputWrapped ? { result: outcome.data } : outcome.data;
    if (structured === null || typeof structured !== "object" || Array.isArray(structured)) {
      const message = "the upstream response is not the object the tool's output schema describes";
      return envelopeResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
        extra,
        published,
      );
    }
    const body = { success: true, data: outcome.data, meta };
    return {
      content: [{ type: "text", text: JSON.stringify(body) }],
      structuredContent: structured as Record<string, unknown>,
    };
  }
  if (!outcome.error) {
    return {
      content: [{ type: "text", text: JSON.stringify({ success: true, data: outcome.data ?? null, meta }) }],
    };
  }
  const hasData = attachable(tool, outcome.data);
  const body = {
    success: false,
    error: envelopeError(outcome.error),
    ...(hasData ? { data: outcome.data } : {}),
    meta,
  };
  return { content: [{ type: "text", text: JSON.stringify(body) }], isError: true };
}

function envelopeError(error: NonNullable<ToolOutcome["error"]>): Record<string, unknown> {
  const code = error.code ?? "error";
  // A message that is itself a JSON object (a confirmation preview) is data for the model, not prose.
  const parsed = parseObject(error.message);
  if (parsed) {
    const message = typeof parsed.message === "string" ? parsed.message : code.replace(/_/g, " ");
    return { message, code, details: parsed };
  }
  return { message: error.message, code, ...(error.details !== undefined ? { details: error.details } : {}) };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
