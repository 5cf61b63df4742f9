import type { ServerTemplate } from "../../src/catalog.js";
import { shownValue } from "../../src/telemetry/redact.js";
import { canonical } from "./narrows.js";

/** One change of server templates, before its subject (the catalog, with the source, or a tool) is known. */
export interface TemplateChange {
  kind: string;
  detail: string;
  widens: boolean;
}

/** A variable's allowed values as diff prints them: `a, b`, or `any` with no `enum`. */
function allowed(variable: ServerTemplate["variables"][number] | undefined): string {
  return variable?.enum === undefined ? "any" : variable.enum.join(", ");
}

/**
 * What changed in the server URL templates the tenant lock reads a base URL against (a source's, or an
 * operation's own): a template gone or replaced widens, since a base URL of its form (another tenant's host) is no
 * longer held to the lock and may now receive the calls' credentials; one added only adds a reading. A variable's
 * `enum` limits the base URLs a call is sent under (the executor refuses one holding another value): a value added
 * or the enum dropped widens, one removed narrows.
 */
export function templateChanges(
  beforeList: readonly ServerTemplate[],
  afterList: readonly ServerTemplate[],
): TemplateChange[] {
  const out: TemplateChange[] = [];
  // A plain server (no variable) kept beside the templates names no tenant: a base URL that is it is sent without
  // the lock reading a tenant there. One added widens (a host the templates read as a tenant's is now let through);
  // one removed only narrows.
  const isPlain = (t: ServerTemplate) => t.variables.length === 0;
  const plainBefore = new Set(beforeList.filter(isPlain).map((t) => t.template));
  const plainAfter = new Set(afterList.filter(isPlain).map((t) => t.template));
  for (const url of plainAfter)
    if (!plainBefore.has(url))
      out.push({ kind: "plain server added", detail: shownValue(url), widens: true });
  for (const url of plainBefore)
    if (!plainAfter.has(url))
      out.push({ kind: "plain server removed", detail: shownValue(url), widens: false });
  const before = beforeList.filter((t) => !isPlain(t));
  const after = afterList.filter((t) => !isPlain(t));
  const now = new Map(after.map((t) => [t.template, t]));
  const was = new Set(before.map((t) => t.template));
  const removed = before.filter((t) => !now.has(t.template));
  const added = after.filter((t) => !was.has(t.template));
  const paired = Math.min(removed.length, added.length);
  for (let i = 0; i < paired; i++)
    out.push({
      kind: "server template changed",
      detail: `${shownValue(removed[i]!.template)} -> ${shownValue(added[i]!.template)}`,
      widens: true,
    });
  for (const t of removed.slice(paired))
    out.push({ kind: "server template removed", detail: shownValue(t.template), widens: true });
  for (const t of added.slice(paired))
    out.push({ kind: "server template added", detail: shownValue(t.template), widens: false });
  for (const t of before) {
    const kept = now.get(t.template);
    if (kept === undefined) continue;
    for (const name of new Set([...t.variables, ...kept.variables].map((v) => v.name))) {
      const old = t.variables.find((v) => v.name === name);
      const neu = kept.variables.find((v) => v.name === name);
      if (old === undefined || neu === undefined)
        // A variable the lock no longer reads leaves its part of the URL unchecked.
        out.push({
          kind: neu === undefined ? "server variable removed" : "server variable added",
          detail: `{${name}} in ${shownValue(t.template)}`,
          widens: neu === undefined,
        });
      else if (canonical(old.enum ?? null) !== canonical(neu.enum ?? null))
        out.push({
          kind: "server variable values changed",
          detail: `{${name}} in ${shownValue(t.template)}: ${allowed(old)} -> ${allowed(neu)}`,
          widens:
            neu.enum === undefined ||
            (old.enum !== undefined && neu.enum.some((v) => !old.enum!.includes(v))),
        });
    }
  }
  return out;
}
