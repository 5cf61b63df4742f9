import type { JsonSchema } from "../catalog.js";
import { isJsonObject, setOwn } from "../catalog.js";
import { rewriteSchemaNodes } from "./walk.js";

/**
 * `concise` descriptions: what a model needs to pick a tool or fill an argument, not the reference manual. The
 * first paragraph, with markdown links, images, emphasis markers and HTML reduced to their text, whitespace
 * collapsed, cut at a word boundary near `max` characters (with an ellipsis). This is a size reduction, not a
 * renderer: text it does not recognise stays as it is.
 */

/** Tool descriptions in `concise` mode. */
export const CONCISE_TOOL_CHARS = 300;
/**
 * Descriptions inside schemas (arguments, result fields) in `concise` mode: their first sentence, at most this
 * many characters (100 before GitHub REST's concise listing was held to 600 KB: 70 saves ~7 KB there, and a
 * sentence that long is cut at a word with an ellipsis).
 */
export const CONCISE_SCHEMA_CHARS = 70;

/**
 * What the generator writes for the confirmation arguments of destructive tools: how to complete such a call.
 * Concise text keeps them whole (they say what a model must do, not what the API means).
 */
export const CONFIRM_TEXT =
  "Set true only once the user agreed to exactly this call; without it the call only previews.";
export const CONFIRMATION_TOKEN_TEXT =
  "Omit: you get a preview and a single-use token; repeat the identical call with it to proceed.";
const WHOLE = new Set([CONFIRM_TEXT, CONFIRMATION_TOKEN_TEXT]);

/**
 * A sentence that only points to documentation ("For more information, see [x](url).", "See also ...", "Learn
 * more at ..."): a model cannot follow it, so concise text leaves it out.
 */
const POINTER =
  /^(?:\(?\s*)?(?:for (?:more|further|additional|full) (?:information|details|info)|for (?:details|an overview|a (?:full |complete )?list)|to learn more|learn more|read more|see also|more information)\b|^(?:\(?\s*)?see (?:the )?\[[^\]]*\]\([^)]*\)[^a-z]*$/i;

/** The paragraph without its pointer sentences (all of it when every sentence is one). */
function withoutPointers(paragraph: string): string {
  const sentences = paragraph.split(/(?<=(?<!\b(?:e\.g|i\.e|etc|vs|cf))[.!?]["')]?)\s+(?=[A-Z(`"[])/);
  const kept = sentences.filter((sentence) => !POINTER.test(sentence.trim()));
  return kept.length > 0 ? kept.join(" ") : paragraph;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** What ends a paragraph: a blank line (`split(/\n\s*\n/)` of a text gives its paragraphs). */
const PARAGRAPH_BREAK = /\n\s*\n/g;

/**
 * The paragraph of `text` that starts at `start`, and where the next one starts (-1: none); what
 * `text.slice(start).split(/\n\s*\n/)[0]` gives, without splitting the rest of a long text into paragraphs.
 */
function paragraphAt(text: string, start: number): [string, number] {
  PARAGRAPH_BREAK.lastIndex = start;
  const m = PARAGRAPH_BREAK.exec(text);
  return m === null ? [text.slice(start), -1] : [text.slice(start, m.index), m.index + m[0].length];
}

export function firstParagraph(text: string): string {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  // GitHub-style admonitions (`> [!NOTE]`) and headings are not a summary: skip to the first plain paragraph.
  let [first, next] = paragraphAt(trimmed, 0);
  for (let paragraph = first; ; ) {
    if (!/^\s*(>|#)/.test(paragraph)) return paragraph;
    if (next < 0) return first;
    [paragraph, next] = paragraphAt(trimmed, next);
  }
}

/** Whitespace that collapsing changes: any but a space, or two in a row. */
const UNCOLLAPSED = /[^\S ]|\s\s/;

/**
 * `text.replace(/\s+/g, " ")`: the text itself when it holds no whitespace but single spaces (most descriptions'
 * first sentences, and every text `plainText` gave), where the replace would still copy it, match by match.
 */
function collapsed(text: string): string {
  return UNCOLLAPSED.test(text) ? text.replace(/\s+/g, " ") : text;
}

/** Markdown and HTML reduced to their text. */
export function plainText(text: string): string {
  return collapsed(
    text
      .replace(/<!--[\s\S]*?-->/g, "")
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)/g, "$1")
      .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
      .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
      .replace(/<br\s*\/?>/gi, " ")
      .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>/g, "")
      .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "")
      .replace(/(\*\*|__)(?=\S)([^*_]+?)\1/g, "$2"),
  ).trim();
}

/**
 * The first sentence of the first paragraph, for tables and summaries: it ends at `.`, `!` or `?` followed by a
 * capital, not at "e.g." or "i.e.". Longer than `max`: cut, with an ellipsis.
 */
export function firstSentence(text: string, max: number): string {
  const para = collapsed(paragraphAt(text, 0)[0]).trim();
  const end = /(?<!\b(?:e\.g|i\.e|etc|vs|cf))[.!?](?=\s+[A-Z(`"]|$)/.exec(para);
  const s = end ? para.slice(0, end.index + 1) : para;
  return s.length > max ? `${s.slice(0, max - 3)}…` : s;
}

/**
 * A description's summary (find_tools' `summary`): the first sentence of its concise text (`conciseText`: the first
 * plain paragraph, pointers to documentation left out, markdown and HTML reduced to their text), cut at a word near
 * `max` with an ellipsis. It was the raw text's first sentence: links, tags and emphasis markers as written.
 */
export function summaryText(text: string, max: number): string {
  return capped(
    firstSentence(plainText(withoutPointers(firstParagraph(text))), Number.POSITIVE_INFINITY),
    max,
  );
}

/** Text longer than `max` cut at a word boundary near it, with an ellipsis. */
function capped(plain: string, max: number): string {
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}

/** The concise form of one description: its first paragraph without pointers to documentation, as text, capped. */
export function conciseText(text: string, max: number): string {
  return capped(plainText(withoutPointers(firstParagraph(text))), max);
}

/**
 * The concise form of a description inside a schema: its first sentence, at most `CONCISE_SCHEMA_CHARS` (the
 * confirmation arguments' texts whole).
 */
export function conciseSchemaText(text: string): string {
  if (WHOLE.has(text)) return text;
  let concise = conciseTexts.get(text);
  if (concise === undefined) {
    const plain = plainText(withoutPointers(firstParagraph(text)));
    concise = capped(firstSentence(plain, Number.POSITIVE_INFINITY), CONCISE_SCHEMA_CHARS);
    if (conciseTexts.size >= CONCISE_TEXTS) conciseTexts.clear();
    conciseTexts.set(text, concise);
  }
  return concise;
}

/**
 * `conciseSchemaText` once per distinct text: a catalog repeats its descriptions in many schemas (a GraphQL type's
 * fields in every shape that selects them, an argument in every tool that takes it), and each is made concise in
 * every projection that publishes it. At most `CONCISE_TEXTS` are kept (then the memo starts again).
 */
const conciseTexts = new Map<string, string>();
const CONCISE_TEXTS = 20_000;

/** Words a description may add to a property's name and still say nothing more than the name does. */
const FILLER = new Set([
  "the",
  "a",
  "an",
  "of",
  "for",
  "to",
  "this",
  "that",
  "which",
  "is",
  "by",
  "in",
  "on",
  "its",
]);
/** What a name's abbreviations stand for in the descriptions that spell them out. */
const SPELLED: ReadonlyMap<string, readonly string[]> = new Map([
  ["id", ["id", "identifier", "unique"]],
  ["ids", ["ids", "identifiers", "unique"]],
  ["org", ["organization"]],
  ["repo", ["repository"]],
  ["num", ["number"]],
  ["sha", ["sha"]],
]);

function nameWords(name: string): Set<string> {
  const words = new Set<string>();
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  for (const part of parts) {
    if (!part) continue;
    words.add(part);
    // A Map: a name's word may be any text (`constructorId` has the word `constructor`).
    for (const spelled of SPELLED.get(part) ?? []) words.add(spelled);
  }
  return words;
}

/**
 * Whether a (concise) description only restates its property's name: every word of it is a word of the name,
 * an abbreviation's spelling-out, or a filler word ("secret_name": "The name of the secret."; "hook_id": "The
 * unique identifier of the hook."). A model reads the name; such a description tells it nothing more.
 */
export function restatesName(name: string, text: string): boolean {
  let byName = restated.get(text);
  if (byName === undefined) {
    if (restated.size >= CONCISE_TEXTS) restated.clear();
    byName = new Map();
    restated.set(text, byName);
  }
  let answer = byName.get(name);
  if (answer === undefined) {
    answer = restates(name, text);
    byName.set(name, answer);
  }
  return answer;
}

/**
 * `restatesName` once per text and name: a catalog's schemas repeat their arguments and fields (`owner`, `repo`,
 * `per_page` in most of GitHub's tools), and every projection that publishes one asks again. At most
 * `CONCISE_TEXTS` texts are kept (then the memo starts again).
 */
const restated = new Map<string, Map<string, boolean>>();

function restates(name: string, text: string): boolean {
  const words = text.toLowerCase().match(/[a-z0-9]+/g);
  if (!words) return false;
  const named = nameWords(name);
  return words.every((w) => FILLER.has(w) || named.has(w) || (w.endsWith("s") && named.has(w.slice(0, -1))));
}

/**
 * Every `description` inside a schema made concise (values such as `default` and `const` are left alone); nodes in
 * `keep` (open stand-ins whose text is already short and must keep its note) are kept as they are. A property's
 * description that only restates the property's name (`restatesName`) is left out.
 */
export function conciseSchema(node: unknown, keep?: WeakSet<object>): unknown {
  if (Array.isArray(node)) return node.map((item) => conciseSchema(item, keep));
  if (!isJsonObject(node) || keep?.has(node)) return node;
  const out: JsonSchema = {};
  // Own keys by `for...in` (no array of entries per node: every published schema is walked).
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const value = node[key];
    if (key === "description" && typeof value === "string") out[key] = conciseSchemaText(value);
    else if (key === "const" || key === "enum" || key === "default" || key === "examples") out[key] = value;
    else if (
      (key === "properties" || key === "$defs" || key === "patternProperties") &&
      isJsonObject(value)
    ) {
      const props: JsonSchema = {};
      for (const name in value) {
        if (!Object.hasOwn(value, name)) continue;
        const schema = value[name];
        const concise = conciseSchema(schema, keep);
        // A property's description that only restates its name is left out (the name says it).
        if (key === "properties" && concise !== schema && isJsonObject(concise)) {
          const text = concise.description;
          if (typeof text === "string" && restatesName(name, text)) delete concise.description;
        }
        setOwn(props, name, concise);
      }
      out[key] = props;
    } else out[key] = conciseSchema(value, keep);
  }
  return out;
}

const conciseTables = new WeakMap<object, JsonSchema>();

/** `conciseSchema` of one of the catalog table's schemas (shared, never modified), computed once. */
export function conciseShared(schema: JsonSchema): JsonSchema {
  let out = conciseTables.get(schema);
  if (out === undefined) {
    out = conciseSchema(schema) as JsonSchema;
    conciseTables.set(schema, out);
  }
  return out;
}

/**
 * `full` tool descriptions: every word as the spec wrote it, in fewer bytes. A first paragraph that only repeats
 * the tool's title (GitHub REST: the operation's summary, on 1,186 of 1,223 tools) is left out when more follows,
 * since `title` publishes it beside the description; line ends are `\n`, trailing blanks go and runs of blank lines
 * become one.
 */
export function fullText(text: string, title: string): string {
  const normal = text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const end = normal.indexOf("\n\n");
  if (end < 0 || !title) return normal;
  const first = collapsed(normal.slice(0, end)).replace(/[.:]$/, "");
  return first === collapsed(title.trim()).replace(/[.:]$/, "") ? normal.slice(end + 2) : normal;
}

/** Whether `value` is of one of the JSON Schema types `type` names. */
function ofType(value: unknown, type: unknown): boolean {
  const kinds = Array.isArray(type) ? type : [type];
  const kind =
    value === null
      ? "null"
      : Array.isArray(value)
        ? "array"
        : typeof value === "number"
          ? Number.isInteger(value)
            ? "integer"
            : "number"
          : typeof value;
  return kinds.includes(kind) || (kind === "integer" && kinds.includes("number"));
}

/** A `type` that says nothing its node's `enum` or `const` does not (every value is of that type). */
function impliedType(node: JsonSchema): boolean {
  if (node.type === undefined) return false;
  if (Array.isArray(node.enum)) return node.enum.length > 0 && node.enum.every((v) => ofType(v, node.type));
  return Object.hasOwn(node, "const") && ofType(node.const, node.type);
}

/**
 * `concise` input schemas: a `type` beside an `enum` or `const` whose every value is of that type is left out
 * (`{"type": "string", "enum": ["open", "closed"]}` accepts exactly what `{"enum": ["open", "closed"]}` does;
 * GitHub REST: 524 arguments, 8 KB). The root keeps its `type: "object"` (MCP requires it). The portable profile
 * (`portable.ts`) states a type again from the values, for model providers that want one on every node. Nodes
 * without such a type are returned as they are (the same object).
 */
export function withoutImpliedTypes(root: JsonSchema): JsonSchema {
  return rewriteSchemaNodes(root, (node, top) => {
    if (top || !impliedType(node)) return undefined;
    const { type: _type, ...rest } = node;
    return rest;
  });
}
