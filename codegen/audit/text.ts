import { terminalSafe } from "../../src/telemetry/terminal.js";
import type { AuditReport, Switch, ToolReport } from "./report.js";

/**
 * The plain-text audit report: deterministic, no times, no absolute paths, so two releases can be diffed. Each
 * entry of its lines is one line, and quotes catalog text (titles, paths, tags, reasons) that a spec wrote: it is
 * printed through `terminalSafe`, so escape sequences, bidi controls and line breaks in that text show as escapes.
 */

function envText(s: Switch): string {
  if (!s.env) return "(no env)";
  const facts = [s.type, s.default !== undefined ? `default ${s.default}` : "unset by default"].filter(
    Boolean,
  );
  return `${s.env} (${facts.join(", ")})`;
}

/** The class line under a tool, when more than the binding decided it. */
function classLine(t: ToolReport): string | undefined {
  const c = t.classification;
  if (c.decidedBy === "binding" || c.decidedBy === "handler") return undefined;
  if (c.decidedBy === "classifier")
    return `classified ${c.proposed} (${c.binding} by its binding): ${c.reasons.join("; ")}`;
  const raised = c.proposed !== c.binding;
  return `safety set by the manifest (${c.binding} by its binding${raised ? `, ${c.proposed} by the classifier: ${c.reasons.join("; ")}` : ""})`;
}

function toolPolicies(t: ToolReport, report: AuditReport): string[] {
  const p = t.policies;
  const sw = (name: string) => report.switches.find((s) => s.policy === name)?.env;
  const out: string[] = [];
  if (p.deniedByManifest) out.push("DENIED by the manifest (not served)");
  if (t.hiddenBy) out.push(`NOT SERVED with ${t.hiddenBy}`);
  if (p.refusedWhenReadOnly) out.push(`hidden and refused when ${sw("read-only")}=true`);
  if (p.confirmation)
    out.push(
      report.confirmation.mode === "argument"
        ? "confirmation required (confirm: true, a model-settable argument; elicitation where supported)"
        : "confirmation required (preview, token or elicitation)",
    );
  const scope = [sw("allowed paths"), sw("denied paths")].filter(Boolean).join(" / ");
  if (p.scopedPath) out.push(`scoped path: ${p.scopedPath}${scope ? ` (${scope})` : ""}`);
  if (p.scopedList) {
    out.push(
      `scoped listing: ${p.scopedList.prefixArg}, items ${p.scopedList.itemsPath}[].${p.scopedList.itemPathField} filtered${scope ? ` (${scope})` : ""}`,
    );
  }
  // The path arguments line adds to the scoped path/listing lines only where there is more to say.
  if (p.pathScope && (p.pathScope.scopedValues || p.pathScope.notPaths || p.pathScope.unscoped)) {
    const ps = p.pathScope;
    const values = (ps.scopedValues ?? []).map(
      (v) =>
        `${v.arg} (${v.kind}${v.base ? ` below ${"arg" in v.base ? `'${v.base.arg}'` : `${v.base.lookup.tool}'s ${v.base.lookup.field}`}` : ""})`,
    );
    out.push(
      `path arguments: ${ps.touches.join(", ") || "none"}${values.length > 0 ? `; scoped values: ${values.join(", ")}` : ""}${ps.notPaths ? `; not paths: ${ps.notPaths.join(", ")}` : ""}${ps.unscoped ? `; UNSCOPED: ${ps.unscoped.join(", ")} (unavailable while ${scope || "a path list"} is set)` : ""}`,
    );
  }
  if (p.tenantArg) out.push(`tenant lock: ${p.tenantArg} (${sw("tenant lock")})`);
  if (p.partnerArg) out.push(`partner lock: ${p.partnerArg} (${sw("partner lock")})`);
  if (p.masked)
    out.push(`masked: ${p.masked.join(", ")}${sw("mask values") ? ` (when ${sw("mask values")}=true)` : ""}`);
  if (p.secretKeys) out.push(`secret-like keys refused in: ${p.secretKeys.keysArg}; values never echoed`);
  if (p.namesOnly) out.push(`names only: ${p.namesOnly}`);
  return out;
}

/** serve's run-time switches (any catalog; only narrowing), and what they leave when the audit was given some. */
function runtimeLines(report: AuditReport): string[] {
  const r = report.runtime;
  const s = report.summary;
  const lines = [
    "Run-time switches (toolwright serve flags or env, for any catalog; they only narrow the policy above)",
    `  --read-only (TOOLWRIGHT_READ_ONLY)  hides and refuses the ${(s.write ?? 0) + (s.destructive ?? 0)} write and destructive tools`,
    `  --allow / --deny <selectors> (TOOLWRIGHT_ALLOW / TOOLWRIGHT_DENY)  tool names (* globs), safety:CLASS, tag:NAME${r.tags.length > 0 ? ` (tags: ${r.tags.join(", ")})` : " (no tags)"}`,
    "  --mask <fields> (TOOLWRIGHT_MASK)  result fields masked by name in every tool's results",
  ];
  if (r.given.length > 0) {
    lines.push(
      `  with ${r.given.join(" ")}: ${r.served} of ${r.listable} tools served${r.masked.length > 0 ? `; ${r.masked.join(", ")} masked in every result` : ""}`,
    );
  }
  return lines;
}

export function renderText(report: AuditReport): string {
  const lines: string[] = [...headerLines(report)];
  lines.push("");
  lines.push("Findings");
  for (const f of report.findings) lines.push(`  [${f.severity}] ${f.tool}: ${f.message}`);
  if (report.findings.length === 0) lines.push("  none");
  lines.push("");
  lines.push(...switchLines(report));
  lines.push("");
  lines.push(...runtimeLines(report));
  lines.push("");
  lines.push("Upstream sources and credentials");
  for (const source of report.sources) {
    lines.push(`  ${source.id} (${source.kind}): base URL ${source.baseUrl}; timeout ${source.timeoutMs} ms`);
    for (const cred of source.credentials) lines.push(`    ${cred}`);
    if (source.credentials.length === 0) lines.push("    no credentials");
    if (source.alternatives)
      lines.push(
        `    sends the first alternative whose credentials are all set: ${source.alternatives.join(", else ")}`,
      );
  }
  lines.push("");
  lines.push(...envLines(report));
  lines.push("");
  lines.push("Tools");
  for (const t of report.tools) lines.push(...toolLines(t, report));
  return `${lines.map((line) => terminalSafe(line)).join("\n")}\n`;
}

/** The catalog, what generated it, and the summary counts. */
function headerLines(report: AuditReport): string[] {
  const s = report.summary;
  const title = report.server.title ? ` (${report.server.title})` : "";
  return [
    `Catalog ${report.catalog} ${report.server.version}${title}`,
    `  generated by ${report.generator}, inputs ${report.inputHash}`,
    `  ${s.tools} tools: ${s.read} read, ${s.write} write, ${s.destructive} destructive; ${s.confirmation} need confirmation; ${s.masked} mask result fields; ${s.scopedPath} take a scoped path, ${s.scopedList} list under a scoped prefix; ${s.touchPaths} touch paths, ${s.unscopedPaths} of them unscoped (unavailable while a path list is set); ${s.tenantLocked} tenant-lockable; ${s.secretKeys} refuse secret-like keys; ${s.namesOnly} names-only; ${s.deniedByManifest} denied by the manifest`,
    `  ${s.findings} findings (${s.highFindings} high); ${s.classified} tools classified beyond their binding, ${s.manifestDecided} decided by the manifest`,
  ];
}

/** The environment's policy switches, then confirmation, the audit log and the secret-like key pattern. */
function switchLines(report: AuditReport): string[] {
  const lines = ["Policy switches (environment; policies only narrow what the upstream credentials allow)"];
  const width = Math.max("secret-like keys".length, ...report.switches.map((x) => x.policy.length));
  for (const x of report.switches) {
    lines.push(`  ${x.policy.padEnd(width)}  ${envText(x)}`);
    lines.push(`  ${"".padEnd(width)}  ${x.effect}; applies to ${x.tools} tool${x.tools === 1 ? "" : "s"}`);
  }
  const c = report.confirmation;
  if (c.mode === "argument")
    lines.push(
      `  ${"confirmation".padEnd(width)}  mode argument: destructive tools preview unless called with confirm: true (the model can set it); elicitation asks the user where the client supports it`,
    );
  lines.push(
    `  ${"confirmation".padEnd(width)}  tokens valid ${c.ttlSeconds} s, single use, bound to tool and arguments; signed with ${c.secretEnv ? `${c.secretEnv} (secret; the same on every replica)` : "a per-process key"}${c.secretEnv ? ", else a per-process key" : ""}`,
  );
  const a = report.audit;
  lines.push(
    `  ${"audit log".padEnd(width)}  ${a.enabledByDefault ? "on" : "off"} by default${a.env ? ` (${a.env})` : ""}; JSON lines to ${a.fileEnv ? `the file ${a.fileEnv} names, else ` : ""}stderr`,
  );
  lines.push(`  ${"result envelope".padEnd(width)}  ${envelopeText(report)}`);
  if (report.secretKeyPattern) {
    lines.push(`  ${"secret-like keys".padEnd(width)}  /${report.secretKeyPattern}/i`);
  }
  return lines;
}

/** Every env variable: type, required, secret (never its value), default (a secret's only as `(set)`). */
function envLines(report: AuditReport): string[] {
  const lines = ["Environment variables (secret: never logged, echoed or shown)"];
  const width = Math.max(0, ...report.env.map((v) => v.name.length));
  for (const v of report.env) {
    const facts = [
      v.type,
      v.required ? "required" : "optional",
      ...(v.secret ? ["SECRET"] : []),
      v.default !== undefined ? `default ${v.default}` : "no default",
    ];
    lines.push(`  ${v.name.padEnd(width)}  ${facts.join(", ")}`);
  }
  if (report.env.length === 0) lines.push("  none");
  return lines;
}

/** One tool: name, class and binding, then its policies, why it has its class, tags and review notes. */
function toolLines(t: ToolReport, report: AuditReport): string[] {
  const lines: string[] = [];
  const aliases = `${t.aliases.length > 0 ? ` (aliases: ${t.aliases.join(", ")})` : ""}${t.internal ? " (internal: handlers only)" : ""}`;
  const where = t.binding.module ?? t.binding.source ?? "";
  lines.push(`  ${t.name}  [${t.safety}]  ${t.binding.summary}${where ? `  <${where}>` : ""}${aliases}`);
  const policies = toolPolicies(t, report);
  lines.push(`    ${policies.length > 0 ? policies.join("; ") : "no policy beyond argument validation"}`);
  const why = classLine(t);
  if (why) lines.push(`    ${why}`);
  if (t.tags) lines.push(`    tags: ${t.tags.join(", ")}`);
  for (const note of t.review ?? []) lines.push(`    review: ${note}`);
  return lines;
}

/** How every result's text is shaped, as the text report says it. */
export function envelopeText(report: AuditReport): string {
  return report.result.envelope === "success-data"
    ? 'success-data: every result\'s text is {"success":true,"data":...,"meta":...} or {"success":false,"error":...}'
    : "plain: every result's text is the tool's data as JSON";
}
