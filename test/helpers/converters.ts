import { mcpTools } from "@anthropic-ai/sdk/helpers/beta/mcp";
import { mcpToTool } from "@google/genai";
import { loadMcpTools } from "@langchain/mcp-adapters";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { mcpToFunctionTool } from "@openai/agents";
import {
  anthropic,
  geminiJsonSchema,
  geminiParameters,
  geminiParametersSent,
  openaiLimits,
  openaiStrict,
} from "./providers.js";

/**
 * Every widely used provider SDK's and framework's own conversion of an MCP tool, run on a listed tool, with the
 * problems each leaves: a conversion that throws, a name or schema outside the provider's documented rules, and
 * (where the conversion yields a schema a validator enforces) a valid argument object refused or an invalid one
 * accepted. Rules are `providers.ts`'s (docs/providers.md has their sources).
 */

type Node = Record<string, unknown>;
export interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: Node;
}

const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** OpenAI, Anthropic: a function or tool name. */
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Gemini: a function name starts with a letter or `_` (Vertex AI) and may hold `.`, `:`, `-`. */
const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** Anthropic (and Bedrock): the keys of an input schema's top-level `properties`. */
const PROPERTY_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

export const CONVERTERS = [
  "openai-agents",
  "ai-sdk",
  "langchain",
  "gemini-json-schema",
  "gemini-parameters",
  "anthropic",
] as const;
export type Converter = (typeof CONVERTERS)[number];

/** Names as hosts prefix them (`mcp__<server>__<tool>`) within the providers' rule. */
export function nameProblems(server: string, name: string): string[] {
  const prefixed = `mcp__${server}__${name}`;
  return NAME.test(prefixed) ? [] : [`name ${prefixed} (${prefixed.length} characters) outside ${NAME}`];
}

/** OpenAI strict mode's structural rules on a schema the Agents SDK marked strict. */
export function strictShapeProblems(schema: unknown, at = "#", out: string[] = []): string[] {
  if (!isNode(schema)) return out;
  if (at === "#" && schema.type !== "object") out.push(`#: strict root is not an object`);
  for (const key of ["allOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas", "oneOf"])
    if (key in schema) out.push(`${at}: ${key} in a strict schema`);
  if (schema.type === "object" || isNode(schema.properties)) {
    const properties = isNode(schema.properties) ? schema.properties : {};
    if (schema.additionalProperties !== false)
      out.push(`${at}: strict object without additionalProperties false`);
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    for (const name of Object.keys(properties))
      if (!required.has(name)) out.push(`${at}: strict property ${name} not required`);
    for (const [name, child] of Object.entries(properties))
      strictShapeProblems(child, `${at}/properties/${name}`, out);
  }
  if (schema.items !== undefined) strictShapeProblems(schema.items, `${at}/items`, out);
  for (const key of ["anyOf", "prefixItems"])
    (schema[key] as unknown[] | undefined)?.forEach((branch, i) => {
      strictShapeProblems(branch, `${at}/${key}/${i}`, out);
    });
  for (const [name, def] of Object.entries((schema.$defs as Node) ?? {}))
    strictShapeProblems(def, `#/$defs/${name}`, out);
  return out;
}

/** A stand-in for the MCP server object the Agents SDK binds function tools to (it reads only the name). */
const SERVER = { name: "catalog" } as unknown as Parameters<typeof mcpToFunctionTool>[1];

/** The Agents SDK's conversion, strict asked for: strict only when OpenAI can take it; either way no throw. */
export function openaiAgents(tool: ListedTool): string[] {
  const warn = console.warn;
  console.warn = () => {};
  try {
    const converted = mcpToFunctionTool(tool as never, SERVER, true) as {
      strict?: boolean;
      parameters: unknown;
    };
    mcpToFunctionTool(tool as never, SERVER, false);
    return converted.strict === true ? strictShapeProblems(converted.parameters) : [];
  } catch (error) {
    return [`threw: ${(error as Error).message}`];
  } finally {
    console.warn = warn;
  }
}

const FORMAT_SAMPLES: Record<string, string> = {
  "date-time": "2024-01-02T03:04:05Z",
  date: "2024-01-02",
  time: "03:04:05Z",
  duration: "P1D",
  email: "a@example.com",
  "idn-email": "a@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "127.0.0.1",
  ipv6: "::1",
  uri: "https://example.com/a",
  "uri-reference": "https://example.com/a",
  iri: "https://example.com/a",
  url: "https://example.com/a",
  uuid: "123e4567-e89b-12d3-a456-426614174000",
  byte: "YQ==",
  binary: "a",
  password: "a",
};
/** Strings tried, in order, against a `pattern` (the first that matches, with the lengths, is the sample). */
const PATTERN_CANDIDATES = [
  "a",
  "abc",
  "A",
  "1",
  "123",
  "a1",
  "a-b",
  "ab_12",
  "2024-01-02",
  "2024-01-02T03:04:05Z",
  "123e4567-e89b-12d3-a456-426614174000",
  "aaaaaaaaaa",
  "AAAAAAAAAA",
  "1234567890",
  "a@example.com",
  "https://example.com/a",
  "US",
  "USD",
  "en-US",
];

/** Marks a schema the sampler cannot satisfy (a pattern no candidate matches, `not`, ...). */
export const NO_SAMPLE = Symbol("no sample");

/**
 * A value the schema accepts, built from it: objects with their required properties only, a union's first branch
 * that gives one, the first enum value, strings of the format or pattern, the least number in range, the fewest
 * items. `NO_SAMPLE` where it cannot tell (the caller counts those, never guesses).
 */
export function sampleOf(schema: unknown, root: Node, depth = 0): unknown {
  if (schema === true || (isNode(schema) && Object.keys(schema).length === 0)) return "a";
  if (!isNode(schema) || depth > 40) return NO_SAMPLE;
  if (typeof schema.$ref === "string") {
    const target = resolve(root, schema.$ref);
    return target === undefined ? NO_SAMPLE : sampleOf(target, root, depth + 1);
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.length > 0 ? schema.enum[0] : NO_SAMPLE;
  if (schema.not !== undefined) return NO_SAMPLE;
  if (Array.isArray(schema.allOf)) return sampleAllOf(schema, root, depth);
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const { anyOf: _a, oneOf: _o, ...base } = schema;
    const ordered = [...union].sort(
      (a, b) => Number(isNode(a) && a.type === "null") - Number(isNode(b) && b.type === "null"),
    );
    for (const branch of ordered) {
      const value = sampleOf(isNode(branch) ? withBranch(base, branch) : branch, root, depth + 1);
      if (value !== NO_SAMPLE) return value;
    }
    return NO_SAMPLE;
  }
  const types = Array.isArray(schema.type)
    ? schema.type
    : schema.type === undefined
      ? [guessType(schema)]
      : [schema.type];
  const type = types.find((t) => t !== "null") ?? types[0];
  switch (type) {
    case "object":
      return sampleObject(schema, root, depth);
    case "array":
      return sampleArray(schema, root, depth);
    case "string":
      return sampleString(schema);
    case "integer":
    case "number":
      return sampleNumber(schema, type);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return "a";
  }
}

/** A union branch with what stands beside the union: properties and `required` united, the branch's other keys winning. */
function withBranch(base: Node, branch: Node): Node {
  const out: Node = { ...base, ...branch };
  if (isNode(base.properties) && isNode(branch.properties))
    out.properties = { ...base.properties, ...branch.properties };
  const required = [...((base.required as string[]) ?? []), ...((branch.required as string[]) ?? [])];
  if (required.length > 0) out.required = [...new Set(required)];
  return out;
}

function guessType(schema: Node): string {
  if (
    isNode(schema.properties) ||
    schema.additionalProperties !== undefined ||
    Array.isArray(schema.required)
  )
    return "object";
  if (schema.items !== undefined || schema.prefixItems !== undefined) return "array";
  if (
    typeof schema.pattern === "string" ||
    typeof schema.format === "string" ||
    schema.minLength !== undefined
  )
    return "string";
  if (schema.minimum !== undefined || schema.maximum !== undefined) return "number";
  return "any";
}

function resolve(root: Node, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isNode(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function sampleAllOf(schema: Node, root: Node, depth: number): unknown {
  const { allOf, ...base } = schema;
  const parts = [base, ...(allOf as unknown[])].map((part) =>
    isNode(part) && typeof part.$ref === "string" ? (resolve(root, part.$ref) ?? {}) : part,
  );
  const merged: Node = {};
  const properties: Node = {};
  const required = new Set<string>();
  for (const part of parts) {
    if (!isNode(part)) continue;
    if (Array.isArray(part.allOf)) return NO_SAMPLE;
    for (const [key, value] of Object.entries(part)) {
      if (key === "properties" && isNode(value)) Object.assign(properties, value);
      else if (key === "required" && Array.isArray(value))
        for (const name of value) required.add(String(name));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return sampleOf(merged, root, depth + 1);
}

function sampleObject(schema: Node, root: Node, depth: number): unknown {
  const properties = isNode(schema.properties) ? schema.properties : {};
  const out: Node = {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  for (const name of required) {
    const child = Object.hasOwn(properties, name) ? properties[name] : (schema.additionalProperties ?? true);
    const value = sampleOf(child, root, depth + 1);
    if (value === NO_SAMPLE) return NO_SAMPLE;
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  const fewest = typeof schema.minProperties === "number" ? schema.minProperties : 0;
  for (const name of Object.keys(properties)) {
    if (Object.keys(out).length >= fewest) break;
    const value = sampleOf(properties[name], root, depth + 1);
    if (value === NO_SAMPLE) return NO_SAMPLE;
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return Object.keys(out).length >= fewest ? out : NO_SAMPLE;
}

function sampleArray(schema: Node, root: Node, depth: number): unknown {
  const fewest = typeof schema.minItems === "number" ? schema.minItems : 0;
  if (fewest === 0) return [];
  if (Array.isArray(schema.prefixItems) || fewest > 5) return NO_SAMPLE;
  const item = sampleOf(schema.items ?? true, root, depth + 1);
  if (item === NO_SAMPLE) return NO_SAMPLE;
  if (schema.uniqueItems === true && fewest > 1) return NO_SAMPLE;
  return Array.from({ length: fewest }, () => structuredClone(item));
}

function sampleString(schema: Node): unknown {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  const fits = (text: string) => [...text].length >= min && [...text].length <= max;
  const format = typeof schema.format === "string" ? FORMAT_SAMPLES[schema.format] : undefined;
  const candidates = [
    ...(format !== undefined ? [format] : []),
    ...PATTERN_CANDIDATES,
    "a".repeat(Math.min(Math.max(min, 1), 10_000)),
    "1".repeat(Math.min(Math.max(min, 1), 10_000)),
  ];
  let pattern: RegExp | undefined;
  if (typeof schema.pattern === "string") {
    try {
      pattern = new RegExp(schema.pattern, "u");
    } catch {
      return NO_SAMPLE;
    }
  }
  const found = candidates.find(
    (text) =>
      fits(text) &&
      (pattern === undefined || pattern.test(text)) &&
      (format === undefined || text === format || schema.format === "password" || schema.format === "binary"),
  );
  return found ?? NO_SAMPLE;
}

function sampleNumber(schema: Node, type: string): unknown {
  let value = 0;
  if (typeof schema.minimum === "number") value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === "number") value = Math.max(value, schema.exclusiveMinimum + 1);
  if (typeof schema.maximum === "number" && value > schema.maximum) value = schema.maximum;
  if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum)
    value = schema.exclusiveMaximum - 1;
  if (typeof schema.multipleOf === "number" && schema.multipleOf > 0)
    value = Math.ceil(value / schema.multipleOf) * schema.multipleOf;
  if (type === "integer") value = Math.ceil(value);
  return value;
}

/** What a client a converter reads tools through needs (the v1 SDK client is one). */
export type ToolLister = Pick<Client, "listTools">;

export interface Checked {
  /** Problems per converter, each `tool: problem`. */
  problems: Record<Converter, string[]>;
  /** Tools whose valid sample each validating converter was given (and invalid ones). */
  validated: number;
  /** LangChain's refusals of valid arguments at a union it cannot keep (`langchainLossyUnions`), `tool: place`. */
  langchainLossy: string[];
}

/** Whether the argument validation of a converted tool passes `args` (LangChain: its own @cfworker check). */
async function langchainAccepts(
  tool: { func: unknown; invoke: (args: unknown) => Promise<unknown> },
  args: unknown,
) {
  tool.func = async () => ["ok", []];
  try {
    await tool.invoke(args);
    return true;
  } catch (error) {
    if (/did not match expected schema/.test((error as Error).message)) return false;
    throw error;
  }
}

export interface Samples {
  /** Arguments toolwright's own zod accepts, per tool. */
  valid: Map<string, unknown>;
  /** Arguments toolwright's own zod refuses, per tool. */
  invalid: Map<string, unknown>;
}

/**
 * Every converter on every listed tool of one server (`server`: the name hosts prefix tools with); `portable`
 * also holds the schemas to each provider's schema rules. Validators get the samples.
 */
export async function checkConverters(
  server: string,
  tools: readonly ListedTool[],
  client: ToolLister,
  samples: Samples,
  portable: boolean,
): Promise<Checked> {
  const problems = Object.fromEntries(CONVERTERS.map((c) => [c, [] as string[]])) as Record<
    Converter,
    string[]
  >;
  const add = (converter: Converter, name: string, found: readonly string[]) => {
    for (const problem of found) problems[converter].push(`${name}: ${problem}`);
  };
  for (const tool of tools) {
    add("openai-agents", tool.name, [...openaiAgents(tool), ...nameProblems(server, tool.name)]);
    if (portable)
      add("openai-agents", tool.name, [
        ...openaiStrict(tool.name, tool.inputSchema),
        ...openaiLimits(tool.inputSchema),
      ]);
    // The AI SDK's MCP client declares each tool with the input schema closed at the root (it checks no arguments
    // itself: what it sends must mean what the listed schema means).
    add("ai-sdk", tool.name, closedRootProblems(tool.inputSchema));
    add("gemini-json-schema", tool.name, portable ? geminiJsonSchema(tool.inputSchema) : []);
    add("gemini-parameters", tool.name, portable ? geminiParameters(tool.inputSchema) : []);
    if (portable) add("anthropic", tool.name, anthropic(tool.inputSchema));
  }
  if (portable)
    for (const problem of await geminiParametersSent(tools))
      problems["gemini-parameters"].push(`sent: ${problem}`);
  const langchainLossy = await convertedByClients(server, tools, client, samples, add);
  return { problems, validated: samples.valid.size, langchainLossy };
}

async function convertedByClients(
  server: string,
  tools: readonly ListedTool[],
  client: ToolLister,
  samples: Samples,
  add: (converter: Converter, name: string, found: readonly string[]) => void,
): Promise<string[]> {
  const lossyRefusals: string[] = [];
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  try {
    const decls = (await mcpToTool(client as never).tool()).functionDeclarations ?? [];
    if (decls.length !== tools.length)
      add("gemini-json-schema", "*", [`${decls.length} declarations of ${tools.length} tools`]);
    for (const decl of decls) {
      // mcpToTool declares the bare name; hosts declare it prefixed.
      for (const declared of [decl.name ?? "", `mcp__${server}__${decl.name}`])
        if (!GEMINI_NAME.test(declared)) add("gemini-json-schema", decl.name ?? "?", [`name ${declared}`]);
      const listed = byName.get(decl.name ?? "");
      if (!listed || JSON.stringify(decl.parametersJsonSchema) !== JSON.stringify(listed.inputSchema))
        add("gemini-json-schema", decl.name ?? "?", ["parametersJsonSchema is not the listed input schema"]);
    }
  } catch (error) {
    add("gemini-json-schema", "*", [`mcpToTool threw: ${(error as Error).message}`]);
  }
  try {
    const converted = mcpTools(tools as never, client as never);
    for (const tool of converted) {
      const schema = (tool as unknown as { input_schema: Node }).input_schema;
      if (schema.type !== "object") add("anthropic", tool.name, ["input_schema is not an object"]);
      // The API's 400 "input_schema.properties: Property keys should match pattern" (Bedrock's too): top level.
      for (const key of Object.keys((schema.properties as Node) ?? {}))
        if (!PROPERTY_KEY.test(key)) add("anthropic", tool.name, [`property key ${JSON.stringify(key)}`]);
    }
  } catch (error) {
    add("anthropic", "*", [`mcpTools threw: ${(error as Error).message}`]);
  }
  let lc: Awaited<ReturnType<typeof loadMcpTools>> = [];
  try {
    lc = await loadMcpTools(server, client as never, {
      throwOnLoadError: true,
      prefixToolNameWithServerName: false,
    });
  } catch (error) {
    add("langchain", "*", [`loadMcpTools threw: ${(error as Error).message}`]);
  }
  if (lc.length !== tools.length && lc.length > 0)
    add("langchain", "*", [`${lc.length} tools of ${tools.length}`]);
  for (const tool of lc) {
    const valid = samples.valid.get(tool.name);
    const invalid = samples.invalid.get(tool.name);
    const t = tool as unknown as Parameters<typeof langchainAccepts>[0];
    try {
      if (valid !== undefined && !(await langchainAccepts(t, valid))) {
        // A union LangChain cannot keep is its own documented loss (langchainLossyUnions), counted apart.
        const lossy = langchainLossyUnions(byName.get(tool.name)?.inputSchema);
        if (lossy.length > 0) lossyRefusals.push(`${tool.name}: ${lossy[0]}`);
        else
          add("langchain", tool.name, [
            `refuses ${JSON.stringify(valid).slice(0, 200)} (toolwright accepts)`,
          ]);
      }
      if (invalid !== undefined && (await langchainAccepts(t, invalid)))
        add("langchain", tool.name, [
          `accepts ${JSON.stringify(invalid).slice(0, 200)} (toolwright refuses)`,
        ]);
    } catch (error) {
      add("langchain", tool.name, [`validation threw: ${(error as Error).message}`]);
    }
  }
  return lossyRefusals;
}

/**
 * The AI SDK's MCP client spreads the input schema and sets `properties` (to `{}` when absent) and
 * `additionalProperties: false` at the root: a root whose arguments are not all its own `properties` (a union,
 * a reference, open or pattern-matched members) would be narrowed or closed by it.
 */
export function closedRootProblems(schema: Node): string[] {
  const problems: string[] = [];
  for (const key of ["anyOf", "oneOf", "allOf", "$ref", "patternProperties", "if", "dependentSchemas"])
    if (key in schema) problems.push(`root ${key}, which the AI SDK's closed root narrows`);
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
    problems.push("root additionalProperties other than false, which the AI SDK closes");
  if (schema.type !== "object") problems.push(`root type ${JSON.stringify(schema.type)}, not object`);
  return problems;
}

/**
 * Where LangChain.js's MCP adapters cannot keep a union: `simplifyJsonSchemaForLLM` replaces `anyOf`/`oneOf` by
 * the union of its object branches' properties (`Object.assign`, the last branch's schema winning a name two
 * declare) and drops the other branches. Each such place, as `path: property`, where two object branches declare
 * one property differently, or a branch that is no object sits beside object branches: a value valid by one branch
 * may be refused there by LangChain's own validation.
 */
export function langchainLossyUnions(schema: unknown, at = "#", out: string[] = []): string[] {
  if (Array.isArray(schema)) {
    for (const item of schema) langchainLossyUnions(item, at, out);
    return out;
  }
  if (!isNode(schema)) return out;
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    const objects = union.filter((b) => isNode(b) && (b.type === "object" || isNode(b.properties))) as Node[];
    const seen = new Map<string, string>();
    for (const branch of objects)
      for (const [name, child] of Object.entries((branch.properties as Node) ?? {})) {
        const text = JSON.stringify(child);
        if (seen.has(name) && seen.get(name) !== text) out.push(`${at}: ${name}`);
        seen.set(name, text);
      }
    if (objects.length > 0 && objects.length < union.filter((b) => !(isNode(b) && b.type === "null")).length)
      out.push(`${at}: a branch that is no object`);
  }
  for (const [key, value] of Object.entries(schema))
    if (key !== "enum" && key !== "const" && key !== "default" && key !== "examples")
      langchainLossyUnions(value, `${at}/${key}`, out);
  return out;
}
