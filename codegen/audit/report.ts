import type {
  AuthScheme,
  CatalogDocument,
  CatalogTool,
  EnvVar,
  JsonSchema,
  PolicyConfig,
  ScopedValue,
  ValueSource,
} from "../../src/catalog.js";
import { pathLikeArgs, unscopedPathArgs } from "../../src/policy/path-args.js";
import { namedMask, type RuntimeSwitches, switchedOffTools } from "../../src/policy/switches.js";
import { shownValue } from "../../src/telemetry/redact.js";
import { hostPrefix } from "../bind/catalog.js";
import {
  type Classification,
  classificationOf,
  type Finding,
  lockFindings,
  nameFindings,
  toolFindings,
} from "./findings.js";

/**
 * `toolwright audit <catalog>`: the policy surface of a generated catalog, for a reviewer who will not read
 * code. Per tool: its safety class, what it calls, and every policy that applies to it; catalog-wide: which
 * env variable switches what, with its default, and which credentials reach which upstream. Read from
 * catalog.json alone (nothing is executed, no env is read), and deterministic, so two releases can be diffed.
 */

export interface Switch {
  policy: string;
  env: string | undefined;
  type?: string;
  default?: string;
  effect: string;
  tools: number;
}

export interface ToolReport {
  name: string;
  aliases: string[];
  title: string;
  safety: CatalogTool["safety"];
  /** How the class was decided: binding, classifier (with its reasons) or manifest. */
  classification: Classification;
  tags?: string[];
  binding: { kind: string; summary: string; source?: string; module?: string };
  policies: {
    refusedWhenReadOnly: boolean;
    confirmation: boolean;
    deniedByManifest: boolean;
    scopedPath?: string;
    scopedList?: { prefixArg: string; itemsPath: string; itemPathField: string };
    /** Path scope coverage: the path-like arguments, how each is scoped, and those no fact covers. */
    pathScope?: { touches: string[]; scopedValues?: ScopedValue[]; notPaths?: string[]; unscoped?: string[] };
    tenantArg?: string;
    partnerArg?: string;
    masked?: string[];
    secretKeys?: { keysArg: string; valuesArg?: string };
    namesOnly?: string;
  };
  deprecated?: boolean;
  /** Called only by the catalog's handlers (never listed or callable by clients). */
  internal?: boolean;
  /** The messages of the tool's findings (heuristics, not errors). */
  review?: string[];
  /** Left out by the run-time switches the report was asked about, and by which rule. */
  hiddenBy?: string;
}

/** What `serve` would serve with the run-time switches given to `audit` (none given: everything listed). */
export interface RuntimeReport {
  /** The switches as given, e.g. `--read-only`, `--deny tag:orders`, `--mask email`. */
  given: string[];
  /** Tools clients would see (handlers' helpers not counted), of `listable`. */
  served: number;
  listable: number;
  /** Tags tools carry, for `--allow/--deny tag:NAME`. */
  tags: string[];
  /** Fields masked by name in every result. */
  masked: string[];
}

/** A run-time switch that would stop `serve` (a selector matching nothing, a malformed field). */
export class AuditSwitchError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "AuditSwitchError";
  }
}

export interface AuditReport {
  catalog: string;
  server: { name: string; version: string; title?: string };
  generator: string;
  inputHash: string;
  summary: Record<string, number>;
  switches: Switch[];
  confirmation: { ttlSeconds: number; secretEnv?: string; mode?: "token" | "argument" };
  audit: { enabledByDefault: boolean; env?: string; fileEnv?: string };
  secretKeyPattern: string;
  deniedByManifest: string[];
  sources: SourceReport[];
  /**
   * Every env variable the catalog declares, in catalog order: its type, whether it is required and whether it is
   * a secret (never shown, nor its default: `(set)`); a default otherwise as `shownValue` shows it.
   */
  env: EnvReport[];
  /** How every tool's result is shaped: `plain` data, or `{"success":...,"data":...}` (`success-data`). */
  result: { envelope: "plain" | "success-data" };
  /** Every tool's findings, in catalog order: what a reviewer should look at first. */
  findings: Finding[];
  runtime: RuntimeReport;
  tools: ToolReport[];
}

export interface SourceReport {
  id: string;
  kind: string;
  baseUrl: string;
  credentials: string[];
  /** How long a call to this source may take before it is abandoned. */
  timeoutMs: number;
  /**
   * GraphQL sources with `security`: the credential alternatives in the order tried (the first whose credentials
   * are all set is sent), each its schemes joined by ` + `, `none (sent without credentials)` for an empty one.
   * Absent: every credential is sent together.
   */
  alternatives?: string[];
}

export interface EnvReport {
  name: string;
  type: string;
  required: boolean;
  secret: boolean;
  /** The default as `shownValue` shows it; a secret's is `(set)`. */
  default?: string;
}

const DEFAULT_POLICY: PolicyConfig = {
  deniedTools: { tools: [] },
  secretKeyPattern: "",
  confirmation: { ttlSeconds: 300 },
  audit: { enabledByDefault: true },
};

/** Where a value comes from; its default as `shownValue` shows it, a credential's (`secret`) not at all. */
function describeSource(value: ValueSource, secret = false): string {
  const parts: string[] = [];
  if (value.env) parts.push(value.env);
  if (value.file) parts.push(`file named by ${describeSource(value.file.path)}`);
  if (value.byEnv) parts.push(`chosen by ${value.byEnv.env}`);
  if (value.default !== undefined)
    parts.push(secret ? "a default (not shown)" : `default ${shownValue(value.default)}`);
  return parts.join(", ") || "(none)";
}

function describeAuth(auth: AuthScheme): string {
  switch (auth.kind) {
    case "bearer":
      return `bearer token from ${describeSource(auth.token, true)}`;
    case "apiKey":
      return `API key in ${auth.in} ${auth.name} from ${describeSource(auth.value, true)}`;
    case "basic":
      return `basic auth: user ${describeSource(auth.username)}, password ${describeSource(auth.password, true)}`;
    case "oauth2ClientCredentials":
      return `OAuth2 client credentials at ${shownValue(auth.tokenUrl)} (client ${describeSource(auth.clientId)}, secret ${describeSource(auth.clientSecret, true)}${scopesNote(auth)})`;
    case "oauth2": {
      const renew = auth.refreshToken
        ? `; renewed at ${shownValue(String(auth.tokenUrl ?? auth.discoveryUrl))} with the refresh token from ${describeSource(auth.refreshToken, true)}`
        : "";
      return `OAuth2 (${auth.flows.join(", ") || "any flow"}) access token from ${describeSource(auth.token, true)}${renew}${auth.clientSecret ? scopesNote(auth, "; client-credentials scopes") : ""}`;
    }
  }
}

/** The scopes a client-credentials grant requests: the manifest's, else those the tools' operations name. */
function scopesNote(auth: { scopes: string[]; operationScopes?: string[] }, label = ", scopes"): string {
  if (auth.scopes.length > 0) return `${label} ${auth.scopes.join(" ")}`;
  const needed = auth.operationScopes ?? [];
  return needed.length > 0 ? `${label} ${needed.join(" ")} (named by the tools' operations)` : "";
}

export interface ReportOptions {
  /** Prefixes hosts put before tool names (default: `mcp__<catalog>__`); names that then pass 64 are findings. */
  namePrefixes?: readonly string[];
  /** serve's run-time switches: the report shows what `serve` would serve with them. */
  runtime?: RuntimeSwitches;
}

/** Tool name -> the run-time rule that leaves it out of tools/list (`serve` fails on the same problems). */
function runtimeHidden(doc: CatalogDocument, switches: RuntimeSwitches): Map<string, string> {
  const problems: string[] = [];
  const hidden = switchedOffTools(doc, switches, problems);
  namedMask(switches.mask, problems);
  if (problems.length > 0) throw new AuditSwitchError(problems);
  if (switches.readOnly)
    for (const tool of doc.tools)
      if (tool.safety !== "read" && !hidden.has(tool.name)) hidden.set(tool.name, switches.readOnly);
  return hidden;
}

function givenSwitches(switches: RuntimeSwitches): string[] {
  return [
    ...(switches.readOnly ? [switches.readOnly] : []),
    ...(switches.allow ? [`${switches.allow.label} ${switches.allow.selectors.join(",")}`] : []),
    ...(switches.deny ? [`${switches.deny.label} ${switches.deny.selectors.join(",")}`] : []),
    ...(switches.mask ? [`${switches.mask.label} ${switches.mask.fields.join(",")}`] : []),
  ];
}

/**
 * The report of a catalog, and of what `serve` would serve with the given run-time switches (the catalog's own
 * policy stays the floor). Throws `AuditSwitchError` for switches `serve` would refuse.
 */
export function buildReport(doc: CatalogDocument, options: ReportOptions = {}): AuditReport {
  const runtime = options.runtime ?? {};
  const policy = doc.policy ?? DEFAULT_POLICY;
  const denied = deniedByManifest(doc, policy);
  const findings: Finding[] = [];
  const tools = toolReports(doc, options, policy, denied, findings);
  const count = (f: (t: ToolReport) => boolean) => tools.filter(f).length;
  const sources = doc.sources.map(
    (source): SourceReport => ({
      id: source.id,
      kind: source.kind,
      baseUrl: describeSource(source.baseUrl),
      credentials: [...source.auth.map(describeAuth), ...boundParams(doc, source.id)],
      timeoutMs: source.timeoutMs,
      ...(source.security
        ? {
            alternatives: source.security.map((alt) =>
              alt.length === 0 ? "none (sent without credentials)" : alt.join(" + "),
            ),
          }
        : {}),
    }),
  );
  const env = doc.env.map(
    (v): EnvReport => ({
      name: v.name,
      type: v.type,
      required: v.required,
      secret: v.secret,
      ...(v.default !== undefined ? { default: v.secret ? "(set)" : shownValue(v.default) } : {}),
    }),
  );

  return {
    catalog: doc.catalog,
    server: {
      name: doc.server.name,
      version: doc.server.version,
      ...(doc.server.title ? { title: doc.server.title } : {}),
    },
    generator: `${doc.generator.name} ${doc.generator.version}`,
    inputHash: doc.inputHash,
    summary: reportSummary(tools, findings, denied),
    switches: reportSwitches(doc, policy, tools, denied),
    confirmation: { ...policy.confirmation },
    audit: { ...policy.audit },
    secretKeyPattern: policy.secretKeyPattern,
    deniedByManifest: [...denied],
    sources,
    env,
    result: { envelope: doc.result?.envelope ?? "plain" },
    findings,
    runtime: {
      given: givenSwitches(runtime),
      served: count((t) => t.internal !== true && !t.policies.deniedByManifest && t.hiddenBy === undefined),
      listable: count((t) => t.internal !== true),
      tags: [...new Set(doc.tools.flatMap((t) => t.tags ?? []))].sort(),
      masked: [...(runtime.mask?.fields ?? [])],
    },
    tools,
  };
}

/** The tools the manifest denies, by canonical name (a denied alias names its tool). */
function deniedByManifest(doc: CatalogDocument, policy: PolicyConfig): Set<string> {
  const denied = new Set<string>();
  for (const name of policy.deniedTools.tools) {
    const tool = doc.tools.find((t) => t.name === name || t.aliases.includes(name));
    if (tool) denied.add(tool.name);
  }
  return denied;
}

/** The secret-key pattern as a case-insensitive regex; none when the catalog's pattern does not compile. */
function secretKeyRegex(policy: PolicyConfig): RegExp | undefined {
  try {
    return policy.secretKeyPattern ? new RegExp(policy.secretKeyPattern, "i") : undefined;
  } catch {
    return undefined;
  }
}

/** Every tool's report, in catalog order; each tool's findings are appended to `findings` as it is reported. */
function toolReports(
  doc: CatalogDocument,
  options: ReportOptions,
  policy: PolicyConfig,
  denied: ReadonlySet<string>,
  findings: Finding[],
): ToolReport[] {
  const prefixes = options.namePrefixes ?? [hostPrefix(doc.catalog)];
  const hiddenAtRuntime = runtimeHidden(doc, options.runtime ?? {});
  const pattern = secretKeyRegex(policy);
  const locks = lockFindings(doc.tools, {
    tenant: policy.tenant !== undefined,
    partner: policy.partner !== undefined,
  });
  return doc.tools.map((tool) => {
    const classification = classificationOf(tool);
    const report = toolReport(tool, classification, policy, denied, doc.schemas ?? {});
    const hiddenBy = denied.has(tool.name) ? undefined : hiddenAtRuntime.get(tool.name);
    if (hiddenBy) report.hiddenBy = hiddenBy;
    if (tool.deprecated) report.deprecated = true;
    if (tool.internal) report.internal = true;
    const own = toolFindings(
      tool,
      classification,
      pattern,
      doc.schemas ?? {},
      policy.confirmation.mode ?? "token",
    );
    own.push(...nameFindings(tool, prefixes), ...locks(tool));
    findings.push(...own);
    const review = own.map((f) => f.message);
    if (review.length > 0) report.review = review;
    return report;
  });
}

/** A tool's identity, binding and the policies that apply to it. */
function toolReport(
  tool: CatalogTool,
  classification: Classification,
  policy: PolicyConfig,
  denied: ReadonlySet<string>,
  schemas: Record<string, JsonSchema>,
): ToolReport {
  const p = tool.policy;
  const binding = tool.binding;
  return {
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
      refusedWhenReadOnly: tool.safety !== "read" && policy.readOnly !== undefined,
      confirmation: p.confirm === "required",
      deniedByManifest: denied.has(tool.name),
      ...(p.scopedPath ? { scopedPath: p.scopedPath } : {}),
      ...(p.scopedList ? { scopedList: p.scopedList } : {}),
      ...pathScopeOf(tool, schemas),
      ...(p.tenantArg && policy.tenant ? { tenantArg: p.tenantArg } : {}),
      ...(p.partnerArg && policy.partner ? { partnerArg: p.partnerArg } : {}),
      ...(p.masked && p.masked.length > 0 ? { masked: [...p.masked] } : {}),
      ...(p.secretKeys ? { secretKeys: p.secretKeys } : {}),
      ...(p.namesOnly ? { namesOnly: p.namesOnly } : {}),
    },
  };
}

/** A tool's path scope coverage (absent when it touches no paths and has no scope fact). */
function pathScopeOf(
  tool: CatalogTool,
  schemas: Record<string, JsonSchema>,
): Pick<ToolReport["policies"], "pathScope"> {
  const p = tool.policy;
  const touches = pathLikeArgs(tool, schemas);
  if (touches.length === 0 && !p.scopedValues && !p.notPaths) return {};
  const unscoped = unscopedPathArgs(tool, schemas);
  return {
    pathScope: {
      touches,
      ...(p.scopedValues ? { scopedValues: p.scopedValues } : {}),
      ...(p.notPaths ? { notPaths: p.notPaths } : {}),
      ...(unscoped.length > 0 ? { unscoped } : {}),
    },
  };
}

/** The env switches the catalog has (and the manifest's denied tools), each with its env facts and reach. */
function reportSwitches(
  doc: CatalogDocument,
  policy: PolicyConfig,
  tools: readonly ToolReport[],
  denied: ReadonlySet<string>,
): Switch[] {
  const env = new Map<string, EnvVar>(doc.env.map((v) => [v.name, v]));
  const count = (f: (t: ToolReport) => boolean) => tools.filter(f).length;
  const scoped = (t: ToolReport) =>
    t.policies.scopedPath !== undefined ||
    t.policies.scopedList !== undefined ||
    t.policies.pathScope !== undefined;
  const switchOf = (key: string, ref: { env: string } | undefined, effect: string, affected: number) =>
    switchRow(env, key, ref, effect, affected);
  return [
    switchOf(
      "read-only",
      policy.readOnly,
      "write and destructive tools are not listed and refuse to run; reads work",
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
      "scoped paths, listing prefixes, prefixes and patterns must fall under one of these prefixes; listings are filtered; tools with unscoped path arguments are unavailable",
      count(scoped),
    ),
    switchOf(
      "denied paths",
      policy.deniedPaths,
      "these prefixes are always refused (deny wins over allow); listings are filtered; tools with unscoped path arguments are unavailable",
      count(scoped),
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
}

/** A switch: the policy, its env variable with the variable's type and default (a secret's shown as "(set)"). */
function switchRow(
  env: ReadonlyMap<string, EnvVar>,
  key: string,
  ref: { env: string } | undefined,
  effect: string,
  affected: number,
): Switch {
  const v = ref?.env ? env.get(ref.env) : undefined;
  return {
    policy: key,
    env: ref?.env,
    ...(v ? { type: v.type } : {}),
    ...(v?.default !== undefined ? { default: v.secret ? "(set)" : shownValue(v.default) } : {}),
    effect,
    tools: affected,
  };
}

/** The report's counts: tools by safety class and policy, findings, and how tools were classified. */
function reportSummary(
  tools: readonly ToolReport[],
  findings: readonly Finding[],
  denied: ReadonlySet<string>,
): Record<string, number> {
  const count = (f: (t: ToolReport) => boolean) => tools.filter(f).length;
  return {
    tools: tools.length,
    read: count((t) => t.safety === "read"),
    write: count((t) => t.safety === "write"),
    destructive: count((t) => t.safety === "destructive"),
    confirmation: count((t) => t.policies.confirmation),
    masked: count((t) => t.policies.masked !== undefined),
    scopedPath: count((t) => t.policies.scopedPath !== undefined),
    scopedList: count((t) => t.policies.scopedList !== undefined),
    touchPaths: count((t) => (t.policies.pathScope?.touches.length ?? 0) > 0),
    unscopedPaths: count((t) => t.policies.pathScope?.unscoped !== undefined),
    tenantLocked: count((t) => t.policies.tenantArg !== undefined),
    partnerLocked: count((t) => t.policies.partnerArg !== undefined),
    secretKeys: count((t) => t.policies.secretKeys !== undefined),
    namesOnly: count((t) => t.policies.namesOnly !== undefined),
    deniedByManifest: denied.size,
    review: count((t) => t.review !== undefined),
    findings: findings.length,
    highFindings: findings.filter((f) => f.severity === "high").length,
    classified: count((t) => t.classification.decidedBy === "classifier"),
    manifestDecided: count((t) => t.classification.decidedBy === "manifest"),
  };
}

/**
 * Parameters and body fields a source's tools send from env variables: `query parameter api_key from env PAY_KEY
 * (3 tools)`, `body field client_secret from env APP_SECRET (1 tool)`.
 */
function boundParams(doc: CatalogDocument, sourceId: string): string[] {
  const counts = new Map<string, number>();
  for (const tool of doc.tools) {
    if (tool.binding.kind !== "http" || tool.binding.source !== sourceId) continue;
    for (const p of tool.binding.params) {
      if (p.env === undefined) continue;
      const key = `${p.in} parameter ${p.name} from env ${p.env}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const f of tool.binding.body?.fields ?? []) {
      if (f.env === undefined) continue;
      const key = `body field ${f.name} from env ${f.env}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].map(([key, n]) => `${key} (${n} tool${n === 1 ? "" : "s"}; never an argument)`);
}
