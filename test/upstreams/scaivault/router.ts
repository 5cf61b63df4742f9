import type { ErrorDetail } from "./errors.js";
import type { OperationSpec } from "./spec.js";

export type RouteResult =
  | { kind: "match"; op: OperationSpec; pathParams: Record<string, string>; problems: ErrorDetail[] }
  | { kind: "method_not_allowed"; allowed: string[] }
  | { kind: "no_route" };

function decodeSegment(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Why one decoded segment of a multi-segment value is refused, if it is. */
function badSegment(raw: string, decoded: string | undefined): string | undefined {
  if (decoded === undefined) return `segment '${raw}' is not valid percent-encoding`;
  if (decoded === "") return "empty segment";
  if (decoded === "." || decoded === "..") return `'${decoded}' segment`;
  if (decoded.includes("/") || decoded.includes("\\")) return `segment '${raw}' encodes a path separator`;
  return undefined;
}

/**
 * Matches a raw (undecoded) request path against the spec's templates. Literal segments compare raw; a
 * single-segment parameter is one decoded segment; a multi-segment parameter takes the rest of the path,
 * each segment decoded on its own. Templates with more literal segments win.
 */
export function route(ops: OperationSpec[], method: string, rawPath: string): RouteResult {
  const parts = rawPath.split("/").slice(1);
  const matches: { op: OperationSpec; pathParams: Record<string, string>; problems: ErrorDetail[] }[] = [];
  for (const op of ops) {
    const m = matchTemplate(op, parts);
    if (m) matches.push({ op, ...m });
  }
  if (matches.length === 0) return { kind: "no_route" };
  const literalCount = (op: OperationSpec) => op.segments.filter((s) => "literal" in s).length;
  matches.sort((a, b) => literalCount(b.op) - literalCount(a.op));
  const best = matches.find((m) => m.op.method === method);
  if (!best) return { kind: "method_not_allowed", allowed: [...new Set(matches.map((m) => m.op.method))] };
  return { kind: "match", ...best };
}

function matchTemplate(
  op: OperationSpec,
  parts: string[],
): { pathParams: Record<string, string>; problems: ErrorDetail[] } | undefined {
  const pathParams: Record<string, string> = {};
  const problems: ErrorDetail[] = [];
  for (let i = 0; i < op.segments.length; i++) {
    const seg = op.segments[i]!;
    if ("literal" in seg) {
      if (parts[i] !== seg.literal) return undefined;
      continue;
    }
    if (seg.multi) {
      const rest = parts.slice(i);
      if (rest.length === 0) return undefined;
      const decoded = rest.map(decodeSegment);
      rest.forEach((raw, j) => {
        const why = badSegment(raw, decoded[j]);
        if (why) problems.push({ in: "path", name: seg.param, message: `invalid path: ${why}` });
      });
      pathParams[seg.param] = decoded.map((d) => d ?? "").join("/");
      return { pathParams, problems };
    }
    const raw = parts[i];
    if (raw === undefined) return undefined;
    const decoded = decodeSegment(raw);
    if (decoded === undefined || decoded === "") {
      problems.push({ in: "path", name: seg.param, message: "empty or malformed segment" });
    }
    pathParams[seg.param] = decoded ?? "";
  }
  return parts.length === op.segments.length ? { pathParams, problems } : undefined;
}
