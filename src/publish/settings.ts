import type { PublishSettings } from "../catalog.js";
import { CLIENT_PART_BYTES } from "./client-limit.js";

/**
 * The defaults a manifest (or a bare spec) gets, chosen on the largest real APIs (GitHub, Stripe, DocuSign,
 * Microsoft Graph): inputs, which a model fills, keep two named-schema hops and up to 8 KiB; outputs, which
 * clients validate and models rarely need, up to 1 KiB. A page of 200 tools then stays far below the 10 MiB a
 * client accepts in one message (`CLIENT_MESSAGE_BYTES`). Catalogs with small, deep schemas (the reference ones) raise them.
 */
export const DEFAULT_PUBLISH: PublishSettings = {
  depth: 2,
  bytes: 8 * 1024,
  outputBytes: 1024,
  output: "compact",
  descriptions: "full",
};

export const OUTPUT_MODES = ["full", "compact", "none"] as const;
export const DESCRIPTION_MODES = ["full", "concise"] as const;
/** What a manifest (or `generate --descriptions`) may ask for: a mode, or `auto` (the default, resolved by generate). */
export const DESCRIPTION_CHOICES = ["auto", ...DESCRIPTION_MODES] as const;

/**
 * `descriptions: auto` (the default) publishes full descriptions unless what a model sees with them is estimated
 * above this many tokens (a quarter of a 200k-token context): such a catalog publishes concise ones, and
 * `generate` says so. GitHub REST's 1,223 tools are ~296k tokens with full descriptions, ~149k concise.
 */
export const AUTO_CONCISE_TOKENS = 50_000;

/** A catalog's settings with anything missing taken from the defaults. */
export function publishSettings(
  doc: { publish?: Partial<PublishSettings> },
  overrides: Partial<PublishSettings> = {},
): PublishSettings {
  return { ...DEFAULT_PUBLISH, ...doc.publish, ...overrides };
}

/**
 * Entries per page of every list. Large, because clients that ignore `nextCursor` exist and would silently miss
 * the rest: every tool of an ordinary catalog (GitHub's 1,223 included) comes in one page.
 */
export const DEFAULT_PAGE_SIZE = 2000;
/** A page also ends before its JSON passes this size, below the message limit of the SDK clients (10 MiB). */
export const PAGE_BYTES = CLIENT_PART_BYTES;
