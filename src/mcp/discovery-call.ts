import { z } from "zod";
import { checkArguments } from "../runtime/args.js";
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
    const args = checkArguments(findArgs, raw ?? {});
    if (!args.ok) return error(args.message);
    const { query, limit } = args.data as z.infer<typeof findArgs>;
    return ok(discovery.find(query, limit ?? 10), true);
  }
  if (name === DESCRIBE_TOOL) {
    const args = checkArguments(describeArgs, raw ?? {});
    if (!args.ok) return error(args.message);
    const { name: described } = args.data as z.infer<typeof describeArgs>;
    const description = discovery.describe(described);
    return description
      ? ok({ ...description }, false)
      : error(`no tool named ${JSON.stringify(described)}; use ${FIND_TOOLS}`);
  }
  const args = checkArguments(callArgs, raw ?? {});
  if (!args.ok) return error(args.message);
  const call = args.data as z.infer<typeof callArgs>;
  if (!discovery.resolve(call.name))
    return error(`no tool named ${JSON.stringify(call.name)}; use ${FIND_TOOLS}`);
  return { name: call.name, arguments: { ...(call.arguments ?? {}) } };
}
