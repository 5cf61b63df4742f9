import type { CatalogDocument, CatalogTool, JsonSchema } from "../catalog.js";
import { isScalarValue, setOwn } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { noteApplied } from "./decision.js";
import { isUndecodedBody } from "./field-paths.js";
import { globMatcher } from "./glob.js";
import {
  MASK,
  maskAll,
  maskOutcomeData,
  quotedMentions,
  textNames,
  withoutQuoted,
  withoutUpstreamNotes,
} from "./mask.js";
import { maskEmbedded } from "./mask-embedded.js";
import { propertyPaths } from "./schema-paths.js";

/**
 * Run-time switches (`serve --read-only --allow --deny --mask`, or their TOOLWRIGHT_* env): the same narrowing
 * for every catalog, bare or not, on top of what the catalog's own policy does. They only narrow: the catalog's
 * denied tools stay denied, its read-only switch stays on when set, its masked fields stay masked. Everything is
 * checked at start against the catalog, and a selector that matches no tool stops the server (a typo must never
 * come up as "deny nothing").
 *
 * Selectors: a tool name or alias (`*` matches any run of characters), `tag:NAME` (the spec's or manifest's
 * tags), `safety:read|write|destructive`.
 */

export interface RuntimeSwitches {
  /** How read-only was asked for, e.g. `--read-only` or `TOOLWRIGHT_READ_ONLY=true`. */
  readOnly?: string;
  allow?: { label: string; selectors: readonly string[] };
  deny?: { label: string; selectors: readonly string[] };
  mask?: { label: string; fields: readonly string[] };
}

/** Fields masked by name at run time: bare names at any depth (case-insensitive), dotted paths as written. */
export interface NamedMask {
  label: string;
  names: ReadonlySet<string>;
  paths: readonly string[];
}

const SAFETIES = ["read", "write", "destructive"];

/** What a selector matches, or why it is not one. */
function selectorTest(selector: string): ((tool: CatalogTool) => boolean) | string {
  const [kind, ...rest] = selector.split(":");
  const value = rest.join(":");
  if (rest.length > 0 && kind === "tag") {
    const tag = value.toLowerCase();
    return (tool) => (tool.tags ?? []).some((t) => t.toLowerCase() === tag);
  }
  if (rest.length > 0 && kind === "safety") {
    if (!SAFETIES.includes(value)) return `"${selector}": a safety class is one of ${SAFETIES.join(", ")}`;
    return (tool) => tool.safety === value;
  }
  if (rest.length > 0) return `"${selector}": a selector is a tool name, tag:NAME or safety:CLASS`;
  const matches = globMatcher(selector);
  return (tool) => matches(tool.name) || tool.aliases.some(matches);
}

/**
 * Tool name -> the selector that matched it, over `tools`. A selector that is malformed or matches no tool is
 * a problem (the message lists what there is to choose from).
 */
export function matchSelectors(
  doc: CatalogDocument,
  tools: readonly CatalogTool[],
  selectors: readonly string[],
  label: string,
  problems: string[],
): Map<string, string> {
  const matched = new Map<string, string>();
  for (const selector of selectors) {
    const test = selectorTest(selector);
    if (typeof test === "string") {
      problems.push(`${label}: ${test}`);
      continue;
    }
    const hits = tools.filter(test);
    if (hits.length === 0)
      problems.push(
        `${label}: "${selector}" matches no tool of catalog ${doc.catalog}${tagHint(doc, selector)}`,
      );
    for (const tool of hits) if (!matched.has(tool.name)) matched.set(tool.name, selector);
  }
  return matched;
}

function tagHint(doc: CatalogDocument, selector: string): string {
  if (!selector.startsWith("tag:")) return "";
  const tags = [...new Set(doc.tools.flatMap((t) => t.tags ?? []))].sort();
  return tags.length > 0 ? ` (its tags: ${tags.join(", ")})` : " (it has no tags)";
}

/**
 * The tools the allow and deny switches take away (name -> the rule, as the audit log records it): deny
 * matches every tool, handlers' helpers included; allow keeps the client-visible tools it names (a handler's
 * helpers follow the handler).
 */
export function switchedOffTools(
  doc: CatalogDocument,
  switches: RuntimeSwitches,
  problems: string[],
): Map<string, string> {
  const off = new Map<string, string>();
  if (switches.deny) {
    const { label, selectors } = switches.deny;
    for (const [name, selector] of matchSelectors(doc, doc.tools, selectors, label, problems))
      off.set(name, `${label} ${selector}`);
  }
  if (switches.allow) {
    const { label, selectors } = switches.allow;
    const visible = doc.tools.filter((tool) => tool.internal !== true);
    const allowed = matchSelectors(doc, visible, selectors, label, problems);
    for (const tool of visible)
      if (!allowed.has(tool.name) && !off.has(tool.name)) off.set(tool.name, `${label} (not allowed)`);
  }
  return off;
}

/** The mask switch's fields, checked: names and dot paths of `[A-Za-z0-9_$@-]` keys or `*`. */
export function namedMask(mask: RuntimeSwitches["mask"], problems: string[]): NamedMask | undefined {
  if (!mask) return undefined;
  const names = new Set<string>();
  const paths: string[] = [];
  for (const field of mask.fields) {
    const segments = field.split(".");
    if (segments.some((s) => s === "" || !/^(?:\*|[^\s*]+)$/.test(s))) {
      problems.push(
        `${mask.label}: "${field}" is not a field name or dot path (e.g. password, data.*.token)`,
      );
    } else if (segments.length === 1 && field !== "*") names.add(field.toLowerCase());
    else paths.push(field);
  }
  return { label: mask.label, names, paths };
}

/**
 * The paths of a tool's output schema the named mask reaches, relative to the tool's data as masked paths are
 * (a wrapped tool's schema has its data under `result`), for widening the published schema.
 */
export function namedMaskPaths(mask: NamedMask, schema: JsonSchema | undefined, wrapped: boolean): string[] {
  let named = propertyPaths(schema, (key) => mask.names.has(key.toLowerCase()));
  if (wrapped) named = named.filter((p) => p.startsWith("result.")).map((p) => p.slice("result.".length));
  return [...new Set([...named, ...mask.paths])];
}

/** Every value under a key the mask names, at any depth (schema or not: drifted and untyped data included). */
function maskNamedKeys(data: unknown, names: ReadonlySet<string>): { data: unknown; count: number } {
  let count = 0;
  const visit = (value: unknown, depth: number): unknown => {
    if (isScalarValue(value)) return value;
    if (depth > 64) {
      count += 1;
      return MASK;
    }
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (names.has(key.toLowerCase()) && item !== null && item !== undefined) {
        const masked = maskAll(item);
        count += masked.count;
        setOwn(out, key, masked.data);
      } else setOwn(out, key, visit(item, depth + 1));
    }
    return out;
  };
  return { data: visit(data, 0), count };
}

/** Whether an upstream's JSON quoted in a note has a field `words` names, or, when it is no JSON, mentions one. */
function quotedNames(quoted: string, words: ReadonlySet<string>): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(quoted);
  } catch {
    return textNames(quoted, words);
  }
  return maskNamedKeys(parsed, words).count > 0 || maskEmbedded(parsed, words).count > 0;
}

/**
 * The text of data no name addresses: a text body (or JSON that could not be parsed) as it is, the executor's
 * base64 stand-in for a body of another media type as its bytes read as UTF-8 (`application/x-json`,
 * `application/octet-stream`: the model can decode base64); `undefined` for addressable JSON.
 */
function unaddressedText(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (data === null || typeof data !== "object" || !isUndecodedBody(data as Record<string, unknown>))
    return undefined;
  return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
}

/**
 * Masks the named fields of every result, success or error, masking switch or not (the run-time switch is on
 * by being given). Dotted paths go through the catalog's own masking (which fails closed on data it cannot
 * address); bare names are found at any depth, and a text body that mentions one is masked whole.
 */
export function namedMaskStep(
  mask: NamedMask,
  table: Record<string, JsonSchema | boolean> = {},
): NamedMiddleware {
  // The field names the mask reaches: its bare names and the last key of each dotted path.
  const words = new Set(mask.names);
  for (const path of mask.paths) {
    const last = path
      .split(".")
      .filter((s) => s !== "*")
      .pop();
    if (last) words.add(last.toLowerCase());
  }
  const carrying = new WeakMap<CatalogTool, boolean>();
  /** Whether a tool's arguments or result have a field the mask names (at any depth, through `$ref`s). */
  const carries = (tool: CatalogTool): boolean => {
    let known = carrying.get(tool);
    if (known === undefined) {
      const named = (key: string) => words.has(key.toLowerCase());
      const defs = table as Record<string, JsonSchema>;
      known =
        propertyPaths(tool.inputSchema, named, defs).length > 0 ||
        propertyPaths(tool.outputSchema, named, defs).length > 0;
      carrying.set(tool, known);
    }
    return known;
  };
  return {
    name: "mask-named",
    async run(ctx, next) {
      let outcome = await next();
      // An upstream error's own words, where the tool carries a named field (a 422 echoing the submitted
      // object) or the words mention one: withheld, since nothing says which of them is the field's value.
      if (outcome.error?.quoted && (carries(ctx.tool) || quotedMentions(outcome, words)))
        outcome = withoutQuoted(outcome, `while ${mask.label} is set`);
      // A GraphQL response's extensions quoted in a note, when they hold a named field (also in a JSON string)
      // or, summed up by their keys, mention one: left out, with or without data.
      outcome = withoutUpstreamNotes(outcome, (quoted) => quotedNames(quoted, words));
      if (outcome.data === null || outcome.data === undefined) return outcome;
      let data: unknown = outcome.data;
      let count = 0;
      if (mask.paths.length > 0) {
        const byPath = maskOutcomeData({ ...outcome, data }, mask.paths);
        data = byPath.data;
        count += byPath.count;
      }
      const unread = data !== MASK ? unaddressedText(data) : undefined;
      if (unread !== undefined) {
        // A body the names cannot address (text, or one of another media type sent as base64) of a tool that
        // carries a named field, that mentions one, or that is or holds a document naming one a decoding away
        // (base64, a data URL: it mentions nothing): masked whole, failing closed.
        if (carries(ctx.tool) || textNames(unread, words)) {
          data = MASK;
          count += 1;
        }
      } else if (data !== MASK) {
        if (mask.names.size > 0) {
          const byName = maskNamedKeys(data, mask.names);
          data = byName.data;
          count += byName.count;
        }
        // A named field inside a JSON document sent as a string: that string, as a whole.
        const embedded = maskEmbedded(data, words);
        data = embedded.data;
        count += embedded.count;
      }
      if (count === 0) return outcome;
      if (!outcome.error) noteApplied(ctx, "mask");
      return { ...outcome, data };
    },
  };
}
