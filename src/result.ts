import type { CatalogTool, ToolOutcome } from "./catalog.js";
import type { NamedMiddleware } from "./chain.js";
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
      const checked = schema.safeParse(outcome.data);
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

export function renderToolResult(outcome: ToolOutcome, tool: CatalogTool, correlationId: string): ToolResult {
  if (outcome.error) {
    const content: ToolResult["content"] = [
      { type: "text", text: `${outcome.error.message} (correlation id ${correlationId})` },
    ];
    // Only a schema mismatch keeps its data: it came back fine, it just is not what the spec promised.
    if (outcome.error.code === "output_mismatch")
      content.push({ type: "text", text: compactJson(outcome.data) });
    return { content, isError: true };
  }
  const result: ToolResult = { content: [{ type: "text", text: compactJson(outcome.data) }] };
  if (tool.outputSchema) {
    const structured = tool.outputWrapped ? { result: outcome.data } : outcome.data;
    if (structured === null || typeof structured !== "object" || Array.isArray(structured)) {
      // Clients reject a result without structuredContent from a tool that declares an output schema.
      const message = "the upstream response is not the object the tool's output schema describes";
      return renderToolResult(
        { ...outcome, error: { message, code: "output_mismatch" } },
        tool,
        correlationId,
      );
    }
    result.structuredContent = structured as Record<string, unknown>;
  }
  return result;
}

/** What the wire shows for an exception nobody anticipated; the details go to stderr, redacted. */
export function internalErrorResult(correlationId: string): ToolResult {
  return {
    content: [{ type: "text", text: `internal error (correlation id ${correlationId})` }],
    isError: true,
  };
}
