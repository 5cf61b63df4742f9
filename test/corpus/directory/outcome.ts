import { type Diagnostic, formatLocation } from "../../../codegen/diagnostics.js";
import type { CorpusResult } from "./pool.js";

/**
 * What a spec's generation came to. Good: `ok`, `ok-with-skips` (operations confined problems cost, each with a
 * located warning), `refused` (no catalog, every error located and global). Everything else is a defect: `crash`
 * (TW170), `hang` (past the time limit), `died` (the worker process ended), `unlocated` (an error without a file
 * and a line or pointer).
 */
export type Status = "ok" | "ok-with-skips" | "refused" | "crash" | "hang" | "died" | "unlocated";

export interface Outcome {
  id: string;
  status: Status;
  /** First located error (refusals and defects), or the skip count. */
  detail: string;
  dir?: string;
  tools: number;
  skipped: number;
}

export const GOOD: Status[] = ["ok", "ok-with-skips", "refused"];

/** The diagnostic code of an operation left out of a catalog. */
export const SKIP_CODE: Diagnostic["code"] = "TW139";

export function classify(r: CorpusResult): Outcome {
  const base = { id: r.job.id, tools: r.tools ?? 0, ...(r.dir ? { dir: r.dir } : {}) };
  if (r.failure) return { ...base, status: r.failure, detail: "", skipped: 0 };
  const skipped = r.diagnostics.filter((d) => d.code === SKIP_CODE).length;
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  const crash = errors.find((d) => d.code === "TW170");
  if (crash)
    return { ...base, status: "crash", detail: crash.message.split("\n").slice(0, 3).join(" | "), skipped };
  const unlocated = [...errors, ...r.diagnostics.filter((d) => d.code === SKIP_CODE)].find(
    (d) => !d.source?.file || (d.source.line === undefined && !d.source.pointer),
  );
  if (unlocated)
    return { ...base, status: "unlocated", detail: `${unlocated.code} ${unlocated.message}`, skipped };
  if (!r.dir) {
    const first = errors[0];
    return {
      ...base,
      status: "refused",
      detail: first ? `${formatLocation(first.source)} ${first.code} ${first.message}` : "no error",
      skipped,
    };
  }
  return {
    ...base,
    status: skipped > 0 ? "ok-with-skips" : "ok",
    detail: skipped ? `${skipped} skipped` : "",
    skipped,
  };
}

export function summarize(outcomes: Outcome[], label: string): string {
  const counts = new Map<Status, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  const all: Status[] = ["ok", "ok-with-skips", "refused", "crash", "hang", "died", "unlocated"];
  const tools = outcomes.reduce((n, o) => n + o.tools, 0);
  const skipped = outcomes.reduce((n, o) => n + o.skipped, 0);
  return `${label}: ${outcomes.length} specs: ${all.map((s) => `${counts.get(s) ?? 0} ${s}`).join(", ")}; ${tools} tools, ${skipped} operations skipped`;
}
