import type { JsonSchema } from "../catalog.js";

/**
 * `concise` descriptions: what a model needs to pick a tool or fill an argument, not the reference manual. The
 * first paragraph, with markdown links, images, emphasis markers and HTML reduced to their text, whitespace
 * collapsed, cut at a word boundary near `max` characters (with an ellipsis). This is a size reduction, not a
 * renderer: text it does not recognise stays as it is.
 */

/** Tool descriptions in `concise` mode. */
export const CONCISE_TOOL_CHARS = 300;
/** Descriptions inside schemas (arguments, result fields) in `concise` mode: their first sentence, at most. */
export const CONCISE_SCHEMA_CHARS = 100;

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

function firstParagraph(text: string): string {
  const trimmed = text.replace(/\r\n?/g, "\n").trim();
  // GitHub-style admonitions (`> [!NOTE]`) and headings are not a summary: skip to the first plain paragraph.
  const paragraphs = trimmed.split(/\n\s*\n/).filter((p) => !/^\s*(>|#)/.test(p));
  return paragraphs[0] ?? trimmed.split(/\n\s*\n/)[0] ?? "";
}

/** Markdown and HTML reduced to their text. */
export function plainText(text: string): string {
  return text
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<(https?:\/\/[^>\s]+)>/g, "$1")
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>/g, "")
    .replace(/&(amp|lt|gt|quot|apos|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "")
    .replace(/(\*\*|__)(?=\S)([^*_]+?)\1/g, "$2")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The first sentence of the first paragraph, for tables and summaries: it ends at `.`, `!` or `?` followed by a
 * capital, not at "e.g." or "i.e.". Longer than `max`: cut, with an ellipsis.
 */
export function firstSentence(text: string, max: number): string {
  const para = (text.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
  const end = /(?<!\b(?:e\.g|i\.e|etc|vs|cf))[.!?](?=\s+[A-Z(`"]|$)/.exec(para);
  const s = end ? para.slice(0, end.index + 1) : para;
  return s.length > max ? `${s.slice(0, max - 3)}…` : s;
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

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The concise form of a description inside a schema: its first sentence, at most `CONCISE_SCHEMA_CHARS`. */
export function conciseSchemaText(text: string): string {
  const plain = plainText(withoutPointers(firstParagraph(text)));
  return capped(firstSentence(plain, Number.POSITIVE_INFINITY), CONCISE_SCHEMA_CHARS);
}

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
const SPELLED: Record<string, readonly string[]> = {
  id: ["id", "identifier", "unique"],
  ids: ["ids", "identifiers", "unique"],
  org: ["organization"],
  repo: ["repository"],
  num: ["number"],
  sha: ["sha"],
};

function nameWords(name: string): Set<string> {
  const words = new Set<string>();
  const parts = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  for (const part of parts) {
    if (!part) continue;
    words.add(part);
    for (const spelled of SPELLED[part] ?? []) words.add(spelled);
  }
  return words;
}

/**
 * Whether a (concise) description only restates its property's name: every word of it is a word of the name,
 * an abbreviation's spelling-out, or a filler word ("secret_name": "The name of the secret."; "hook_id": "The
 * unique identifier of the hook."). A model reads the name; such a description tells it nothing more.
 */
export function restatesName(name: string, text: string): boolean {
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
  if (!isObject(node) || keep?.has(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "description" && typeof value === "string") out[key] = conciseSchemaText(value);
    else if (key === "const" || key === "enum" || key === "default" || key === "examples") out[key] = value;
    else if ((key === "properties" || key === "$defs" || key === "patternProperties") && isObject(value)) {
      const props: JsonSchema = {};
      for (const [name, schema] of Object.entries(value as JsonSchema)) {
        const concise = conciseSchema(schema, keep);
        // A property's description that only restates its name is left out (the name says it).
        if (key === "properties" && concise !== schema && isObject(concise)) {
          const text = concise.description;
          if (typeof text === "string" && restatesName(name, text)) delete concise.description;
        }
        props[name] = concise;
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
