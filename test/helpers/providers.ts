import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GoogleGenAI } from "@google/genai";
import { mcpToFunctionTool } from "@openai/agents";
import { standardFunction } from "openai/helpers/standard-schema";
import type { CatalogDocument } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";

/**
 * Executable checks of a published input schema against what the model providers accept (docs/providers.md has
 * the rules and their sources). OpenAI: the OpenAI Agents SDK's own strict conversion (`mcpToFunctionTool(...,
 * true)` gives a strict tool only when OpenAI strict mode can take the schema without changing what it accepts)
 * and the `openai` SDK's (`standardFunction` with the schema given, which runs its `toStrictJsonSchema`: it
 * refuses what it cannot make strict without changing what the schema accepts, an optional property that does
 * not accept null among it).
 * Gemini and Anthropic: validators written from their documented field and keyword lists. Each returns the
 * problems found, empty when the provider accepts the schema.
 */

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A stand-in for the MCP server object the converter binds tools to (it only reads the name here). */
const SERVER = { name: "catalog" } as unknown as Parameters<typeof mcpToFunctionTool>[1];

/** A Standard Schema the `openai` SDK's helpers take beside a JSON Schema override (only the override is read). */
const ANY_VALUE = {
  "~standard": { version: 1 as const, vendor: "toolwright", validate: (value: unknown) => ({ value }) },
};

export function openaiStrict(name: string, inputSchema: Node): string[] {
  return [...agentsStrict(name, inputSchema), ...openaiSdkStrict(name, inputSchema)];
}

/** The `openai` SDK's strict function tool of the schema (its toStrictJsonSchema), or why it refused. */
function openaiSdkStrict(name: string, inputSchema: Node): string[] {
  try {
    standardFunction({ name, parameters: ANY_VALUE, schema: structuredClone(inputSchema) });
    return [];
  } catch (error) {
    return [`openai SDK: ${(error as Error).message}`];
  }
}

function agentsStrict(name: string, inputSchema: Node): string[] {
  const warn = console.warn;
  const warnings: string[] = [];
  // The SDK logs the reason it falls back to non-strict; keep it as the problem.
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
  try {
    const tool = mcpToFunctionTool(
      { name, description: "", inputSchema: inputSchema as never },
      SERVER,
      true,
    ) as { strict?: boolean };
    return tool.strict === true ? [] : [`not strict: ${warnings.join(" ") || "fallback"}`];
  } catch (error) {
    return [`conversion failed: ${(error as Error).message}`];
  } finally {
    console.warn = warn;
  }
}

/** OpenAI's documented limits on one schema (structured outputs): nesting, properties, enum values. */
export function openaiLimits(schema: Node): string[] {
  let properties = 0;
  let enumValues = 0;
  let deepest = 0;
  const visit = (node: unknown, level: number) => {
    if (!isNode(node)) return;
    if (isNode(node.properties)) {
      properties += Object.keys(node.properties).length;
      deepest = Math.max(deepest, level);
      for (const child of Object.values(node.properties)) visit(child, level + 1);
    }
    if (Array.isArray(node.enum)) enumValues += node.enum.length;
    if (node.items !== undefined) visit(node.items, level + 1);
    for (const branch of (node.anyOf as unknown[]) ?? []) visit(branch, level);
    for (const def of Object.values((node.$defs as Node) ?? {})) visit(def, level);
  };
  visit(schema, 1);
  const problems: string[] = [];
  if (properties > 5000) problems.push(`${properties} properties (OpenAI: at most 5,000)`);
  if (deepest > 10) problems.push(`${deepest} levels of nesting (OpenAI: at most 10)`);
  if (enumValues > 1000) problems.push(`${enumValues} enum values (OpenAI: at most 1,000)`);
  return problems;
}

/** Fields of Gemini's `Schema` object (the `parameters` of a function declaration, an OpenAPI 3.0 subset). */
const GEMINI_SCHEMA_FIELDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "maxItems",
  "minItems",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "example",
  "anyOf",
  "propertyOrdering",
  "default",
  "items",
  "minimum",
  "maximum",
]);
const GEMINI_TYPES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);

/**
 * Gemini's older `parameters` field: only the `Schema` fields (an unknown one is a 400 "Cannot find field"), one
 * type name per schema, string enum values, `items` on arrays, non-empty `properties` on objects (a function
 * without parameters leaves `parameters` out: an empty root is that).
 */
export function geminiParameters(schema: Node): string[] {
  const problems: string[] = [];
  // No arguments: the declaration has no `parameters` (an OBJECT needs properties), whatever closes the root.
  if (schema.type === "object" && Object.keys((schema.properties as Node) ?? {}).length === 0) return [];
  const visit = (node: unknown, at: string, root: boolean, branch = false) => {
    if (!isNode(node)) {
      problems.push(`${at}: not a schema object`);
      return;
    }
    for (const key of Object.keys(node)) if (!GEMINI_SCHEMA_FIELDS.has(key)) problems.push(`${at}: ${key}`);
    const { type } = node;
    // The Google GenAI SDK takes a null type only as an `anyOf` branch (it makes the schema `nullable`); anywhere
    // else it throws "type: null can not be the only possible type for the field" and nothing is sent.
    if (type === "null" && !branch) problems.push(`${at}: type "null" outside anyOf`);
    if (type === undefined && node.anyOf === undefined) problems.push(`${at}: no type`);
    if (type !== undefined && (typeof type !== "string" || !GEMINI_TYPES.has(type.toLowerCase())))
      problems.push(`${at}: type ${JSON.stringify(type)}`);
    if (Array.isArray(node.enum) && node.enum.some((value) => typeof value !== "string"))
      problems.push(`${at}: enum values that are not strings`);
    if (type === "array" && !isNode(node.items)) problems.push(`${at}: array without items`);
    if (type === "object") {
      const properties = isNode(node.properties) ? node.properties : {};
      if (Object.keys(properties).length === 0 && !root) problems.push(`${at}: object without properties`);
      for (const name of (node.required as string[]) ?? [])
        if (!(name in properties)) problems.push(`${at}: required ${name} is not a property`);
      for (const [name, child] of Object.entries(properties)) visit(child, `${at}/properties/${name}`, false);
    }
    if (node.items !== undefined) visit(node.items, `${at}/items`, false);
    (node.anyOf as unknown[] | undefined)?.forEach((branch, i) => {
      visit(branch, `${at}/anyOf/${i}`, false, true);
    });
  };
  visit(schema, "#", true);
  return problems;
}

/**
 * The keywords the Google GenAI SDK documents for `parametersJsonSchema` (plus `propertyOrdering`). Written out here
 * apart from `src/publish/portable-output.ts`'s own list on purpose: the check must not take the converter's word.
 */
const GEMINI_JSON_SCHEMA_KEYWORDS = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);

/** Gemini's `parametersJsonSchema`: only the documented keywords; `enum` for strings and numbers. */
export function geminiJsonSchema(schema: Node): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, at: string) => {
    if (typeof node === "boolean") return;
    if (!isNode(node)) {
      problems.push(`${at}: not a schema`);
      return;
    }
    for (const key of Object.keys(node))
      if (!GEMINI_JSON_SCHEMA_KEYWORDS.has(key)) problems.push(`${at}: ${key}`);
    if (Array.isArray(node.enum) && node.enum.some((v) => typeof v !== "string" && typeof v !== "number"))
      problems.push(`${at}: enum values that are neither strings nor numbers`);
    for (const key of ["properties", "$defs"])
      for (const [name, child] of Object.entries((node[key] as Node) ?? {}))
        visit(child, `${at}/${key}/${name}`);
    for (const key of ["items", "additionalProperties"])
      if (node[key] !== undefined) visit(node[key], `${at}/${key}`);
    for (const key of ["anyOf", "oneOf", "prefixItems"])
      (node[key] as unknown[] | undefined)?.forEach((branch, i) => {
        visit(branch, `${at}/${key}/${i}`);
      });
  };
  visit(schema, "#");
  return problems;
}

type DeclaredTool = { name: string; description?: string | undefined; inputSchema: Node };
/** A function declaration as the Google GenAI SDK sent it. */
export type SentDeclaration = { name: string; parameters?: Node };

/**
 * What the Google GenAI SDK sends when an app declares the tools with their input schemas as the older
 * `parameters` (an OpenAPI 3.0 `Schema`, which the SDK converts): the declarations of one `generateContent`
 * request, recorded by a stand-in for the Gemini API on 127.0.0.1. Throws what the SDK throws.
 */
export async function sentAsGeminiParameters(tools: readonly DeclaredTool[]): Promise<SentDeclaration[]> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "ok" }] } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const ai = new GoogleGenAI({
      apiKey: "stand-in-key",
      httpOptions: { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    });
    await ai.models.generateContent({
      model: "gemini-stand-in",
      contents: "hello",
      config: {
        tools: [
          {
            functionDeclarations: tools.map((tool) => ({
              name: tool.name,
              description: tool.description ?? "",
              parameters: structuredClone(tool.inputSchema) as never,
            })),
          },
        ],
      },
    });
  } finally {
    server.close();
  }
  return (JSON.parse(bodies[0] ?? "{}").tools?.[0]?.functionDeclarations ?? []) as SentDeclaration[];
}

/** `sentAsGeminiParameters`'s declarations held to the `parameters` rules; problems, each `tool: problem`. */
export async function geminiParametersSent(tools: readonly DeclaredTool[]): Promise<string[]> {
  let sent: SentDeclaration[];
  try {
    sent = await sentAsGeminiParameters(tools);
  } catch (error) {
    // The SDK converts every declaration before sending: one it cannot take fails the whole request.
    return [`*: the SDK threw: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (sent.length !== tools.length) problems.push(`*: ${sent.length} declarations sent of ${tools.length}`);
  for (const decl of sent)
    for (const problem of decl.parameters ? geminiParameters(decl.parameters) : [])
      problems.push(`${decl.name}: ${problem}`);
  return problems;
}

/** Formats Anthropic's structured outputs document as supported. */
const ANTHROPIC_FORMATS = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "uri",
  "ipv4",
  "ipv6",
  "uuid",
]);
/** Constraints Anthropic's strict tool use documents as unsupported. */
const ANTHROPIC_UNSUPPORTED = [
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "patternProperties",
  "propertyNames",
  "if",
  "then",
  "else",
  "not",
  "dependentRequired",
  "dependentSchemas",
];

/**
 * Anthropic's tool `input_schema`: an object at the root; within strict tool use's documented limits: no
 * recursive schemas, no numeric, length or array-size constraints (`minItems` 0 or 1 only), primitive enum
 * values, only the supported formats, `additionalProperties` false if present, no external references.
 */
export function anthropic(schema: Node): string[] {
  const problems: string[] = [];
  if (schema.type !== "object") problems.push("#: the root is not an object");
  const defs = (schema.$defs as Node) ?? {};
  const visit = (node: unknown, at: string, refs: readonly string[]) => {
    if (typeof node === "boolean") return;
    if (!isNode(node)) return;
    for (const key of ANTHROPIC_UNSUPPORTED) if (key in node) problems.push(`${at}: ${key}`);
    if (typeof node.minItems === "number" && node.minItems > 1)
      problems.push(`${at}: minItems ${node.minItems}`);
    if (typeof node.format === "string" && !ANTHROPIC_FORMATS.has(node.format))
      problems.push(`${at}: format ${node.format}`);
    if (Array.isArray(node.enum) && node.enum.some((v) => v !== null && typeof v === "object"))
      problems.push(`${at}: enum values that are not primitives`);
    if (node.additionalProperties !== undefined && node.additionalProperties !== false)
      problems.push(`${at}: additionalProperties other than false`);
    if (typeof node.$ref === "string") {
      const name = node.$ref.startsWith("#/$defs/") ? node.$ref.slice(8) : undefined;
      if (name === undefined) problems.push(`${at}: external reference ${node.$ref}`);
      else if (refs.includes(name)) problems.push(`${at}: recursive reference to ${name}`);
      else visit(defs[name], `#/$defs/${name}`, [...refs, name]);
    }
    for (const [name, child] of Object.entries((node.properties as Node) ?? {}))
      visit(child, `${at}/properties/${name}`, refs);
    for (const key of ["items", "additionalProperties"])
      if (node[key] !== undefined) visit(node[key], `${at}/${key}`, refs);
    for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"])
      (node[key] as unknown[] | undefined)?.forEach((branch, i) => {
        visit(branch, `${at}/${key}/${i}`, refs);
      });
  };
  visit(schema, "#", []);
  return problems;
}

export const PROVIDERS = ["openai", "gemini-parameters", "gemini-json-schema", "anthropic"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** Every provider's problems with one tool's published input schema. */
export function providerProblems(name: string, schema: Node): Record<Provider, string[]> {
  return {
    openai: [...openaiStrict(name, schema), ...openaiLimits(schema)],
    "gemini-parameters": geminiParameters(schema),
    "gemini-json-schema": geminiJsonSchema(schema),
    anthropic: anthropic(schema),
  };
}

/** Per provider, how many of the tools it accepts, and the first few problems. */
export interface ProviderTally {
  tools: number;
  accepted: Record<Provider, number>;
  examples: Record<Provider, string[]>;
}

export function tallyProviders(tools: Iterable<{ name: string; inputSchema: Node }>): ProviderTally {
  const tally: ProviderTally = {
    tools: 0,
    accepted: { openai: 0, "gemini-parameters": 0, "gemini-json-schema": 0, anthropic: 0 },
    examples: { openai: [], "gemini-parameters": [], "gemini-json-schema": [], anthropic: [] },
  };
  for (const tool of tools) {
    tally.tools++;
    const problems = providerProblems(tool.name, tool.inputSchema);
    for (const provider of PROVIDERS) {
      if (problems[provider].length === 0) tally.accepted[provider]++;
      else if (tally.examples[provider].length < 5)
        tally.examples[provider].push(`${tool.name}: ${problems[provider].slice(0, 3).join("; ")}`);
    }
  }
  return tally;
}

/** Each profile's tallies over every tool of some catalogs, and a one-line summary of the rates. */
export function profileRates(docs: readonly CatalogDocument[]): {
  refs: ProviderTally;
  inline: ProviderTally;
  portable: ProviderTally;
  summary: string;
  empty: Record<Provider, string[]>;
} {
  const tallyOf = (profile: string) => {
    const tools = docs.flatMap((doc) => {
      const publisher = createPublisher(doc, { profile });
      return doc.tools.map((tool) => ({ name: tool.name, inputSchema: publisher.input(tool) }));
    });
    return tallyProviders(tools);
  };
  const refs = tallyOf("refs");
  const inline = tallyOf("inline");
  const portable = tallyOf("portable");
  const rate = (t: ProviderTally) => PROVIDERS.map((p) => `${p} ${t.accepted[p]}/${t.tools}`).join(", ");
  return {
    refs,
    inline,
    portable,
    summary: `refs: ${rate(refs)}; inline (the default): ${rate(inline)}; portable: ${rate(portable)}`,
    empty: { openai: [], "gemini-parameters": [], "gemini-json-schema": [], anthropic: [] },
  };
}
