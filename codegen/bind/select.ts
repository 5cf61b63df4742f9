import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import type { SelectorSpec } from "../manifest/types.js";
import type { OpenApiSourceModel, OperationNode } from "../normalize/openapi/model.js";
import { compareStrings, didYouMean, distance } from "../util.js";

/** `METHOD /path`: a method token (RFC 9110), then the path as the spec writes it. */
const METHOD_PATH = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s+(\/\S*)$/;
/** The methods a path item has a field for (any case names them); any other is compared as written. */
const FIXED = new Set(["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "QUERY"]);

function matchesOperation(op: OperationNode, ref: string): boolean {
  const m = METHOD_PATH.exec(ref.trim());
  if (m && namesMethod(m[1] as string, op.method) && op.path === m[2]) return true;
  return op.operationId === ref;
}

/**
 * Whether a manifest's method names the operation's: a fixed method in any case, another one (OpenAPI 3.2's
 * additionalOperations: `LINK`, `purge`), which is sent as written, only as written.
 */
function namesMethod(written: string, method: string): boolean {
  const upper = written.toUpperCase();
  return FIXED.has(upper) ? method === upper : method === written;
}

/**
 * A `from:`'s source: a `#` after a source id (the manifest's `sources` keys: `^[a-z][a-z0-9_-]*$`). A `#` after
 * anything else belongs to the path key (`POST /#X-Amz-Target=Things.CreateThing`, `GET /tags/{tag#id}`): read as a
 * source, such an operation could not be named by method and path (TW112 'unknown source "POST /"').
 */
const SOURCE_PREFIX = /^([a-z][a-z0-9_-]*)#/;

/** Resolves a manifest `from:` (`[source#]operationId` or `[source#]METHOD /path`) to one operation. */
export function resolveFrom(
  from: string,
  sources: OpenApiSourceModel[],
  diags: Diagnostics,
  at: SourceRef,
): OperationNode | undefined {
  const prefix = SOURCE_PREFIX.exec(from);
  const sourceId = prefix?.[1];
  const ref = prefix ? from.slice(prefix[0].length) : from;
  const pool = sourceId === undefined ? sources : sources.filter((s) => s.id === sourceId);
  if (sourceId !== undefined && pool.length === 0) {
    diags.error(
      "TW112",
      `unknown source ${JSON.stringify(sourceId)} in from: ${JSON.stringify(from)} (sources: ${sources.map((s) => s.id).join(", ")})`,
      at,
    );
    return undefined;
  }
  const found = pool.flatMap((s) => s.operations.filter((op) => matchesOperation(op, ref)));
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const sourcesHit = [...new Set(found.map((o) => o.sourceId))];
    if (sourcesHit.length > 1) {
      diags.error(
        "TW114",
        `${JSON.stringify(from)} matches operations in several sources (${sourcesHit.join(", ")})`,
        at,
      );
    } else {
      // A spec that reuses an operationId (invalid OpenAPI, but common): name the operation by method and path.
      const where = found.map((o) => JSON.stringify(`${o.method} ${o.path}`)).join(", ");
      diags.error(
        "TW114",
        `${JSON.stringify(from)} is the operationId of ${found.length} operations: ${where}`,
        at,
        `operationIds should be unique; until the spec is fixed, write from: ${JSON.stringify(`${found[0]?.method} ${found[0]?.path}`)}`,
      );
    }
    return undefined;
  }
  diags.error(
    "TW113",
    `${JSON.stringify(from)} matches no operation${sourceId ? ` of source ${JSON.stringify(sourceId)}` : ""}`,
    at,
    didYouMean(
      nearOperations(
        ref,
        pool.flatMap((s) => s.operations),
      ),
    ),
  );
  return undefined;
}

/**
 * Up to three operations nearest a reference that names none, in the form it was written: `METHOD /path` for a
 * method and path (`GET /v1/acount` -> `GET /v1/account`), the operationId otherwise (its method and path when it
 * has none). Closest first, at most one edit further than the closest; none further than a third of the reference
 * (at least three edits).
 */
export function nearOperations(ref: string, operations: readonly OperationNode[]): string[] {
  const m = METHOD_PATH.exec(ref.trim());
  const written = (m ? `${(m[1] as string).toUpperCase()} ${m[2]}` : ref).toLowerCase();
  const names = new Set(
    operations.map((o) => (m || o.operationId === undefined ? `${o.method} ${o.path}` : o.operationId)),
  );
  const near = [...names]
    .map((name) => ({ name, d: distance(name.toLowerCase(), written) }))
    .sort((a, b) => a.d - b.d || compareStrings(a.name, b.name))
    .slice(0, 3);
  const best = near[0]?.d ?? 0;
  return near.filter((x) => x.d <= Math.max(3, ref.length / 3) && x.d <= best + 1).map((x) => x.name);
}

export function selectorMatches(sel: SelectorSpec, op: OperationNode): boolean {
  if (sel.source !== undefined && sel.source !== op.sourceId) return false;
  if (sel.operation !== undefined && !matchesOperation(op, sel.operation)) return false;
  if (sel.tag !== undefined && !op.tags.includes(sel.tag)) return false;
  if (sel.path_prefix !== undefined && !op.path.startsWith(sel.path_prefix)) return false;
  if (sel.methods !== undefined && !sel.methods.some((m) => namesMethod(m, op.method))) return false;
  // An entry that names only its source selects every operation of it, as `{ source, all: true }` does.
  return (
    sel.all === true ||
    sel.source !== undefined ||
    sel.operation !== undefined ||
    sel.tag !== undefined ||
    sel.path_prefix !== undefined ||
    sel.methods !== undefined
  );
}
