import { createHash } from "node:crypto";
import type { AuditReport, ToolReport } from "./report.js";
import { envelopeText } from "./text.js";

/**
 * `toolwright audit --html`: the audit report as one self-contained page a reviewer opens from disk: a chart
 * of tools by safety class and policy, the findings, a searchable table of tools, the switches and the
 * credentials. No network (inline CSS, inline SVG, one inline script allowed by its hash in the page's CSP),
 * every catalog string escaped (spec text is data), and no times, so the page is the same on every run.
 */

function esc(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const SAFETY = ["read", "write", "destructive"] as const;

/** How a tool is guarded, for the chart: the strongest of its policies. */
type Guard = "denied" | "confirmation" | "other policy" | "validation only";
const GUARDS: Guard[] = ["denied", "confirmation", "other policy", "validation only"];
const GUARD_COLOURS: Record<Guard, string> = {
  denied: "#6b7280",
  confirmation: "#2563eb",
  "other policy": "#0d9488",
  "validation only": "#f59e0b",
};

function guardOf(t: ToolReport): Guard {
  const p = t.policies;
  if (p.deniedByManifest || t.hiddenBy) return "denied";
  if (p.confirmation) return "confirmation";
  const other =
    p.scopedPath || p.scopedList || p.tenantArg || p.partnerArg || p.masked || p.secretKeys || p.namesOnly;
  return other ? "other policy" : "validation only";
}

/** A horizontal stacked bar per safety class, one segment per guard; counts as text too (not colour alone). */
function chart(report: AuditReport): string {
  const listed = report.tools.filter((t) => !t.internal);
  const max = Math.max(1, ...SAFETY.map((s) => listed.filter((t) => t.safety === s).length));
  const width = 520;
  const left = 100;
  const rows = SAFETY.map((safety, i) => {
    const tools = listed.filter((t) => t.safety === safety);
    let x = left;
    const y = 10 + i * 34;
    const segments = GUARDS.map((guard) => {
      const n = tools.filter((t) => guardOf(t) === guard).length;
      if (n === 0) return "";
      const w = (n / max) * width;
      const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="24" fill="${GUARD_COLOURS[guard]}"><title>${safety}, ${guard}: ${n}</title></rect>`;
      x += w;
      return rect;
    }).join("");
    return `<text x="0" y="${y + 17}" class="axis">${safety}</text>${segments}<text x="${(x + 6).toFixed(1)}" y="${y + 17}" class="axis">${tools.length}</text>`;
  }).join("");
  const legend = GUARDS.map(
    (g, i) =>
      `<rect x="${left + i * 140}" y="116" width="12" height="12" fill="${GUARD_COLOURS[g]}"/><text x="${left + i * 140 + 18}" y="127" class="axis">${g}</text>`,
  ).join("");
  return `<svg id="chart" role="img" aria-label="Tools by safety class and policy" viewBox="0 0 ${left + width + 60} 136" width="100%">${rows}${legend}</svg>`;
}

function policyText(t: ToolReport, report: AuditReport): string[] {
  const p = t.policies;
  const sw = (name: string) => report.switches.find((s) => s.policy === name)?.env;
  const out: string[] = [];
  if (p.deniedByManifest) out.push("denied by the manifest");
  if (t.hiddenBy) out.push(`not served with ${t.hiddenBy}`);
  if (p.refusedWhenReadOnly) out.push(`hidden when ${sw("read-only")}=true`);
  if (p.confirmation) out.push("confirmation");
  if (p.scopedPath) out.push(`scoped path ${p.scopedPath}`);
  if (p.scopedList) out.push(`scoped listing ${p.scopedList.prefixArg}`);
  if (p.tenantArg) out.push(`tenant lock ${p.tenantArg}`);
  if (p.partnerArg) out.push(`partner lock ${p.partnerArg}`);
  if (p.masked) out.push(`masked ${p.masked.join(", ")}`);
  if (p.secretKeys) out.push(`secret-like keys refused in ${p.secretKeys.keysArg}`);
  if (p.namesOnly) out.push(`names only ${p.namesOnly}`);
  return out;
}

function classText(t: ToolReport): string {
  const c = t.classification;
  if (c.decidedBy === "handler") return "stated by the manifest (handler)";
  if (c.decidedBy === "binding") return c.reasons.join("; ");
  if (c.decidedBy === "classifier") return `classifier: ${c.reasons.join("; ")}`;
  const over =
    c.proposed !== c.manifest
      ? ` (over ${c.proposed}${c.reasons.length ? `: ${c.reasons.join("; ")}` : ""})`
      : "";
  return `manifest: ${c.manifest}${over}`;
}

function toolRow(t: ToolReport, report: AuditReport): string {
  const policies = policyText(t, report);
  const cells = [
    `<td><code>${esc(t.name)}</code>${t.aliases.length ? `<div class="sub">aliases: ${esc(t.aliases.join(", "))}</div>` : ""}${t.internal ? '<div class="sub">internal: handlers only</div>' : ""}</td>`,
    `<td><span class="badge ${t.safety}">${t.safety}</span></td>`,
    `<td><code>${esc(t.binding.summary)}</code></td>`,
    `<td>${esc(classText(t))}</td>`,
    `<td>${policies.length ? esc(policies.join("; ")) : '<span class="sub">validation only</span>'}</td>`,
    `<td>${esc((t.tags ?? []).join(", "))}</td>`,
    `<td>${(t.review ?? []).map((r) => `<div>${esc(r)}</div>`).join("")}</td>`,
  ];
  const search = [
    t.name,
    ...t.aliases,
    t.title,
    t.safety,
    t.binding.summary,
    ...(t.tags ?? []),
    ...policies,
    classText(t),
  ]
    .join(" ")
    .toLowerCase();
  return `<tr data-safety="${t.safety}" data-search="${esc(search)}">${cells.join("")}</tr>`;
}

const SCRIPT = `(() => {
  const q = document.getElementById("q");
  const safety = document.getElementById("safety");
  const rows = Array.from(document.querySelectorAll("#tools tbody tr"));
  const shown = document.getElementById("shown");
  function apply() {
    const words = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let n = 0;
    for (const row of rows) {
      const text = row.getAttribute("data-search") || "";
      const ok = (safety.value === "" || row.getAttribute("data-safety") === safety.value) && words.every((w) => text.includes(w));
      row.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = String(n);
  }
  q.addEventListener("input", apply);
  safety.addEventListener("change", apply);
  apply();
})();`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #111827; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.sub { color: #6b7280; font-size: 12px; }
.cards { display: flex; gap: 0.75rem; flex-wrap: wrap; margin: 1rem 0; }
.card { border: 1px solid #e5e7eb; border-radius: 6px; padding: 0.5rem 0.9rem; min-width: 7rem; }
.card b { display: block; font-size: 1.4rem; }
.axis { font-size: 12px; fill: #374151; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #e5e7eb; padding: 0.35rem 0.5rem; }
th { background: #f9fafb; position: sticky; top: 0; }
code { font-size: 12.5px; word-break: break-all; }
.badge { border-radius: 4px; padding: 0 0.4rem; font-size: 12px; color: #fff; }
.badge.read { background: #16a34a; } .badge.write { background: #d97706; } .badge.destructive { background: #dc2626; }
.badge.high { background: #dc2626; } .badge.review { background: #d97706; }
.controls { display: flex; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
input[type=search] { flex: 1; padding: 0.35rem 0.5rem; font-size: 14px; }
ul.findings { padding-left: 1.2rem; }
`;

function section(title: string, body: string): string {
  return `<h2>${esc(title)}</h2>\n${body}`;
}

export function renderHtml(report: AuditReport): string {
  const hash = createHash("sha256").update(SCRIPT).digest("base64");
  const title = `toolwright audit: ${report.catalog} ${report.server.version}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(report.server.title ?? report.catalog)} <span class="sub">${esc(report.catalog)} ${esc(report.server.version)}</span></h1>
<div class="sub">generated by ${esc(report.generator)}, inputs ${esc(report.inputHash)}</div>
<div class="cards">${summaryCards(report.summary)}</div>
${chart(report)}
${section("Findings", findingsList(report))}
${section("Tools", toolsTable(report))}
${section("Policy switches", switchesTable(report))}
${section("Upstream sources and credentials", sourcesList(report))}
${section("Environment variables", envTable(report))}
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function summaryCards(s: AuditReport["summary"]): string {
  return [
    ["tools", s.tools],
    ["read", s.read],
    ["write", s.write],
    ["destructive", s.destructive],
    ["need confirmation", s.confirmation],
    ["findings", s.findings],
    ["high findings", s.highFindings],
  ]
    .map(([label, n]) => `<div class="card"><b>${n}</b>${label}</div>`)
    .join("");
}

function findingsList(report: AuditReport): string {
  return report.findings.length === 0
    ? "<p>None.</p>"
    : `<ul class="findings">${report.findings
        .map(
          (f) =>
            `<li><span class="badge ${f.severity}">${f.severity}</span> <code>${esc(f.tool)}</code>: ${esc(f.message)}</li>`,
        )
        .join("")}</ul>`;
}

/** The policy switches a deployment can turn on, and the run-time switches the audit was run with. */
function switchesTable(report: AuditReport): string {
  return `<table><thead><tr><th>policy</th><th>env</th><th>effect</th><th>tools</th></tr></thead><tbody>${report.switches
    .map(
      (x) =>
        `<tr><td>${esc(x.policy)}</td><td><code>${esc(x.env ?? "(none)")}</code>${x.default !== undefined ? ` <span class="sub">default ${esc(x.default)}</span>` : ""}</td><td>${esc(x.effect)}</td><td>${x.tools}</td></tr>`,
    )
    .join(
      "",
    )}<tr><td>result envelope</td><td><code>(none)</code></td><td>${esc(envelopeText(report))}</td><td>${report.tools.length}</td></tr></tbody></table>
<p class="sub">Run-time switches of <code>toolwright serve</code> (any catalog, only narrowing): <code>--read-only</code>, <code>--allow</code>/<code>--deny</code> (names, <code>tag:NAME</code>, <code>safety:CLASS</code>), <code>--mask</code>.${report.runtime.given.length > 0 ? ` Audited with <code>${esc(report.runtime.given.join(" "))}</code>: ${report.runtime.served} of ${report.runtime.listable} tools served.` : ""}</p>`;
}

/** Every env variable: type, required, secret (never its value), default (a secret's only as `(set)`). */
function envTable(report: AuditReport): string {
  if (report.env.length === 0) return "<p>None.</p>";
  return `<table><thead><tr><th>variable</th><th>type</th><th>required</th><th>secret</th><th>default</th></tr></thead><tbody>${report.env
    .map(
      (v) =>
        `<tr><td><code>${esc(v.name)}</code></td><td>${esc(v.type)}</td><td>${v.required ? "required" : "optional"}</td><td>${v.secret ? "SECRET: never logged, echoed or shown" : ""}</td><td>${v.default !== undefined ? esc(v.default) : '<span class="sub">no default</span>'}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}

function sourcesList(report: AuditReport): string {
  return `<ul>${report.sources
    .map(
      (src) =>
        `<li><code>${esc(src.id)}</code> (${esc(src.kind)}): base URL ${esc(src.baseUrl)}; timeout ${src.timeoutMs} ms<ul>${
          src.credentials.length
            ? src.credentials.map((c) => `<li>${esc(c)}</li>`).join("")
            : "<li>no credentials</li>"
        }${
          src.alternatives
            ? `<li>sends the first alternative whose credentials are all set: ${esc(src.alternatives.join(", else "))}</li>`
            : ""
        }</ul></li>`,
    )
    .join("")}</ul>`;
}

/** The searchable tool table: a search box, a safety class filter and one row per tool. */
function toolsTable(report: AuditReport): string {
  return `<div class="controls"><input type="search" id="q" placeholder="Search tools: name, binding, tag, policy…" aria-label="Search tools">
<select id="safety" aria-label="Safety class"><option value="">every class</option>${SAFETY.map((c) => `<option value="${c}">${c}</option>`).join("")}</select>
<span><span id="shown">${report.tools.length}</span> of ${report.tools.length}</span></div>
<table id="tools"><thead><tr><th>tool</th><th>safety</th><th>binding</th><th>class decided by</th><th>policies</th><th>tags</th><th>findings</th></tr></thead>
<tbody>${report.tools.map((t) => toolRow(t, report)).join("\n")}</tbody></table>`;
}
