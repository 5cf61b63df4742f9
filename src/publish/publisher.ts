import {
  type CatalogDocument,
  type CatalogTool,
  hasOutputSchema,
  type JsonSchema,
  type PublishSettings,
} from "../catalog.js";
import { type PublishedAnnotations, publishedAnnotations, withAnnotationTitle } from "./annotations.js";
import { commonArgumentsOf, withCommonDescriptions, withoutCommonDescriptions } from "./common.js";
import { CONCISE_TOOL_CHARS, conciseText, fullText, withoutImpliedTypes } from "./describe.js";
import { withUniqueEnums } from "./enums.js";
import { withPublishedFormats } from "./formats.js";
import { withInheritedNamesOpen } from "./inherited-names.js";
import { linkBaseNote, linkBaseOf, relativeLinks, schemaRelativeLinks } from "./links.js";
import { type PrecomputedSchemas, precomputedReader } from "./precomputed.js";
import { type ArgumentDecoder, profileName, profileNamed, type SchemaTransform } from "./profiles.js";
import {
  type Bounds,
  DATA_KEYWORDS,
  type ProjectionMemo,
  project,
  SCHEMA_MAPS,
  SizeCache,
  UNBOUNDED,
} from "./project.js";
import { publishSettings } from "./settings.js";

/** The dialect of every published schema (MCP's default since 2025-11-25). */
export const DIALECT = "https://json-schema.org/draft/2020-12/schema";

/**
 * Keywords whose meaning differs between 2020-12 and draft-07 (what a client of an older MCP revision assumes
 * when a schema names no dialect): references (draft-07 ignores a `$ref`'s siblings), `$defs`, and the
 * keywords draft-07 does not know.
 */
const DIALECT_KEYWORDS = new Set([
  "$ref",
  "$defs",
  "$dynamicRef",
  "$dynamicAnchor",
  "$anchor",
  "prefixItems",
  "dependentSchemas",
  "dependentRequired",
  "unevaluatedProperties",
  "unevaluatedItems",
  "minContains",
  "maxContains",
]);

/** Whether a schema uses a keyword whose meaning depends on the dialect (data values are not looked into). */
export function dialectMatters(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(dialectMatters);
  if (node === null || typeof node !== "object") return false;
  // Own keys by `for...in`, not `Object.entries`: every published schema is walked, `$defs` included.
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    if (DIALECT_KEYWORDS.has(key)) return true;
    if (DATA_KEYWORDS.has(key)) continue;
    const value = (node as Record<string, unknown>)[key];
    if (SCHEMA_MAPS.has(key) && value !== null && typeof value === "object") {
      const map = value as Record<string, unknown>;
      for (const name in map) if (Object.hasOwn(map, name) && dialectMatters(map[name])) return true;
    } else if (dialectMatters(value)) return true;
  }
  return false;
}

/**
 * `$schema` is stated where the dialect changes what the schema means, and left out where 2020-12 and draft-07
 * read it alike (most input schemas of a REST API: flat objects of strings and numbers), which saves its 57
 * bytes per schema (about 4% of GitHub's tools/list) and loses nothing.
 */
function withDialect(schema: JsonSchema): JsonSchema {
  return rootDialectMatters(schema) ? { $schema: DIALECT, ...schema } : schema;
}

/**
 * `dialectMatters` of a published schema, `$defs` looked for first: a projection writes its named schemas last, after
 * the root's whole tree, which the walk would read before it reached them.
 */
function rootDialectMatters(schema: JsonSchema): boolean {
  return Object.hasOwn(schema, "$defs") || dialectMatters(schema);
}

/**
 * The same rule after a profile's transforms: one that removes what made the dialect matter (the `inline`
 * profile inlines every `$ref` and drops `$defs`) drops `$schema` too. A client whose validator knows only
 * draft-07 (Genkit 1.42 compiles tool input schemas with a default `new Ajv()`) throws on a 2020-12 `$schema`
 * ("no schema with key or ref"), docs/clients.md.
 */
function withDialectStill(schema: JsonSchema): JsonSchema {
  if (schema.$schema !== DIALECT) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rootDialectMatters(rest) ? schema : rest;
}

/** One entry of `tools/list` (an alias is an entry of its own, with the same schemas). */
export interface PublishedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  outputSchema?: { type: "object"; [key: string]: unknown };
  /** As the latest protocol revision reads them (`annotations.ts`; older ones get `withAnnotationTitle`). */
  annotations: PublishedAnnotations;
}

export interface PublishOptions {
  /** Settings that replace the catalog's (e.g. `serve --output-schemas none`). */
  overrides?: Partial<PublishSettings>;
  /** A named profile from `profiles.ts` (default: the catalog's, else `inline`, `DEFAULT_PROFILE`). */
  profile?: string;
  /** Transforms after the profile's, e.g. the masking policy's widening of output schemas. */
  transforms?: readonly SchemaTransform[];
  /**
   * Schemas published at generate time (`published.gen.txt`): used as they are when they were published with the
   * settings and profile in force, and `keeps` says the `transforms` other than `tolerateDrift` (which they carry
   * already) leave the tool's schema unchanged.
   */
  precomputed?: PrecomputedSchemas;
  keeps?: (tool: CatalogTool, side: "input" | "output") => boolean;
  /**
   * Projections shared with other publishers of the same schema table (generate measures a catalog with full and
   * with concise descriptions) and between tools whose roots are the same; none: each tool is projected alone.
   */
  memo?: ProjectionMemo;
  /**
   * With a `memo`: the transforms (the profile's and `transforms`) read only the schema and the side, never the
   * tool, so a tool whose projection is another's (the memo's same object) gets that tool's published schema, the
   * same object, projected, made concise and transformed once. Generate sets it (`tolerateDrift` and the
   * profiles' transforms read no tool); a caller whose transforms read the tool (masking) must not.
   */
  perSchema?: boolean;
}

export interface Publisher {
  readonly settings: PublishSettings;
  /** The input schema clients receive (built on first use, then kept). */
  input(tool: CatalogTool): JsonSchema;
  /** Reads arguments sent in the profile's encoding (JSON text for free-form values) back; none for most tools. */
  decoder(tool: CatalogTool): ArgumentDecoder | undefined;
  /** The output schema clients receive; undefined when the tool has none or the catalog publishes none. */
  output(tool: CatalogTool): JsonSchema | undefined;
  /** Whether the tool's results carry `structuredContent` (it publishes an output schema). */
  structured(tool: CatalogTool): boolean;
  description(tool: CatalogTool): string;
  /**
   * What the server's instructions add to the catalog's own (`common.ts`): the arguments many tools share,
   * described once (unless `commonArguments` is `per-tool`); undefined for none.
   */
  instructions(): string | undefined;
  /** The `tools/list` entry for the tool under one of its names. */
  entry(tool: CatalogTool, name?: string): PublishedTool;
  /**
   * The entry of a tool shown on its own (`describe_tool`): its input schema states the common arguments'
   * descriptions again, as the instructions do, since a host that shows a model one tool at a time may not show
   * it the instructions.
   */
  entryAlone(tool: CatalogTool): PublishedTool;
  /**
   * The same entry as JSON text (`titled`: with `annotations.title`, as `withAnnotationTitle` gives it), written
   * around the precomputed schemas' text where they are used as they are, so nothing is parsed or re-serialised;
   * else the entry's own JSON.
   */
  entryText(tool: CatalogTool, name: string, titled: boolean): string;
  /**
   * The JSON array of the entries of `listed` (each a tool under its own name), as `entryText` writes them without
   * `annotations.title`, cut from the precomputed table as one range when they are all its lines in its order and
   * each is used as it is; else undefined (the caller writes the entries one by one).
   */
  listText(listed: readonly { tool: CatalogTool; name: string }[]): string | undefined;
}

/**
 * Builds what clients receive per tool from catalog.json's schema table, lazily: nothing is projected until a
 * page of tools/list (or a `describe_tool`) asks for the tool, and each tool is projected once.
 */
export function createPublisher(doc: CatalogDocument, options: PublishOptions = {}): Publisher {
  const settings = publishSettings(doc, options.overrides);
  const { build, decoders, ready, readyList } = schemaBuilder(doc, options, settings);
  const concise = settings.descriptions === "concise";
  const inputBounds: Bounds = { depth: settings.depth, bytes: settings.bytes, keepLevel: 1, concise };
  // `compact` output schemas are compact in their text too; `full` ones keep it (unless descriptions are concise).
  const outputBounds: Bounds =
    settings.output === "full"
      ? { ...UNBOUNDED, concise }
      : { depth: settings.depth, bytes: settings.outputBytes, keepLevel: -1, concise: true };
  const inputs = new Map<string, JsonSchema>();
  const outputs = new Map<string, JsonSchema | undefined>();
  const description = describer(concise, concise ? undefined : linkBaseOf(doc));
  const common = settings.commonArguments !== "per-tool";
  const structured = (tool: CatalogTool) => hasOutputSchema(tool) && settings.output !== "none";

  const publisher: Publisher = {
    settings,
    input(tool) {
      let schema = inputs.get(tool.name);
      if (!schema) {
        schema = build(tool, "input", tool.inputSchema, inputBounds);
        inputs.set(tool.name, schema);
      }
      return schema;
    },
    decoder(tool) {
      publisher.input(tool);
      return decoders.get(tool.name);
    },
    output(tool) {
      if (!structured(tool)) return undefined;
      if (!outputs.has(tool.name)) {
        outputs.set(tool.name, build(tool, "output", tool.outputSchema as JsonSchema, outputBounds));
      }
      return outputs.get(tool.name);
    },
    structured,
    description,
    instructions: () => publishedInstructions(doc, concise, common),
    entry(tool, name = tool.name) {
      // Key order as `entryText` writes it: the schemas last.
      const entry: PublishedTool = {
        name,
        title: tool.title,
        description: publisher.description(tool),
        annotations: publishedAnnotations(tool.annotations),
        inputSchema: publisher.input(tool) as PublishedTool["inputSchema"],
      };
      const output = publisher.output(tool);
      if (output) entry.outputSchema = output as PublishedTool["inputSchema"];
      return entry;
    },
    entryAlone: (tool) => (common ? alone(doc, tool, publisher.entry(tool), concise) : publisher.entry(tool)),
    entryText(tool, name, titled) {
      const text = ready(tool, structured(tool), name, titled);
      if (text !== undefined) return text;
      const entry = publisher.entry(tool, name);
      return JSON.stringify(titled ? withAnnotationTitle(entry) : entry);
    },
    listText: (listed) => readyList(listed, structured),
  };
  return publisher;
}

/**
 * What a publisher adds to the server's instructions: with full descriptions, where root-relative links point
 * (`links.ts`); then the common arguments (`common.ts`), unless they stay per tool.
 */
function publishedInstructions(doc: CatalogDocument, concise: boolean, common: boolean): string | undefined {
  const base = concise ? undefined : linkBaseOf(doc);
  const args = common ? commonArgumentsOf(doc).instructions(!concise) : undefined;
  const parts = [base === undefined ? undefined : linkBaseNote(base), relativeLinks(args ?? "", base)];
  return parts.filter((part) => part).join("\n\n") || undefined;
}

/** `entryAlone`: the entry with its common arguments' descriptions back in its input schema. */
function alone(
  doc: CatalogDocument,
  tool: CatalogTool,
  entry: PublishedTool,
  concise: boolean,
): PublishedTool {
  const inputSchema = withCommonDescriptions(tool, entry.inputSchema, commonArgumentsOf(doc), (c) =>
    concise ? c.text : relativeLinks(c.description, linkBaseOf(doc)),
  );
  return inputSchema === entry.inputSchema
    ? entry
    : { ...entry, inputSchema: inputSchema as PublishedTool["inputSchema"] };
}

type SchemaSide = "input" | "output";

/** How many published schemas (a side of a tool) this process has made, not found already made (for tests). */
let publishedSchemasBuilt = 0;
export function publishedSchemasMade(): number {
  return publishedSchemasBuilt;
}

/**
 * A projection as it is published before the transforms: concise inputs leave out a `type` their `enum` or
 * `const` fixes already (`describe.ts`), full ones write links to the catalog's link base root-relative
 * (`links.ts`); an enum's repeated values are dropped (`enums.ts`) and formats no common validator knows become
 * words of the description (`formats.ts`); then the dialect where it matters.
 */
function described(doc: CatalogDocument, laid: JsonSchema, side: SchemaSide, concise: boolean): JsonSchema {
  const formats = withPublishedFormats(withUniqueEnums(laid));
  if (side !== "input") return withDialect(formats);
  return withDialect(concise ? withoutImpliedTypes(formats) : schemaRelativeLinks(formats, linkBaseOf(doc)));
}

/**
 * A tool's input root without its common arguments' descriptions (`common.ts`): with a memo, made once per root for
 * every publisher sharing it (generate's full and concise measures), so the same object is projected again.
 */
function withoutCommonOf(
  doc: CatalogDocument,
  root: JsonSchema,
  memo: ProjectionMemo | undefined,
): JsonSchema {
  const args = commonArgumentsOf(doc);
  return memo
    ? memo.derived(root, args, (own) => withoutCommonDescriptions(own, args))
    : withoutCommonDescriptions(root, args);
}

/**
 * How one side of one tool is published (the profile by its own name, `profileName`, as published.gen.txt records
 * it): what generate precomputed (where the caller keeps it), else the root
 * projected within its bounds, made concise, transformed by the profile (which also gives the input's argument
 * decoder, kept in `decoders`) and then by the caller's transforms.
 */
function schemaBuilder(doc: CatalogDocument, options: PublishOptions, settings: PublishSettings) {
  const table = doc.schemas ?? {};
  const { memo } = options;
  if (memo && memo.table !== table)
    throw new Error("a projection memo serves the schema table it was made for");
  const sizes = memo?.sizes ?? new SizeCache(table);
  const projected = (root: JsonSchema, bounds: Bounds) =>
    memo ? memo.project(root, bounds) : project(root, table, bounds, sizes);
  const named = profileName(options.profile ?? settings.profile);
  const profile = profileNamed(named);
  const precomputed = precomputedReader(options.precomputed, settings, named);
  const keeps = options.keeps ?? (() => false);
  const extra = options.transforms ?? [];
  const decoders = new Map<string, ArgumentDecoder | undefined>();
  const common = settings.commonArguments !== "per-tool";
  // Published schemas by the projection they were made from, per side (`perSchema`).
  const shared =
    memo && options.perSchema
      ? { input: new WeakMap<JsonSchema, JsonSchema>(), output: new WeakMap<JsonSchema, JsonSchema>() }
      : undefined;
  const build = (tool: CatalogTool, side: SchemaSide, root: JsonSchema, bounds: Bounds) => {
    const done = precomputed && keeps(tool, side) ? precomputed.pair(tool.name)?.[side] : undefined;
    if (done) {
      if (side === "input") decoders.set(tool.name, profile.decoder?.(done));
      return done;
    }
    // The arguments many tools share are described once, in the instructions (`common.ts`).
    const own = side === "input" && common ? withoutCommonOf(doc, root, memo) : root;
    const laid = projected(own, bounds).schema;
    const found = shared?.[side].get(laid);
    if (found) {
      if (side === "input") decoders.set(tool.name, profile.decoder?.(found));
      return found;
    }
    publishedSchemasBuilt++;
    let schema = described(doc, laid, side, bounds.concise === true);
    const context = { tool, side, budget: bounds.bytes };
    schema = withDialectStill(profile.transforms.reduce((s, transform) => transform(s, context), schema));
    if (side === "input") decoders.set(tool.name, profile.decoder?.(schema));
    for (const transform of extra) schema = transform(schema, context);
    if (side === "output" && profile.output) schema = profile.output(schema);
    // Last, after every transform: what ajv-based clients validate results against.
    if (side === "output") schema = withInheritedNamesOpen(schema);
    shared?.[side].set(laid, schema);
    return schema;
  };
  /** Whether every published side of the tool is used as generate published it. */
  const used = (tool: CatalogTool, structured: boolean) =>
    keeps(tool, "input") && (!structured || keeps(tool, "output"));
  /**
   * A tool's precomputed entry as text under `name`, when every published side of it is used as it is (title,
   * description and annotations do not depend on the transforms).
   */
  const readyText = (tool: CatalogTool, structured: boolean, name: string, titled: boolean) =>
    precomputed && used(tool, structured) ? precomputed.entryText(tool.name, name, titled) : undefined;
  /** The precomputed entries of `listed` as one range of the table, when each is used as it is under its own name. */
  const readyList = (
    listed: readonly { tool: CatalogTool; name: string }[],
    structured: (tool: CatalogTool) => boolean,
  ): string | undefined => {
    if (!precomputed) return undefined;
    const names: string[] = [];
    for (const { tool, name } of listed) {
      if (name !== tool.name || !used(tool, structured(tool))) return undefined;
      names.push(name);
    }
    return precomputed.listText(names);
  };
  return { build, decoders, ready: readyText, readyList };
}

/**
 * A tool's published description, once per tool: as written without a first paragraph that repeats the title and
 * with whitespace normalised (`fullText`), or (concise) cut to its first sentences; then, in either mode and never
 * cut, its argument rules (which arguments go together, where the input schema cannot say it).
 */
function describer(concise: boolean, base: string | undefined): (tool: CatalogTool) => string {
  const descriptions = new Map<string, string>();
  return (tool) => {
    let text = descriptions.get(tool.name);
    if (text === undefined) {
      text = concise
        ? conciseText(tool.description, CONCISE_TOOL_CHARS)
        : relativeLinks(fullText(tool.description, tool.title), base);
      const rules = tool.argumentRules;
      if (rules !== undefined && rules.length > 0)
        text = `${text}${concise ? (/[.!?…]$/.test(text) ? " " : ". ") : "\n\n"}${rules.join(" ")}`;
      descriptions.set(tool.name, text);
    }
    return text;
  };
}
