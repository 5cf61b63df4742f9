import type { CatalogDocument, JsonSchema } from "../catalog.js";
import { rewriteSchemaNodes } from "./walk.js";

/**
 * `full` descriptions keep every markdown link's target, but a catalog whose links mostly point into one site
 * (GitHub REST: 1,392 links to https://docs.github.com) states that origin once, in the server's instructions,
 * and writes those links root-relative (`[Media types](/rest/...)`), which saves the origin's 23 bytes on each.
 * Chosen on the catalog's tool descriptions alone (the most frequent origin of their links, when it is at least
 * `LINK_BASE_MIN` of them), so `generate`, which publishes the schemas ahead, and `serve`, which sends the
 * instructions, agree without reading any schema. Other origins, and links in concise text (reduced to their
 * words), are left as they are.
 */

/** Links to one origin in a catalog's tool descriptions before it is stated once. */
export const LINK_BASE_MIN = 20;

const ORIGIN = /\]\((https?:\/\/[A-Za-z0-9.-]+(?::\d+)?)\//g;

const cache = new WeakMap<object, string | null>();

/** The origin a catalog's links are written relative to; undefined for none. */
export function linkBaseOf(doc: Pick<CatalogDocument, "tools">): string | undefined {
  let base = cache.get(doc);
  if (base === undefined) {
    const counts = new Map<string, number>();
    for (const tool of doc.tools) {
      if (tool.internal === true || !tool.description.includes("](http")) continue;
      for (const m of tool.description.matchAll(ORIGIN)) {
        const origin = m[1] as string;
        counts.set(origin, (counts.get(origin) ?? 0) + 1);
      }
    }
    let best: [string, number] | undefined;
    for (const [origin, count] of counts)
      if (!best || count > best[1] || (count === best[1] && origin < best[0])) best = [origin, count];
    base = best && best[1] >= LINK_BASE_MIN ? best[0] : null;
    cache.set(doc, base);
  }
  return base ?? undefined;
}

/** The instructions' sentence that says where root-relative links point. */
export function linkBaseNote(base: string): string {
  return `Links written from "/" (markdown, as in [text](/path)) are on ${base}.`;
}

/** Markdown links to `base` written root-relative. */
export function relativeLinks(text: string, base: string | undefined): string {
  return base === undefined || !text.includes(base) ? text : text.replaceAll(`](${base}/`, "](/");
}

/** Every `description` of a schema with its links to `base` root-relative (the same object when none has one). */
export function schemaRelativeLinks(root: JsonSchema, base: string | undefined): JsonSchema {
  if (base === undefined) return root;
  return rewriteSchemaNodes(root, (node) => {
    const description = node.description;
    if (typeof description !== "string") return undefined;
    const relative = relativeLinks(description, base);
    return relative === description ? undefined : { ...node, description: relative };
  });
}
