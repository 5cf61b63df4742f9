import type { CatalogTool } from "../catalog.js";
import { type PublishedAnnotations, publishedAnnotations } from "../publish/annotations.js";
import { summaryText } from "../publish/describe.js";
import { DIALECT, type PublishedTool, type Publisher } from "../publish/publisher.js";

/**
 * Discovery mode (`toolwright serve <catalog> --discovery`): a catalog of hundreds of tools costs more context
 * than a model can spare, so tools/list offers three tools instead — find, describe, call — and the model pulls in
 * only the schemas it needs. `call_tool` runs the named tool through the same chain as a direct call, so
 * validation, every policy, confirmation and the audit log apply unchanged.
 */

export const FIND_TOOLS = "find_tools";
export const DESCRIBE_TOOL = "describe_tool";
export const CALL_TOOL = "call_tool";

/** A discovery tool is listed as a catalog tool is, and its describe_tool answer has the same shape. */
export type DiscoveryTool = PublishedTool;

/** Published like a catalog tool's (`annotations.title` only for clients of older revisions). */
const readOnly = (): PublishedAnnotations =>
  publishedAnnotations({
    title: "",
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  });

const MATCH = {
  type: "object",
  required: ["name", "title", "safety", "binding", "summary"],
  properties: {
    name: { type: "string" },
    title: { type: "string" },
    safety: { type: "string", enum: ["read", "write", "destructive"] },
    binding: { type: "string", description: "What the tool calls, e.g. `DELETE /v1/secrets/{path}`." },
    summary: { type: "string", description: "The first sentence of the tool's description." },
    argumentRules: {
      type: "array",
      items: { type: "string" },
      description:
        "Which arguments go together, where the argument schema cannot say it (its description ends with them too).",
    },
  },
};

export function discoveryTools(catalog: string, count: number): DiscoveryTool[] {
  return [findToolsTool(catalog, count), describeToolTool(catalog), callToolTool(catalog)];
}

function findToolsTool(catalog: string, count: number): DiscoveryTool {
  return {
    name: FIND_TOOLS,
    title: "Find tools",
    description: `Search the ${count} tools of ${catalog} by what they do (words in their names, descriptions and the API operations they call). Returns the best matches with their safety class; then describe_tool one to see its arguments, and call_tool it.`,
    inputSchema: {
      $schema: DIALECT,
      type: "object",
      required: ["query"],
      properties: {
        query: {
          type: "string",
          minLength: 1,
          maxLength: 200,
          description: "Words describing the task, e.g. `list secrets`.",
        },
        limit: {
          type: "integer",
          minimum: 1,
          maximum: 50,
          default: 10,
          description: "How many matches to return.",
        },
      },
      additionalProperties: false,
    },
    outputSchema: {
      $schema: DIALECT,
      type: "object",
      required: ["matches", "total"],
      properties: {
        matches: { type: "array", items: MATCH },
        total: { type: "integer", description: "Tools that matched at all." },
      },
    },
    annotations: readOnly(),
  };
}

function describeToolTool(catalog: string): DiscoveryTool {
  return {
    name: DESCRIBE_TOOL,
    title: "Describe a tool",
    description: `The full description, argument schema, result schema and safety annotations of one ${catalog} tool, as tools/list would give them.`,
    inputSchema: {
      $schema: DIALECT,
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1, maxLength: 128, description: "A name find_tools returned." },
      },
      additionalProperties: false,
    },
    annotations: readOnly(),
  };
}

function callToolTool(catalog: string): DiscoveryTool {
  return {
    name: CALL_TOOL,
    title: "Call a tool",
    description: `Call one ${catalog} tool by name with its arguments (see describe_tool). It runs exactly as a direct call would: the same validation, safety policies, confirmation of destructive tools and audit.`,
    inputSchema: {
      $schema: DIALECT,
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1, maxLength: 128 },
        arguments: { type: "object", description: "The tool's arguments.", default: {} },
      },
      additionalProperties: false,
    },
    // Whatever the named tool does: a host must treat this as able to write and destroy.
    annotations: publishedAnnotations({
      title: "",
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    }),
  };
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1);
}

interface Indexed {
  tool: CatalogTool;
  name: Set<string>;
  title: Set<string>;
  binding: Set<string>;
  text: Set<string>;
}

export interface Discovery {
  find(query: string, limit: number): { matches: Record<string, string | string[]>[]; total: number };
  describe(name: string): DiscoveryTool | undefined;
  /** The callable tool a name (or alias) stands for, if it is one clients may use. */
  resolve(name: string): CatalogTool | undefined;
}

/** Keyword search over the tools clients may call (denied and internal ones are not there to find). */
/** How many find_tools word indexes this process has built (a structural fact for tests: start-up builds none). */
let indexesBuilt = 0;
export function discoveryIndexesBuilt(): number {
  return indexesBuilt;
}

export function createDiscovery(
  tools: readonly CatalogTool[],
  publisher: Publisher,
  /** Tools not to find or describe that call_tool still resolves, for the chain to refuse with a reason. */
  refusedByName: readonly CatalogTool[] = [],
): Discovery {
  // The word index over every tool's name, title, operation and description is built by the first find_tools,
  // not at start: a listing in discovery mode serves three tools and needs none of it.
  let built: Indexed[] | undefined;
  const indexed = (): Indexed[] => {
    if (built) return built;
    built = tools.map((tool) => ({
      tool,
      name: new Set([tool.name, ...tool.aliases].flatMap(words)),
      title: new Set(words(tool.title)),
      binding: new Set(words(tool.summary)),
      text: new Set(words(tool.description)),
    }));
    indexesBuilt++;
    return built;
  };
  const byName = new Map<string, CatalogTool>();
  for (const tool of tools) for (const n of [tool.name, ...tool.aliases]) byName.set(n, tool);
  const callable = new Map(byName);
  for (const tool of refusedByName) for (const n of [tool.name, ...tool.aliases]) callable.set(n, tool);

  return {
    find(query, limit) {
      const terms = [...new Set(words(query))];
      const scored = indexed()
        .map((e) => {
          let score = 0;
          for (const t of terms) {
            // A prefix match counts (secret ~ secrets), a whole word more.
            const hit = (set: Set<string>) =>
              set.has(t) ? 2 : [...set].some((w) => w.startsWith(t) || t.startsWith(w)) ? 1 : 0;
            score += 4 * hit(e.name) + 2 * hit(e.title) + 2 * hit(e.binding) + hit(e.text);
          }
          return { e, score };
        })
        .filter((x) => x.score > 0)
        .sort((a, b) => b.score - a.score || (a.e.tool.name < b.e.tool.name ? -1 : 1));
      return {
        total: scored.length,
        matches: scored.slice(0, limit).map(({ e }) => ({
          name: e.tool.name,
          title: e.tool.title,
          safety: e.tool.safety,
          binding: e.tool.summary,
          summary: summaryText(e.tool.description, 200),
          // Said whole, as tools/list says them after the description: a model may call_tool a match directly.
          ...(e.tool.argumentRules?.length ? { argumentRules: [...e.tool.argumentRules] } : {}),
        })),
      };
    },
    describe(name) {
      const tool = byName.get(name);
      if (!tool) return undefined;
      // One tool at a time: its schema states the common arguments' descriptions too (`entryAlone`).
      return publisher.entryAlone(tool);
    },
    resolve: (name) => callable.get(name),
  };
}
