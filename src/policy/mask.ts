import type { JsonSchema, ToolOutcome } from "../catalog.js";
import { type NamedMiddleware, UPSTREAM_EXTENSIONS_NOTE } from "../chain.js";
import { declaredOnly } from "./allow-list.js";
import { noteApplied } from "./decision.js";
import { addressable, mapAtPath, offSchema, splitPath } from "./field-paths.js";
import { MASK, type MaskResult, maskAll } from "./mask-all.js";
import { embedsNamedWords, maskEmbedded, maskedWords, newReading } from "./mask-embedded.js";

/**
 * Masking: result fields a tool marks `masked` come back as the marker, so an agent can see that a secret
 * exists (and its metadata) without seeing it.
 *
 * Every non-null leaf at or under a masked path becomes the marker: strings, and numbers and booleans too (a
 * numeric PIN is as secret as a string one). `null` stays: absence is not a secret. Object keys stay, they are
 * structure. The published output schema is widened to match (mask-schema.ts), so clients that validate
 * `structuredContent` accept a masked result.
 *
 * The marker also replaces those fields in error results that carry data (an upstream answer that does not
 * match the output schema), masking on or off: an error must not be the way a secret gets out.
 *
 * Paths only find what sits where the manifest says, so with masking on the result is first reduced to what
 * the tool's output schema declares (allow-list.ts: undeclared properties dropped, undescribed values masked),
 * and a scalar met before the end of a masked path is masked too. A body that is not JSON the paths address
 * (served as text/plain or application/x-json, truncated JSON) is masked whole, and an error's data (JSON that
 * does not match the output schema, an upstream error body) has every value masked: masking fails closed.
 */

export { MASK, type MaskResult, maskAll };

/**
 * An error shown without the words its upstream wrote (`QuotedError`): each becomes `(the upstream's message is
 * withheld <why>)`, and the details are the ones without them. The status, the error's code and toolwright's own
 * words stay. Masking cannot read free text for the fields it masks (a 422 echoing the submitted object, a 500
 * quoting a stored value), so where it applies such text fails closed.
 */
export function withoutQuoted(outcome: ToolOutcome, why: string): ToolOutcome {
  const error = outcome.error;
  if (!error?.quoted) return outcome;
  const { quoted, ...rest } = error;
  const message = quoted.pieces
    .map((piece, i) => (i % 2 === 1 ? `(the upstream's message is withheld ${why})` : piece))
    .join("");
  const shown: NonNullable<ToolOutcome["error"]> = { ...rest, message };
  if (Object.hasOwn(quoted, "details")) shown.details = quoted.details;
  return { ...outcome, error: shown };
}

/**
 * The outcome without notes that quote the upstream (`UPSTREAM_EXTENSIONS_NOTE`), or without those whose quoted
 * text `drops` (given the text after the note's prefix).
 */
export function withoutUpstreamNotes(
  outcome: ToolOutcome,
  drops: (quoted: string) => boolean = () => true,
): ToolOutcome {
  const notes = outcome.notes?.filter(
    (n) => !(n.startsWith(UPSTREAM_EXTENSIONS_NOTE) && drops(n.slice(UPSTREAM_EXTENSIONS_NOTE.length))),
  );
  if (notes === undefined || notes.length === outcome.notes?.length) return outcome;
  const { notes: _dropped, ...rest } = outcome;
  return notes.length > 0 ? { ...rest, notes } : rest;
}

/**
 * Whether an error quotes the upstream's words and they mention one of `names` (lower-case), or hold a word that is
 * a document naming one a decoding away (base64, a data URL: `{"ssn": ...}` as `eyJzc24iOi...` mentions nothing).
 */
export function quotedMentions(outcome: ToolOutcome, names: ReadonlySet<string>): boolean {
  const pieces = outcome.error?.quoted?.pieces ?? [];
  return textNames(pieces.filter((_, i) => i % 2 === 1).join("\n"), names);
}

/**
 * Whether a text (an upstream error's words, a text body, a note) mentions one of `names` (lower-case), or is or
 * holds a document naming one a decoding away: the text as a whole, each word and each part of a word are read by
 * mask-embedded (`embedsNamedWords`: JSON, base64, hex, a data URL, a JWT's parts, percent-encoding).
 */
export function textNames(text: string, names: ReadonlySet<string>): boolean {
  if (text === "" || names.size === 0) return false;
  const lower = text.toLowerCase();
  for (const name of names) if (lower.includes(name)) return true;
  return embedsNamedWords(text, names, newReading());
}

/** Masks every field at each of `paths` (manifest dot paths). */
export function maskFields(data: unknown, paths: readonly string[]): MaskResult {
  let count = 0;
  let out = data;
  for (const path of paths) {
    out = mapAtPath(
      out,
      splitPath(path),
      (value) => {
        const masked = maskAll(value);
        count += masked.count;
        return masked.data;
      },
      true,
    );
  }
  return { data: out, count };
}

/** What masking reads beside a tool's data: its output schema (with the catalog's table), when masking is on. */
export interface Described {
  schema: JsonSchema;
  table: Record<string, JsonSchema | boolean>;
}

/**
 * The data of a masked tool's outcome, masked. Fails closed when the paths cannot be trusted to find the
 * secrets: data that is not addressable JSON (a text body, unparsable JSON, an undecoded body) becomes the
 * marker as a whole; JSON off the output schema keeps its keys and loses every value; with the output schema at hand
 * (masking on), a result keeps only what the schema declares before the paths mask the value fields; without
 * it, drifted JSON loses every value.
 */
export function maskOutcomeData(
  outcome: ToolOutcome,
  paths: readonly string[],
  described?: Described,
): MaskResult {
  if (!addressable(outcome.data)) return { data: MASK, count: 1 };
  if (!described) {
    if (offSchema(outcome)) return maskAll(outcome.data);
    return withEmbedded(maskFields(outcome.data, paths), paths);
  }
  const declared = declaredOnly(outcome.data, described.schema, described.table);
  // An error's data keeps only declared keys (an undeclared key may itself be the secret), and no value.
  const masked = outcome.error
    ? maskAll(declared.data)
    : withEmbedded(maskFields(declared.data, paths), paths);
  return { data: masked.data, count: declared.count + masked.count };
}

/** Then a masked field inside a JSON document sent as a string (mask-embedded.ts): that string as a whole. */
function withEmbedded(masked: MaskResult, paths: readonly string[]): MaskResult {
  if (paths.length === 0) return masked;
  const embedded = maskEmbedded(masked.data, maskedWords(paths));
  return { data: embedded.data, count: masked.count + embedded.count };
}

/**
 * Masking on: every tool with an output schema is reduced to it, and masked paths are masked. Masking off:
 * only an error's data is masked, for tools with masked paths.
 */
export function maskStep(
  enabled: boolean,
  table: Record<string, JsonSchema | boolean> = {},
): NamedMiddleware {
  return {
    name: "mask",
    idle: (tool) => (tool.policy.masked ?? []).length === 0 && (!enabled || tool.outputSchema === undefined),
    async run(ctx, next) {
      let outcome = await next();
      const paths = ctx.tool.policy.masked ?? [];
      const schema = enabled ? ctx.tool.outputSchema : undefined;
      if (paths.length === 0 && schema === undefined) return outcome;
      // With masking on, an upstream error's own words are not shown: nothing says what they hold. Nor are a
      // GraphQL response's extensions wherever the data is masked (masking on, or an error's data).
      if (enabled) outcome = withoutQuoted(outcome, "while masking is on");
      if (enabled || outcome.error) outcome = withoutUpstreamNotes(outcome);
      if (outcome.data === null || outcome.data === undefined) return outcome;
      if (!enabled && !outcome.error) return outcome;
      const masked = maskOutcomeData(outcome, paths, schema ? { schema, table } : undefined);
      if (masked.count === 0) return outcome;
      if (!outcome.error) noteApplied(ctx, "mask");
      return { ...outcome, data: masked.data };
    },
  };
}
