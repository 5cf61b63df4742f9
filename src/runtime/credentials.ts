import { type ContentBlock, isExactNumber, type ToolOutcome } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import {
  anyCredential,
  holdsCredential,
  withoutCredentialBytes,
  withoutCredentials,
} from "../telemetry/redact.js";

/**
 * The credentials the server sends upstream never reach a client in a result. An upstream may echo its request
 * back (httpbin-style debug endpoints, an API returning "your key is ...", an error page quoting the
 * Authorization header, a URL with the API key in its query): every string of the outcome (data, its keys,
 * error message and details, a handler's text blocks) has each credential, as sent or percent-encoded, replaced
 * by `[redacted]` before any later step or the client sees it. It sits outside `validate-output`, so the data it
 * walks is at most `MAX_RESPONSE_DEPTH` deep. An outcome without a credential is returned as it is (no copy).
 */
export function withholdCredentials(): NamedMiddleware {
  return {
    name: "withhold-credentials",
    async run(_ctx, next) {
      return cleanOutcome(await next());
    },
  };
}

export function cleanOutcome(outcome: ToolOutcome): ToolOutcome {
  if (!anyCredential()) return outcome;
  const data = clean(outcome.data);
  const error = outcome.error === undefined ? undefined : clean(outcome.error);
  const content = outcome.content === undefined ? undefined : cleanBlocks(outcome.content);
  const notes = outcome.notes === undefined ? undefined : clean(outcome.notes);
  if (
    data === outcome.data &&
    error === outcome.error &&
    content === outcome.content &&
    notes === outcome.notes
  )
    return outcome;
  const out: ToolOutcome = { ...outcome, data };
  if (error !== undefined) out.error = error as NonNullable<ToolOutcome["error"]>;
  if (content !== undefined) out.content = content as ContentBlock[];
  if (notes !== undefined) out.notes = notes as string[];
  return out;
}

/**
 * A handler's content blocks with credentials replaced: in the bytes of an image's or audio clip's base64 `data` and
 * of a resource's base64 `blob` (decoded, replaced as an HTTP binary body's bytes are, encoded again: a search of
 * the base64 text would leave it broken, `[redacted]` in the middle of base64), then in every string as elsewhere.
 */
function cleanBlocks(blocks: ContentBlock[]): ContentBlock[] {
  let copy: ContentBlock[] | undefined;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i] as ContentBlock;
    let bytesCleaned: ContentBlock = block;
    if (block.type === "image" || block.type === "audio") {
      const data = withoutCredentialsInBase64(block.data);
      if (data !== block.data) bytesCleaned = { ...block, data };
    } else if (block.type === "resource" && "blob" in block.resource) {
      const blob = withoutCredentialsInBase64(block.resource.blob);
      if (blob !== block.resource.blob) bytesCleaned = { ...block, resource: { ...block.resource, blob } };
    }
    const cleaned = clean(bytesCleaned) as ContentBlock;
    if (cleaned !== block) {
      copy ??= blocks.slice();
      copy[i] = cleaned;
    }
  }
  return copy ?? blocks;
}

/** Base64 whose decoded bytes held a credential, with the bytes replaced; the same string otherwise. */
function withoutCredentialsInBase64(text: string): string {
  if (typeof text !== "string") return text;
  const bytes = Buffer.from(text, "base64");
  const shown = withoutCredentialBytes(bytes);
  return shown === bytes ? text : Buffer.from(shown).toString("base64");
}

/** `value` with credentials replaced in every string and key; the same reference when none held one. */
function clean(value: unknown): unknown {
  if (typeof value === "string") return holdsCredential(value) ? withoutCredentials(value) : value;
  if (value === null || typeof value !== "object") return value;
  // An exact number's digits are a string too: one that holds a credential is withheld as a string.
  if (isExactNumber(value)) return holdsCredential(value.rawJSON) ? withoutCredentials(value.rawJSON) : value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = clean(value[i]);
      if (item !== value[i]) {
        copy ??= value.slice();
        copy[i] = item;
      }
    }
    return copy ?? value;
  }
  // A scan first (no allocation): almost every result holds no credential and is returned as it is.
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    if (holdsCredential(key) || clean(item) !== item) return rebuilt(Object.entries(object));
  }
  return value;
}

/** A prototype-free copy of an object's entries, every key and value cleaned. */
function rebuilt(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of entries) {
    const cleanKey = holdsCredential(key) ? withoutCredentials(key) : key;
    out[cleanKey] = clean(item);
  }
  return out;
}
