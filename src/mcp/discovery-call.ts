import { z } from "zod";
import { checkArguments } from "../runtime/args.js";
import { CALL_TOOL, DESCRIBE_TOOL, type Discovery, FIND_TOOLS } from "./discovery.js";

export { CALL_TOOL, DESCRIBE_TOOL, FIND_TOOLS };

type ToolResult = {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

/** The discovery tools' argument schemas: built on the first discovery call, not at every server's start-up. */
function buildArgSchemas() {
  return {
    find: z.strictObject({
      query: z.string().min(1).max(200),
      limit: z.number().int().min(1).max(50).optional(),
    }),
    describe: z.strictObject({ name: z.string().min(1).max(128) }),
    call: z.strictObject({
      name: z.string().min(1).max(128),
      arguments: z.record(z.string(), z.unknown()).optional(),
    }),
  };
}
type ArgSchemas = ReturnType<typeof buildArgSchemas>;
let argSchemas: ArgSchemas | undefined;
const schemas = (): ArgSchemas => (argSchemas ??= buildArgSchemas());

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
    const args = checkArguments(schemas().find, raw ?? {});
    if (!args.ok) return error(args.message);
    const { query, limit } = args.data as z.infer<ArgSchemas["find"]>;
    return ok(discovery.find(query, limit ?? 10), true);
  }
  if (name === DESCRIBE_TOOL) {
    const args = checkArguments(schemas().describe, raw ?? {});
    if (!args.ok) return error(args.message);
    const { name: described } = args.data as z.infer<ArgSchemas["describe"]>;
    const description = discovery.describe(described);
    return description
      ? ok({ ...description }, false)
      : error(`no tool named ${JSON.stringify(described)}; use ${FIND_TOOLS}`);
  }
  const args = checkArguments(schemas().call, raw ?? {});
  if (!args.ok) return error(args.message);
  const call = args.data as z.infer<ArgSchemas["call"]>;
  if (!discovery.resolve(call.name))
    return error(`no tool named ${JSON.stringify(call.name)}; use ${FIND_TOOLS}`);
  return { name: call.name, arguments: { ...(call.arguments ?? {}) } };
}
