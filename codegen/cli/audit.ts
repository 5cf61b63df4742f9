import { parseArgs } from "node:util";
import type {
  AuthScheme,
  CatalogDocument,
  CatalogTool,
  EnvVar,
  JsonSchema,
  PolicyConfig,
  ValueSource,
} from "../../src/catalog.js";
import { CatalogLoadError, findCatalogDir, readCatalogDocument } from "../../src/load/catalog.js";
import { scanTool } from "../lint/descriptions.js";

/**
 * `toolwright audit <catalog>`: the policy surface of a generated catalog, for a reviewer who will not read
 * code. Per tool: its safety class, what it calls, and every policy that applies to it; catalog-wide: which
 * env variable switches what, with its default, and which credentials reach which upstream. Read from
 * catalog.json alone (nothing is executed, no env is read), and deterministic, so two releases can be diffed.
 */

const HELP = `Usage: toolwright audit <catalog> [--json]

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

interface Switch {
  policy: string;
  env: string | undefined;
  type?: string;
  default?: string;
  effect: string;
  tools: number;
}

interface ToolReport {
  name: string;
  aliases: string[];
  title: string;
  safety: CatalogTool["safety"];
  binding: { kind: string; summary: string; source?: string; module?: string };
  policies: {
    refusedWhenReadOnly: boolean;
    confirmation: boolean;
    deniedByManifest: boolean;
    scopedPath?: string;
    scopedList?: { prefixArg: string; itemsPath: string; itemPathField: string };
    tenantArg?: string;
    partnerArg?: string;
    masked?: string[];
    secretKeys?: { keysArg: string; valuesArg?: string };
    namesOnly?: string;
  };
  deprecated?: boolean;
  /** Called only by the catalog's handlers (never listed or callable by clients). */
  internal?: boolean;
  /** Things a reviewer may want to look at (heuristics, not errors). */
  review?: string[];
}

export interface AuditReport {
  catalog: string;
  server: { name: string; version: string; title?: string };
  generator: string;
  inputHash: string;
  summary: Record<string, number>;
  switches: Switch[];
  confirmation: { ttlSeconds: number; secretEnv?: string };
  audit: { enabledByDefault: boolean; env?: string; fileEnv?: string };
  secretKeyPattern: string;
  deniedByManifest: string[];
  sources: Array<{ id: string; kind: string; baseUrl: string; credentials: string[] }>;
  tools: ToolReport[];
}

const DEFAULT_POLICY: PolicyConfig = {
  deniedTools: { tools: [] },
  secretKeyPattern: "",
  confirmation: { ttlSeconds: 300 },
  audit: { enabledByDefault: true },
};

function describeSource(value: ValueSource): string {
  const parts: string[] = [];
  if (value.env) parts.push(value.env);
  if (value.file) parts.push(`file named by ${describeSource(value.file.path)}`);
  if (value.byEnv) parts.push(`chosen by ${value.byEnv.env}`);
  if (value.default !== undefined) parts.push(`default ${value.default}`);
  return parts.join(", ") || "(none)";
}

function describeAuth(auth: AuthScheme): string {
  switch (auth.kind) {
    case "bearer":
      return `bearer token from ${describeSource(auth.token)}`;
    case "apiKey":
      return `API key in ${auth.in} ${auth.name} from ${describeSource(auth.value)}`;
    case "basic":
      return `basic auth: user ${describeSource(auth.username)}, password ${describeSource(auth.password)}`;
    case "oauth2ClientCredentials":
      return `OAuth2 client credentials at ${auth.tokenUrl} (client ${describeSource(auth.clientId)}, secret ${describeSource(auth.clientSecret)}${auth.scopes.length > 0 ? `, scopes ${auth.scopes.join(" ")}` : ""})`;
  }
}

/** Names that refer to or count credentials rather than hold one (`secret_policy_id`, `api_key_count`). */
const REFERENCE =
  /(?:^|[_-])(?:ids?|count|at|type|types|names?|policy|policies|version|length|expires?|status)$/i;

/** Dot paths of output properties whose names look like credentials, for the review notes. */
function secretLookingFields(schema: JsonSchema | undefined, pattern: RegExp): string[] {
  if (!schema) return [];
  const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
  const found = new Set<string>();
  const visit = (node: unknown, path: string[], depth: number, seen: Set<string>) => {
    if (!node || typeof node !== "object" || depth > 8) return;
    let n = node as JsonSchema;
    if (typeof n.$ref === "string" && n.$ref.startsWith("#/$defs/")) {
      const name = n.$ref.slice(8);
      if (seen.has(name)) return;
      seen = new Set([...seen, name]);
      n = { ...(defs[name] ?? {}), ...n };
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(n[key]))
        for (const branch of n[key] as unknown[]) visit(branch, path, depth + 1, seen);
    }
    if (n.properties && typeof n.properties === "object") {
      for (const [key, value] of Object.entries(n.properties as Record<string, unknown>)) {
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
  visit(schema, [], 0, new Set());
  return [...found].sort();
}

/** Whether a masked path (with `*`) covers a field path, as a prefix. */
function covers(masked: string, field: string): boolean {
  const m = masked.split(".");
  const f = field.split(".");
  if (m.length > f.length) return false;
  return m.every((segment, i) => segment === "*" || f[i] === "*" || segment === f[i]);
}

export function buildReport(doc: CatalogDocument): AuditReport {
  const policy = doc.policy ?? DEFAULT_POLICY;
  const env = new Map<string, EnvVar>(doc.env.map((v) => [v.name, v]));
  const denied = new Set<string>();
  for (const name of policy.deniedTools.tools) {
    const tool = doc.tools.find((t) => t.name === name || t.aliases.includes(name));
    if (tool) denied.add(tool.name);
  }
  let pattern: RegExp | undefined;
  try {
    pattern = policy.secretKeyPattern ? new RegExp(policy.secretKeyPattern, "i") : undefined;
  } catch {
    pattern = undefined;
  }

  const tools: ToolReport[] = doc.tools.map((tool) => {
    const p = tool.policy;
    const binding = tool.binding;
    const report: ToolReport = {
      name: tool.name,
      aliases: [...tool.aliases],
      title: tool.title,
      safety: tool.safety,
      binding: {
        kind: binding.kind,
        summary: tool.summary,
        ...(binding.kind === "custom" ? { module: binding.module } : { source: binding.source }),
      },
      policies: {
        refusedWhenReadOnly: tool.safety !== "read" && policy.readOnly !== undefined,
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
    const review: string[] = [];
    if (tool.safety === "destructive" && p.confirm !== "required") {
      review.push("destructive without confirmation (confirm: none in the manifest)");
    }
    if (pattern && tool.safety === "read") {
      const unmasked = secretLookingFields(tool.outputSchema, pattern).filter(
        (field) =>
          !(p.masked ?? []).some((m) => covers(m, field)) && !(p.namesOnly && covers(p.namesOnly, field)),
      );
      if (unmasked.length > 0)
        review.push(`result fields named like credentials, not masked: ${unmasked.join(", ")}`);
    }
    for (const f of scanTool(tool)) review.push(`${f.field} ${f.reason} (instruction-like or hidden text)`);
    if (review.length > 0) report.review = review;
    return report;
  });

  const count = (f: (t: ToolReport) => boolean) => tools.filter(f).length;
  const envFacts = (name: string | undefined) => {
    const v = name ? env.get(name) : undefined;
    return {
      ...(v ? { type: v.type } : {}),
      ...(v?.default !== undefined ? { default: v.secret ? "(set)" : v.default } : {}),
    };
  };
  const switchOf = (
    key: string,
    ref: { env: string } | undefined,
    effect: string,
    affected: number,
  ): Switch => ({ policy: key, env: ref?.env, ...envFacts(ref?.env), effect, tools: affected });

  const switches: Switch[] = [
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
      count((t) => t.policies.masked !== undefined),
    ),
    switchOf(
      "allowed paths",
      policy.allowedPaths,
      "scoped path arguments and listing prefixes must fall under one of these prefixes; listings are filtered",
      count((t) => t.policies.scopedPath !== undefined || t.policies.scopedList !== undefined),
    ),
    switchOf(
      "denied paths",
      policy.deniedPaths,
      "these prefixes are always refused (deny wins over allow); listings are filtered",
      count((t) => t.policies.scopedPath !== undefined || t.policies.scopedList !== undefined),
    ),
    switchOf(
      "tenant lock",
      policy.tenant,
      "the only tenant a call may name; a call naming none acts in it",
      count((t) => t.policies.tenantArg !== undefined),
    ),
    switchOf(
      "partner lock",
      policy.partner,
      "the only partner a call may name; a call naming none acts as it",
      count((t) => t.policies.partnerArg !== undefined),
    ),
    switchOf(
      "denied tools",
      policy.deniedTools.env ? { env: policy.deniedTools.env } : undefined,
      "tools removed from tools/list and refused by name (on top of the manifest's list)",
      denied.size,
    ),
  ].filter((s) => s.env !== undefined || s.policy === "denied tools");

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
      masked: count((t) => t.policies.masked !== undefined),
      scopedPath: count((t) => t.policies.scopedPath !== undefined),
      scopedList: count((t) => t.policies.scopedList !== undefined),
      tenantLocked: count((t) => t.policies.tenantArg !== undefined),
      partnerLocked: count((t) => t.policies.partnerArg !== undefined),
      secretKeys: count((t) => t.policies.secretKeys !== undefined),
      namesOnly: count((t) => t.policies.namesOnly !== undefined),
      deniedByManifest: denied.size,
      review: count((t) => t.review !== undefined),
    },
    switches,
    confirmation: { ...policy.confirmation },
    audit: { ...policy.audit },
    secretKeyPattern: policy.secretKeyPattern,
    deniedByManifest: [...denied],
    sources,
    tools,
  };
}

function envText(s: Switch): string {
  if (!s.env) return "(no env)";
  const facts = [s.type, s.default !== undefined ? `default ${s.default}` : "unset by default"].filter(
    Boolean,
  );
  return `${s.env} (${facts.join(", ")})`;
}

function toolPolicies(t: ToolReport, report: AuditReport): string[] {
  const p = t.policies;
  const sw = (name: string) => report.switches.find((s) => s.policy === name)?.env;
  const out: string[] = [];
  if (p.deniedByManifest) out.push("DENIED by the manifest (not served)");
  if (p.refusedWhenReadOnly) out.push(`refused when ${sw("read-only")}=true`);
  if (p.confirmation) out.push("confirmation required (preview, token or elicitation)");
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

export function renderText(report: AuditReport): string {
  const s = report.summary;
  const lines: string[] = [];
  const title = report.server.title ? ` (${report.server.title})` : "";
  lines.push(`Catalog ${report.catalog} ${report.server.version}${title}`);
  lines.push(`  generated by ${report.generator}, inputs ${report.inputHash}`);
  lines.push(
    `  ${s.tools} tools: ${s.read} read, ${s.write} write, ${s.destructive} destructive; ${s.confirmation} need confirmation; ${s.masked} mask result fields; ${s.scopedPath} take a scoped path, ${s.scopedList} list under a scoped prefix; ${s.tenantLocked} tenant-lockable; ${s.secretKeys} refuse secret-like keys; ${s.namesOnly} names-only; ${s.deniedByManifest} denied by the manifest`,
  );
  lines.push("");
  lines.push("Policy switches (environment; policies only narrow what the upstream credentials allow)");
  const width = Math.max("secret-like keys".length, ...report.switches.map((x) => x.policy.length));
  for (const x of report.switches) {
    lines.push(`  ${x.policy.padEnd(width)}  ${envText(x)}`);
    lines.push(`  ${"".padEnd(width)}  ${x.effect}; applies to ${x.tools} tool${x.tools === 1 ? "" : "s"}`);
  }
  const c = report.confirmation;
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
    for (const note of t.review ?? []) lines.push(`    review: ${note}`);
  }
  return `${lines.join("\n")}\n`;
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
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
    process.stderr.write(`toolwright audit: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(
      `toolwright audit: ${parsed.positionals.length === 0 ? "which catalog?" : "expected one catalog"}\n\n${HELP}`,
    );
    return 2;
  }
  let doc: CatalogDocument;
  try {
    doc = await readCatalogDocument(findCatalogDir(parsed.positionals[0]!));
  } catch (error) {
    const message = error instanceof CatalogLoadError ? error.message : (error as Error).message;
    process.stderr.write(`toolwright audit: ${message}\n`);
    return 1;
  }
  const report = buildReport(doc);
  process.stdout.write(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
  return 0;
}
