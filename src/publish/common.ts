import type { CatalogDocument, CatalogTool, JsonSchema } from "../catalog.js";
import { isJsonObject } from "../catalog.js";
import { conciseSchemaText, restatesName } from "./describe.js";

/**
 * Common arguments: an argument that many tools of a catalog take under the same name with the same description
 * as the spec wrote it (GitHub REST: `owner` on 531 tools, `repo` 527, `org` 392, `per_page` 270, `page` 245,
 * ...) is described once, in the server's instructions, instead of in every tool's input schema, where the same
 * text made about a quarter of what a model sees with concise descriptions and a fifth with full ones. The
 * schemas keep the argument, its type, constraints, default and whether it is required: only the repeated text
 * moves. With `full` descriptions the instructions state it as the spec wrote it (links and every sentence), with
 * `concise` ones its concise text. `publish.common_arguments: per-tool` keeps the text in every schema (a host
 * that does not pass server instructions to the model, or shows a model one tool at a time, then still reads it:
 * docs/clients.md says which tested clients pass them).
 *
 * Decided on the catalog alone (every tool that is not internal, whatever a server's policy later hides), so
 * `generate` (which publishes the schemas ahead) and `serve` (which sends the instructions) agree.
 */

/**
 * Tools that must share an argument's name and description for it to be common. Three, whatever the catalog's
 * size: from the third tool on, stating the text once saves more than the instructions' line costs (GitHub REST:
 * 157 arguments; 14 under the rule before, 20 tools and 2% of the catalog).
 */
export const COMMON_MIN_TOOLS = 3;

/**
 * The longest description stated once in the instructions (the cap on a tool's description): the instructions go
 * into every initialize answer, whole, so a longer text stays in the tools' schemas, where the bounded projection
 * cuts it.
 */
export const COMMON_MAX_TEXT = 1800;

/**
 * The argument the generator adds for destructive confirmation in `argument` mode: its text says when a model may
 * set it (only once the user agreed), which stays on every tool. `confirmation_token`'s text (how to go ahead
 * after a preview) may be common: the preview itself says it again (its `next`).
 */
const CONFIRM_ARG = "confirm";

export interface CommonArgument {
  name: string;
  /** As the spec wrote it (what the tools' schemas carry in the catalog). */
  description: string;
  /** Its concise text, as the instructions state it with concise descriptions; empty: it restates the name. */
  text: string;
  tools: number;
}

export interface CommonArguments {
  list: readonly CommonArgument[];
  /** Whether a tool's argument (a property of its root input schema) is described by the instructions. */
  has(name: string, property: unknown): boolean;
  /**
   * The instructions' paragraph that describes them (`full`: their descriptions as written; else their concise
   * text); undefined when there are none.
   */
  instructions(full: boolean): string | undefined;
}

/** The arguments of one tool that may be common: root properties with a description of their own. */
function eachDescribedArgument(tool: CatalogTool, visit: (name: string, description: string) => void): void {
  const properties = tool.inputSchema.properties;
  if (!isJsonObject(properties)) return;
  for (const name in properties) {
    if (!Object.hasOwn(properties, name)) continue;
    const property = properties[name];
    if (!isJsonObject(property) || typeof property.description !== "string") continue;
    if (property.description.length > COMMON_MAX_TEXT) continue;
    if (tool.policy.confirm === "required" && name === CONFIRM_ARG) continue;
    visit(name, property.description);
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function commonArguments(tools: readonly CatalogTool[]): CommonArguments {
  // name -> description as written -> tools
  const counts = new Map<string, Map<string, number>>();
  for (const tool of tools) {
    if (tool.internal === true) continue;
    eachDescribedArgument(tool, (name, description) => {
      let texts = counts.get(name);
      if (texts === undefined) {
        texts = new Map();
        counts.set(name, texts);
      }
      texts.set(description, (texts.get(description) ?? 0) + 1);
    });
  }
  const min = COMMON_MIN_TOOLS;
  const list: CommonArgument[] = [];
  for (const [name, texts] of counts) {
    // One text per name, the most shared (ties: the first in text order): with two, a schema without the
    // description would not say which of them is its argument's.
    let best: [string, number] | undefined;
    for (const [description, count] of texts) {
      if (count < min) continue;
      if (!best || count > best[1] || (count === best[1] && description < best[0]))
        best = [description, count];
    }
    if (!best) continue;
    const text = conciseSchemaText(best[0]);
    // A concise text that only restates the name is left out of concise schemas anyway (`describe.ts`): the
    // concise instructions leave it out too (`text` empty); full ones state the description as written.
    list.push({
      name,
      description: best[0],
      text: text && !restatesName(name, text) ? text : "",
      tools: best[1],
    });
  }
  // Most shared first, then by name: the same instructions whatever the order of the tools.
  list.sort((a, b) => b.tools - a.tools || byName(a.name, b.name));
  return commonArgumentsFrom(list);
}

/** The common arguments `list` names (as `commonArguments` found them, or as `generate` wrote them down). */
export function commonArgumentsFrom(list: readonly CommonArgument[]): CommonArguments {
  const common = new Map(list.map((c) => [c.name, c.description]));
  return {
    list,
    has: (name, property) =>
      isJsonObject(property) &&
      property.description !== undefined &&
      common.get(name) === property.description,
    instructions: (full) => {
      const stated = full ? list : list.filter((c) => c.text);
      return stated.length === 0
        ? undefined
        : [
            "Arguments many tools share, described here once (their input schemas leave the description out):",
            ...stated.map((c) => `- ${c.name}: ${full ? indented(c.description) : c.text}`),
          ].join("\n");
    },
  };
}

/** A description as written, on one list item: its later lines indented under the item, blank lines kept. */
function indented(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .trim()
    .replace(/\n(?=[^\n])/g, "\n  ");
}

const cache = new WeakMap<object, CommonArguments>();

/**
 * Records a catalog's common arguments found at generate time (`catalog.index.json`), so a server whose tools'
 * schemas are read on first use does not read every tool's to find them.
 */
export function rememberCommonArguments(
  doc: Pick<CatalogDocument, "tools">,
  list: readonly CommonArgument[],
): void {
  cache.set(doc, commonArgumentsFrom(list));
}

/** `commonArguments` of a catalog's tools, computed once per catalog document. */
export function commonArgumentsOf(doc: Pick<CatalogDocument, "tools">): CommonArguments {
  let common = cache.get(doc);
  if (common === undefined) {
    common = commonArguments(doc.tools);
    cache.set(doc, common);
  }
  return common;
}

/** A tool's root input schema without the descriptions of its common arguments (itself when it has none). */
export function withoutCommonDescriptions(root: JsonSchema, common: CommonArguments): JsonSchema {
  const properties = root.properties;
  if (common.list.length === 0 || !isJsonObject(properties)) return root;
  let out: JsonSchema | undefined;
  for (const name in properties) {
    if (!Object.hasOwn(properties, name) || !common.has(name, properties[name])) continue;
    out ??= { ...properties };
    const { description: _, ...rest } = properties[name] as JsonSchema;
    out[name] = rest;
  }
  return out === undefined ? root : { ...root, properties: out };
}

/**
 * A tool's published input schema with its common arguments' descriptions put back (`text` gives each one's, as
 * the instructions state it; empty: none), for a tool shown on its own; the schema itself when nothing changes.
 * An argument the published schema describes already (another profile's text) keeps that.
 */
export function withCommonDescriptions(
  tool: CatalogTool,
  published: JsonSchema,
  common: CommonArguments,
  text: (argument: CommonArgument) => string,
): JsonSchema {
  const own = tool.inputSchema.properties;
  const properties = published.properties;
  if (common.list.length === 0 || !isJsonObject(own) || !isJsonObject(properties)) return published;
  const byName = new Map(common.list.map((c) => [c.name, c]));
  let out: JsonSchema | undefined;
  for (const name in own) {
    const argument = byName.get(name);
    const property = properties[name];
    if (
      !argument ||
      !common.has(name, own[name]) ||
      !isJsonObject(property) ||
      property.description !== undefined
    )
      continue;
    const description = text(argument);
    if (!description) continue;
    out ??= { ...properties };
    out[name] = { ...property, description };
  }
  return out === undefined ? published : { ...published, properties: out };
}

/** Server instructions: the catalog's own, then the common arguments' paragraph. */
export function joinInstructions(own: string | undefined, common: string | undefined): string | undefined {
  if (!common) return own;
  return own ? `${own}\n\n${common}` : common;
}
