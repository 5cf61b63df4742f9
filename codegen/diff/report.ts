import type { CatalogDocument, Safety } from "../../src/catalog.js";
import { terminalSafe } from "../../src/telemetry/terminal.js";
import type { Change } from "./change.js";

/**
 * The kinds a reviewer reads as edits: what a spec reworded or narrowed. Only these are grouped when repeated, and
 * only when they do not widen; every other kind (a policy, a binding, a safety class, a source, an added argument,
 * a kind this list does not know yet) is listed on its own line, so grouping can never hide what matters.
 */
const GROUPABLE = new Set([
  "description changed",
  "argument description changed",
  "result schema changed",
  "result schema added",
  "result schema removed",
  "result description changed",
  "argument rules changed",
  "argument removed",
  "argument narrowed",
  "argument now required",
  "alias removed",
]);

/** Tools named on a grouped line, and details named on a line grouping one tool's changes. */
const NAMED_TOOLS = 3;
const NAMED_DETAILS = 6;

/** A change with the safety class of the tool it is about (the new catalog's; the old one's for a removed tool). */
export interface ReportedChange extends Change {
  safety?: Safety;
}

/** Each change with its tool's safety class, for `--json` and for ordering what widens. */
export function withSafety(
  before: CatalogDocument,
  after: CatalogDocument,
  changes: Change[],
): ReportedChange[] {
  const safety = new Map<string, Safety>();
  for (const t of before.tools) safety.set(t.name, t.safety);
  for (const t of after.tools) safety.set(t.name, t.safety);
  return changes.map((c) => {
    const s = c.subject === "catalog" ? undefined : safety.get(c.subject);
    return s === undefined ? c : { ...c, safety: s };
  });
}

/** Catalog-wide first, then destructive, write and read tools: the order a reviewer weighs what widens. */
const WEIGHT = (c: ReportedChange) =>
  c.safety === undefined ? 0 : c.safety === "destructive" ? 1 : c.safety === "write" ? 2 : 3;

/** One line, the report's: `~ subject  kind: detail  [widens] [destructive]`. */
interface Line {
  mark: string;
  subject: string;
  text: string;
}

/**
 * The text report. What widens comes first, every change on its own line (catalog-wide, then on destructive, write
 * and read tools). What does not widen follows; unless `all`, a repeated edit is one line: the same change
 * (kind and detail) on several tools with their count and the first tools' names, or one tool's several changes
 * of one kind with the details.
 */
export function renderReport(
  before: CatalogDocument,
  after: CatalogDocument,
  reported: ReportedChange[],
  options: { all: boolean },
): string {
  const names = before.catalog === after.catalog ? after.catalog : `${before.catalog} -> ${after.catalog}`;
  const lines = [
    `${names}: ${before.server.version} (${before.inputHash.slice(0, 15)}…) -> ${after.server.version} (${after.inputHash.slice(0, 15)}…)`,
  ];
  if (reported.length === 0) {
    lines.push("no changes a reviewer would see");
    return `${lines.map((line) => terminalSafe(line)).join("\n")}\n`;
  }
  const widening = reported
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.widens)
    .sort((x, y) => WEIGHT(x.c) - WEIGHT(y.c) || x.i - y.i)
    .map(({ c }) => c);
  const others = reported.filter((c) => !c.widens);
  const n = widening.length;
  lines.push(
    `${reported.length} change${reported.length === 1 ? "" : "s"}, ${n} widen${n === 1 ? "s" : ""} what an agent can do`,
  );
  lines.push(`  by kind: ${byKind(reported)}`);
  const rest = options.all ? others.map(single) : grouped(others);
  const width = Math.min(40, Math.max(...[...widening.map(single), ...rest].map((l) => l.subject.length)));
  const show = (l: Line) => `  ${l.mark} ${l.subject.padEnd(width)}  ${l.text}`;
  if (n > 0) lines.push(`widening (${n}):`, ...widening.map((c) => show(single(c))));
  if (others.length > 0) {
    const folded = rest.length < others.length;
    lines.push(
      `not widening (${others.length}${folded ? `, on ${rest.length} line${rest.length === 1 ? "" : "s"}: repeated edits folded, --all lists each` : ""}):`,
      ...rest.map(show),
    );
  }
  // Subjects and details quote catalog text a spec wrote: one line each, escapes shown (src/telemetry/terminal.ts).
  return `${lines.map((line) => terminalSafe(line)).join("\n")}\n`;
}

function markOf(kind: string): string {
  return kind.includes("added") ? "+" : kind.includes("removed") ? "-" : "~";
}

/**
 * A change on its own line. One that widens, or of a kind never folded, on a tool that writes says so (`tool added`
 * says it in its detail); a reworded or narrowed edit does not.
 */
function single(c: ReportedChange): Line {
  const tagged = (c.widens || !GROUPABLE.has(c.kind)) && c.kind !== "tool added";
  const tool = tagged && c.safety !== undefined && c.safety !== "read" ? ` [${c.safety}]` : "";
  return {
    mark: markOf(c.kind),
    subject: c.subject,
    text: `${c.kind}${c.detail ? `: ${c.detail}` : ""}${c.widens ? "  [widens]" : ""}${tool ? (c.widens ? tool : ` ${tool}`) : ""}`,
  };
}

function named(items: string[], most: number): string {
  const shown = items.slice(0, most).join(", ");
  return items.length > most ? `${shown} and ${items.length - most} more` : shown;
}

/**
 * Non-widening changes with repeats folded: first every change of a kind never folded, one per line; then the
 * edits, in the order of each line's first change: the same edit (kind and detail) on two or more tools is one
 * line naming the count and the first tools; a tool's remaining edits of one kind, when two or more, are one line
 * naming the details; any other edit is a line of its own.
 */
function grouped(all: ReportedChange[]): Line[] {
  const out: Line[] = all.filter((c) => !GROUPABLE.has(c.kind)).map(single);
  const changes = all.filter((c) => GROUPABLE.has(c.kind));
  const key = (c: Change) => `${c.kind}\u0000${c.detail}`;
  const across = new Map<string, ReportedChange[]>();
  for (const c of changes) {
    const list = across.get(key(c)) ?? [];
    list.push(c);
    across.set(key(c), list);
  }
  const inTool = new Map<string, ReportedChange[]>();
  const tkey = (c: Change) => `${c.subject}\u0000${c.kind}`;
  for (const c of changes) {
    if ((across.get(key(c))?.length ?? 0) > 1) continue;
    const list = inTool.get(tkey(c)) ?? [];
    list.push(c);
    inTool.set(tkey(c), list);
  }
  const done = new Set<string>();
  for (const c of changes) {
    const many = across.get(key(c));
    if (many && many.length > 1) {
      if (done.has(`a${key(c)}`)) continue;
      done.add(`a${key(c)}`);
      const tools = [...new Set(many.map((m) => m.subject))];
      out.push({
        mark: markOf(c.kind),
        subject: `(${tools.length} tools)`,
        text: `${c.kind}${c.detail ? `: ${c.detail}` : ""}  on ${named(tools, NAMED_TOOLS)}`,
      });
      continue;
    }
    const mine = inTool.get(tkey(c));
    if (mine && mine.length > 1) {
      if (done.has(`t${tkey(c)}`)) continue;
      done.add(`t${tkey(c)}`);
      out.push({
        mark: markOf(c.kind),
        subject: c.subject,
        text: `${c.kind} (${mine.length}): ${named(
          mine.map((m) => m.detail),
          NAMED_DETAILS,
        )}`,
      });
      continue;
    }
    out.push(single(c));
  }
  return out;
}

/** `3 tool added, 2 description changed`: the kinds by count, most first, then by name. */
function byKind(changes: Change[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([kind, count]) => `${count} ${kind}`)
    .join(", ");
}
