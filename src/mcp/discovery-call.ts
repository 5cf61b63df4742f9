import { z } from "zod";
import { formatIssues } from "../runtime/issues.js";
import { CALL_TOOL, DESCRIBE_TOOL, type Discovery, FIND_TOOLS } from "./discovery.js";

export { CALL_TOOL, DESCRIBE_TOOL, FIND_TOOLS };

type ToolResult = {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

const findArgs = z.strictObject({
  query: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(50).optional(),
});
const describeArgs = z.strictObject({ name: z.string().min(1).max(128) });
const callArgs = z.strictObject({
  name: z.string().min(1).max(128),
  arguments: z.record(z.string(), z.unknown()).optional(),
});

function error(text: string): { result: ToolResult } {
  return { result: { content: [{ type: "text", text }], isError: true } };
}

function ok(data: Record<string, unknown>, structured: boolean): { result: ToolResult } {
  return {
    result: {
      content: [{ type: "text", text: JSON.stringify(data) }],
      ...(structured ? { structuredContent: data } : {}),
    },
  };
}

/**
 * One of the three discovery tools: find and describe answer here; call resolves to the named tool and its
 * arguments, which the caller then runs exactly like a direct call.
 */
export function discoveryCall(
  discovery: Discovery,
  name: string,
  raw: unknown,
): { result: ToolResult } | { name: string; arguments: Record<string, unknown> } {
  if (name === FIND_TOOLS) {
    const args = findArgs.safeParse(raw ?? {});
    if (!args.success) return error(`invalid arguments: ${formatIssues(args.error.issues)}`);
    return ok(discovery.find(args.data.query, args.data.limit ?? 10), true);
  }
  if (name === DESCRIBE_TOOL) {
    const args = describeArgs.safeParse(raw ?? {});
    if (!args.success) return error(`invalid arguments: ${formatIssues(args.error.issues)}`);
    const described = discovery.describe(args.data.name);
    return described
      ? ok({ ...described }, false)
      : error(`no tool named ${JSON.stringify(args.data.name)}; use ${FIND_TOOLS}`);
  }
  const args = callArgs.safeParse(raw ?? {});
  if (!args.success) return error(`invalid arguments: ${formatIssues(args.error.issues)}`);
  if (!discovery.resolve(args.data.name))
    return error(`no tool named ${JSON.stringify(args.data.name)}; use ${FIND_TOOLS}`);
  return { name: args.data.name, arguments: args.data.arguments ?? {} };
}
