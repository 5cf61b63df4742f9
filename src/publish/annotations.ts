import type { ToolAnnotations } from "../catalog.js";

/**
 * A tool's annotations as tools/list publishes them: only what says something. A hint is left out where its
 * absence means the same under MCP's defaults and to a client that reads absence as `false`:
 * - `readOnlyHint: false` and `idempotentHint: false` (both default to false);
 * - `destructiveHint` on a read-only tool (the spec gives it meaning only when `readOnlyHint` is false);
 *   `destructiveHint: false` on a write stays (absent, the spec's default is true);
 * - `openWorldHint` always stays (absent, the spec's default is true; a naive client would read false).
 *
 * `annotations.title` repeats the tool's top-level `title`, which clients of MCP 2025-06-18 and later read; it is
 * sent only to clients that negotiated an older revision (`withAnnotationTitle`).
 */
export interface PublishedAnnotations {
  title?: string;
  readOnlyHint?: true;
  destructiveHint?: boolean;
  idempotentHint?: true;
  openWorldHint: boolean;
}

/** The first protocol revision with a top-level `title` on tools. */
export const TOP_LEVEL_TITLE_SINCE = "2025-06-18";

/** The hints of one tool without the redundant ones (see above). */
export function publishedAnnotations(hints: ToolAnnotations): PublishedAnnotations {
  const out: PublishedAnnotations = { openWorldHint: hints.openWorldHint };
  if (hints.readOnlyHint) out.readOnlyHint = true;
  else out.destructiveHint = hints.destructiveHint;
  if (hints.idempotentHint) out.idempotentHint = true;
  // Key order as the spec lists them (stable, deterministic JSON).
  const { openWorldHint, ...rest } = out;
  return { ...rest, openWorldHint };
}

/**
 * Whether a client that negotiated `version` reads the top-level `title` (revisions are dates, so they compare as
 * text). An unknown revision gets the title in the annotations too: nothing is lost for any client.
 */
export function readsTopLevelTitle(version: string | undefined): boolean {
  return version !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= TOP_LEVEL_TITLE_SINCE;
}

/** A tools/list entry as a client of an older revision reads it: `annotations.title` carries the title. */
export function withAnnotationTitle<E extends { title: string; annotations: PublishedAnnotations }>(
  entry: E,
): E {
  return { ...entry, annotations: { title: entry.title, ...entry.annotations } };
}
