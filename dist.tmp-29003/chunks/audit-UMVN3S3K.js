import { safetyOfMethod, safetyRank, scanTool } from "./chunk-BT76AUPC.js";
import { CatalogLoadError, findCatalogDir, readCatalogDocument } from "./chunk-FR23S2JT.js";
import "./chunk-YVYBC7VZ.js";
import "./chunk-5LKFIVJH.js";
import "./chunk-ZE2OXDKH.js";
import "./chunk-WSFCRVEQ.js";

// codegen/cli/audit.ts
import { parseArgs } from "node:util";

// codegen/audit/findings.ts
function bindingBasis(tool) {
  const b = tool.binding;
  if (b.kind === "http") {
    return {
      binding: safetyOfMethod(b.method),
      proposed: safetyOfMethod(b.method),
      reasons: [`${b.method} method`],
    };
  }
  if (b.kind === "graphql") {
    const safety = b.operationType === "mutation" ? "write" : "read";
    return { binding: safety, proposed: safety, reasons: [`a ${b.operationType}`] };
  }
  return void 0;
}
function classificationOf(tool) {
  const basis = tool.safetyBasis ?? bindingBasis(tool);
  if (!basis) return { decidedBy: "handler", reasons: [], manifest: tool.safety };
  const decidedBy =
    basis.manifest !== void 0 ? "manifest" : basis.proposed !== basis.binding ? "classifier" : "binding";
  return {
    decidedBy,
    binding: basis.binding,
    proposed: basis.proposed,
    reasons: [...basis.reasons],
    ...(basis.manifest !== void 0 ? { manifest: basis.manifest } : {}),
  };
}
function classFindings(tool, c) {
  if (c.manifest === void 0 || c.binding === void 0 || c.proposed === void 0) return [];
  const why = c.reasons.length > 0 ? ` (${c.reasons.join("; ")})` : "";
  if (safetyRank(c.manifest) < safetyRank(c.binding)) {
    return [
      {
        tool: tool.name,
        severity: "high",
        kind: "weakens-binding",
        message: `the manifest's safety: ${c.manifest} weakens its binding's ${c.binding}${c.proposed === c.binding ? why : ""}`,
      },
    ];
  }
  if (safetyRank(c.manifest) < safetyRank(c.proposed)) {
    return [
      {
        tool: tool.name,
        severity: "review",
        kind: "overrides-classifier",
        message: `the manifest's safety: ${c.manifest} overrides the classifier's ${c.proposed}${why}`,
      },
    ];
  }
  return [];
}
var REFERENCE =
  /(?:^|[_-])(?:ids?|count|at|type|types|names?|policy|policies|version|length|expires?|status)$/i;
function secretLookingFields(schema, pattern, defs = {}) {
  if (!schema) return [];
  const found = /* @__PURE__ */ new Set();
  const visit = (node, path, depth, seen) => {
    if (!node || typeof node !== "object" || depth > 8) return;
    let n = node;
    if (typeof n.$ref === "string" && n.$ref.startsWith("#/$defs/")) {
      const name = n.$ref.slice(8);
      if (seen.has(name)) return;
      seen = /* @__PURE__ */ new Set([...seen, name]);
      n = { ...(defs[name] ?? {}), ...n };
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(n[key])) for (const branch of n[key]) visit(branch, path, depth + 1, seen);
    }
    if (n.properties && typeof n.properties === "object") {
      for (const [key, value] of Object.entries(n.properties)) {
        const next = [...path, key];
        if (pattern.test(key) && !REFERENCE.test(key)) found.add(next.join("."));
        visit(value, next, depth + 1, seen);
      }
    }
    if (n.additionalProperties && typeof n.additionalProperties === "object") {
      visit(n.additionalProperties, [...path, "*"], depth + 1, seen);
    }
    if (n.items && typeof n.items === "object") visit(n.items, path, depth + 1, seen);
  };
  visit(schema, [], 0, /* @__PURE__ */ new Set());
  return [...found].sort();
}
function covers(masked, field) {
  const m = masked.split(".");
  const f = field.split(".");
  if (m.length > f.length) return false;
  return m.every((segment, i) => segment === "*" || f[i] === "*" || segment === f[i]);
}
function toolFindings(tool, c, pattern, schemas = {}, confirmationMode = "token") {
  const p = tool.policy;
  const out = classFindings(tool, c);
  const finding = (severity, kind, message) => out.push({ tool: tool.name, severity, kind, message });
  if (p.confirm === "required" && confirmationMode === "argument")
    finding(
      "review",
      "confirmation-by-argument",
      "confirmed by a boolean confirm argument the model can set (policy.confirmation.mode: argument); a person is asked only where the client supports elicitation",
    );
  if (tool.safety === "destructive" && p.confirm !== "required")
    finding(
      "high",
      "destructive-without-confirmation",
      "destructive without confirmation (confirm: none in the manifest)",
    );
  if (pattern && tool.safety === "read") {
    const unmasked = secretLookingFields(tool.outputSchema, pattern, schemas).filter(
      (field) =>
        !(p.masked ?? []).some((m) => covers(m, field)) && !(p.namesOnly && covers(p.namesOnly, field)),
    );
    if (unmasked.length > 0)
      finding(
        "review",
        "unmasked-credential-fields",
        `result fields named like credentials, not masked: ${unmasked.join(", ")}`,
      );
  }
  for (const f of scanTool(tool))
    finding("high", "instruction-like-text", `${f.field} ${f.reason} (instruction-like or hidden text)`);
  return out;
}

// codegen/audit/report.ts
var DEFAULT_POLICY = {
  deniedTools: { tools: [] },
  secretKeyPattern: "",
  confirmation: { ttlSeconds: 300 },
  audit: { enabledByDefault: true },
};
function describeSource(value) {
  const parts = [];
  if (value.env) parts.push(value.env);
  if (value.file) parts.push(`file named by ${describeSource(value.file.path)}`);
  if (value.byEnv) parts.push(`chosen by ${value.byEnv.env}`);
  if (value.default !== void 0) parts.push(`default ${value.default}`);
  return parts.join(", ") || "(none)";
}
function describeAuth(auth) {
  switch (auth.kind) {
    case "bearer":
      return `bearer token from ${describeSource(auth.token)}`;
    case "apiKey":
      return `API key in ${auth.in} ${auth.name} from ${describeSource(auth.value)}`;
    case "basic":
      return `basic auth: user ${describeSource(auth.username)}, password ${describeSource(auth.password)}`;
    case "oauth2ClientCredentials":
      return `OAuth2 client credentials at ${auth.tokenUrl} (client ${describeSource(auth.clientId)}, secret ${describeSource(auth.clientSecret)}${auth.scopes.length > 0 ? `, scopes ${auth.scopes.join(" ")}` : ""})`;
    case "oauth2": {
      const renew = auth.refreshToken
        ? `; renewed at ${auth.tokenUrl ?? auth.discoveryUrl} with the refresh token from ${describeSource(auth.refreshToken)}`
        : "";
      return `OAuth2 (${auth.flows.join(", ") || "any flow"}) access token from ${describeSource(auth.token)}${renew}`;
    }
  }
}
function buildReport(doc) {
  const policy = doc.policy ?? DEFAULT_POLICY;
  const env = new Map(doc.env.map((v) => [v.name, v]));
  const denied = /* @__PURE__ */ new Set();
  for (const name of policy.deniedTools.tools) {
    const tool = doc.tools.find((t) => t.name === name || t.aliases.includes(name));
    if (tool) denied.add(tool.name);
  }
  let pattern;
  try {
    pattern = policy.secretKeyPattern ? new RegExp(policy.secretKeyPattern, "i") : void 0;
  } catch {
    pattern = void 0;
  }
  const findings = [];
  const tools = doc.tools.map((tool) => {
    const p = tool.policy;
    const binding = tool.binding;
    const classification = classificationOf(tool);
    const report = {
      name: tool.name,
      aliases: [...tool.aliases],
      title: tool.title,
      safety: tool.safety,
      classification,
      ...(tool.tags && tool.tags.length > 0 ? { tags: [...tool.tags] } : {}),
      binding: {
        kind: binding.kind,
        summary: tool.summary,
        ...(binding.kind === "custom" ? { module: binding.module } : { source: binding.source }),
      },
      policies: {
        refusedWhenReadOnly: tool.safety !== "read" && policy.readOnly !== void 0,
        confirmation: p.confirm === "required",
        deniedByManifest: denied.has(tool.name),
        ...(p.scopedPath ? { scopedPath: p.scopedPath } : {}),
        ...(p.scopedList ? { scopedList: p.scopedList } : {}),
        ...(p.tenantArg && policy.tenant ? { tenantArg: p.tenantArg } : {}),
        ...(p.partnerArg && policy.partner ? { partnerArg: p.partnerArg } : {}),
        ...(p.masked && p.masked.length > 0 ? { masked: [...p.masked] } : {}),
        ...(p.secretKeys ? { secretKeys: p.secretKeys } : {}),
        ...(p.namesOnly ? { namesOnly: p.namesOnly } : {}),
      },
    };
    if (tool.deprecated) report.deprecated = true;
    if (tool.internal) report.internal = true;
    const own = toolFindings(
      tool,
      classification,
      pattern,
      doc.schemas ?? {},
      policy.confirmation.mode ?? "token",
    );
    findings.push(...own);
    const review = own.map((f) => f.message);
    if (review.length > 0) report.review = review;
    return report;
  });
  const count = (f) => tools.filter(f).length;
  const envFacts = (name) => {
    const v = name ? env.get(name) : void 0;
    return {
      ...(v ? { type: v.type } : {}),
      ...(v?.default !== void 0 ? { default: v.secret ? "(set)" : v.default } : {}),
    };
  };
  const switchOf = (key, ref, effect, affected) => ({
    policy: key,
    env: ref?.env,
    ...envFacts(ref?.env),
    effect,
    tools: affected,
  });
  const switches = [
    switchOf(
      "read-only",
      policy.readOnly,
      "write and destructive tools refuse to run; reads work",
      count((t) => t.safety !== "read"),
    ),
    switchOf(
      "mask values",
      policy.maskValues,
      "result fields marked masked come back as •••••• (in results, text and resource reads)",
      count((t) => t.policies.masked !== void 0),
    ),
    switchOf(
      "allowed paths",
      policy.allowedPaths,
      "scoped path arguments and listing prefixes must fall under one of these prefixes; listings are filtered",
      count((t) => t.policies.scopedPath !== void 0 || t.policies.scopedList !== void 0),
    ),
    switchOf(
      "denied paths",
      policy.deniedPaths,
      "these prefixes are always refused (deny wins over allow); listings are filtered",
      count((t) => t.policies.scopedPath !== void 0 || t.policies.scopedList !== void 0),
    ),
    switchOf(
      "tenant lock",
      policy.tenant,
      "the only tenant a call may name; a call naming none acts in it",
      count((t) => t.policies.tenantArg !== void 0),
    ),
    switchOf(
      "partner lock",
      policy.partner,
      "the only partner a call may name; a call naming none acts as it",
      count((t) => t.policies.partnerArg !== void 0),
    ),
    switchOf(
      "denied tools",
      policy.deniedTools.env ? { env: policy.deniedTools.env } : void 0,
      "tools removed from tools/list and refused by name (on top of the manifest's list)",
      denied.size,
    ),
  ].filter((s) => s.env !== void 0 || s.policy === "denied tools");
  const sources = doc.sources.map((source) => ({
    id: source.id,
    kind: source.kind,
    baseUrl: describeSource(source.baseUrl),
    credentials: source.auth.map(describeAuth),
  }));
  return {
    catalog: doc.catalog,
    server: {
      name: doc.server.name,
      version: doc.server.version,
      ...(doc.server.title ? { title: doc.server.title } : {}),
    },
    generator: `${doc.generator.name} ${doc.generator.version}`,
    inputHash: doc.inputHash,
    summary: {
      tools: tools.length,
      read: count((t) => t.safety === "read"),
      write: count((t) => t.safety === "write"),
      destructive: count((t) => t.safety === "destructive"),
      confirmation: count((t) => t.policies.confirmation),
      masked: count((t) => t.policies.masked !== void 0),
      scopedPath: count((t) => t.policies.scopedPath !== void 0),
      scopedList: count((t) => t.policies.scopedList !== void 0),
      tenantLocked: count((t) => t.policies.tenantArg !== void 0),
      partnerLocked: count((t) => t.policies.partnerArg !== void 0),
      secretKeys: count((t) => t.policies.secretKeys !== void 0),
      namesOnly: count((t) => t.policies.namesOnly !== void 0),
      deniedByManifest: denied.size,
      review: count((t) => t.review !== void 0),
      findings: findings.length,
      highFindings: findings.filter((f) => f.severity === "high").length,
      classified: count((t) => t.classification.decidedBy === "classifier"),
      manifestDecided: count((t) => t.classification.decidedBy === "manifest"),
    },
    switches,
    confirmation: { ...policy.confirmation },
    audit: { ...policy.audit },
    secretKeyPattern: policy.secretKeyPattern,
    deniedByManifest: [...denied],
    sources,
    findings,
    tools,
  };
}

// codegen/audit/text.ts
function envText(s) {
  if (!s.env) return "(no env)";
  const facts = [s.type, s.default !== void 0 ? `default ${s.default}` : "unset by default"].filter(Boolean);
  return `${s.env} (${facts.join(", ")})`;
}
function classLine(t) {
  const c = t.classification;
  if (c.decidedBy === "binding" || c.decidedBy === "handler") return void 0;
  if (c.decidedBy === "classifier")
    return `classified ${c.proposed} (${c.binding} by its binding): ${c.reasons.join("; ")}`;
  const raised = c.proposed !== c.binding;
  return `safety set by the manifest (${c.binding} by its binding${raised ? `, ${c.proposed} by the classifier: ${c.reasons.join("; ")}` : ""})`;
}
function toolPolicies(t, report) {
  const p = t.policies;
  const sw = (name) => report.switches.find((s) => s.policy === name)?.env;
  const out = [];
  if (p.deniedByManifest) out.push("DENIED by the manifest (not served)");
  if (p.refusedWhenReadOnly) out.push(`refused when ${sw("read-only")}=true`);
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
  if (p.tenantArg) out.push(`tenant lock: ${p.tenantArg} (${sw("tenant lock")})`);
  if (p.partnerArg) out.push(`partner lock: ${p.partnerArg} (${sw("partner lock")})`);
  if (p.masked)
    out.push(`masked: ${p.masked.join(", ")}${sw("mask values") ? ` (when ${sw("mask values")}=true)` : ""}`);
  if (p.secretKeys) out.push(`secret-like keys refused in: ${p.secretKeys.keysArg}; values never echoed`);
  if (p.namesOnly) out.push(`names only: ${p.namesOnly}`);
  return out;
}
function renderText(report) {
  const s = report.summary;
  const lines = [];
  const title = report.server.title ? ` (${report.server.title})` : "";
  lines.push(`Catalog ${report.catalog} ${report.server.version}${title}`);
  lines.push(`  generated by ${report.generator}, inputs ${report.inputHash}`);
  lines.push(
    `  ${s.tools} tools: ${s.read} read, ${s.write} write, ${s.destructive} destructive; ${s.confirmation} need confirmation; ${s.masked} mask result fields; ${s.scopedPath} take a scoped path, ${s.scopedList} list under a scoped prefix; ${s.tenantLocked} tenant-lockable; ${s.secretKeys} refuse secret-like keys; ${s.namesOnly} names-only; ${s.deniedByManifest} denied by the manifest`,
  );
  lines.push(
    `  ${s.findings} findings (${s.highFindings} high); ${s.classified} tools classified beyond their binding, ${s.manifestDecided} decided by the manifest`,
  );
  lines.push("");
  lines.push("Findings");
  for (const f of report.findings) lines.push(`  [${f.severity}] ${f.tool}: ${f.message}`);
  if (report.findings.length === 0) lines.push("  none");
  lines.push("");
  lines.push("Policy switches (environment; policies only narrow what the upstream credentials allow)");
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
  if (report.secretKeyPattern) {
    lines.push(`  ${"secret-like keys".padEnd(width)}  /${report.secretKeyPattern}/i`);
  }
  lines.push("");
  lines.push("Upstream sources and credentials");
  for (const source of report.sources) {
    lines.push(`  ${source.id} (${source.kind}): base URL ${source.baseUrl}`);
    for (const cred of source.credentials) lines.push(`    ${cred}`);
    if (source.credentials.length === 0) lines.push("    no credentials");
  }
  lines.push("");
  lines.push("Tools");
  for (const t of report.tools) {
    const aliases = `${t.aliases.length > 0 ? ` (aliases: ${t.aliases.join(", ")})` : ""}${t.internal ? " (internal: handlers only)" : ""}`;
    const where = t.binding.module ?? t.binding.source ?? "";
    lines.push(`  ${t.name}  [${t.safety}]  ${t.binding.summary}${where ? `  <${where}>` : ""}${aliases}`);
    const policies = toolPolicies(t, report);
    lines.push(`    ${policies.length > 0 ? policies.join("; ") : "no policy beyond argument validation"}`);
    const why = classLine(t);
    if (why) lines.push(`    ${why}`);
    if (t.tags) lines.push(`    tags: ${t.tags.join(", ")}`);
    for (const note of t.review ?? []) lines.push(`    review: ${note}`);
  }
  return `${lines.join("\n")}
`;
}

// codegen/cli/audit.ts
var HELP = `Usage: toolwright audit <catalog> [--json]

Prints the policy surface of a generated catalog: for every tool its safety class (read, write,
destructive), the upstream operation it calls and the policies that apply to it (scoped path argument,
tenant/partner lock, masked result fields, confirmation, secret-like keys, names-only, denied by the
manifest); and for the catalog the env variables that switch each policy, with their defaults, and the
credentials each upstream source is called with. Nothing runs and no environment is read.

<catalog> is a generated catalog folder (e.g. ./generated/scaivault) or a catalog name, found as
./generated/<name> or in toolwright's own generated/ folder (as \`toolwright serve\` finds it).

The output is deterministic (no times, no absolute paths): diff it between releases.

Options:
  --json       the same as one JSON document
  -h, --help   this help
`;
async function run(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`toolwright audit: ${error.message}

${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(
      `toolwright audit: ${parsed.positionals.length === 0 ? "which catalog?" : "expected one catalog"}

${HELP}`,
    );
    return 2;
  }
  let doc;
  try {
    doc = await readCatalogDocument(findCatalogDir(parsed.positionals[0]));
  } catch (error) {
    const message = error instanceof CatalogLoadError ? error.message : error.message;
    process.stderr.write(`toolwright audit: ${message}
`);
    return 1;
  }
  const report = buildReport(doc);
  process.stdout.write(
    parsed.values.json
      ? `${JSON.stringify(report, null, 2)}
`
      : renderText(report),
  );
  return 0;
}

export { buildReport, renderText, run };
