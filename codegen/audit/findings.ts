import type { CatalogTool, JsonSchema, Safety, SafetyBasis } from "../../src/catalog.js";
import { unscopedPathArgs } from "../../src/policy/path-args.js";
import { propertyPaths } from "../../src/policy/schema-paths.js";
import { lockCoverage } from "../../src/policy/tenant.js";
import { HOST_NAME_LIMIT } from "../bind/catalog.js";
import { safetyOfMethod, safetyRank } from "../bind/classify.js";
import { scanTool } from "../lint/descriptions.js";

/**
 * What a security reviewer should look at in one tool, each with a kind and a severity: `high` where the
 * catalog is weaker than its inputs say it should be (a manifest class below the binding's, a destructive tool
 * without confirmation, instruction-like text), `review` where a decision deserves a second look (a manifest
 * class below the classifier's proposal, result fields named like credentials that are not masked).
 */

export type FindingKind =
  | "weakens-binding"
  | "overrides-classifier"
  | "destructive-without-confirmation"
  | "confirmation-by-argument"
  | "unmasked-credential-fields"
  | "credential-argument"
  | "instruction-like-text"
  | "name-too-long-for-host"
  | "unscoped-path-argument"
  | "unlocked-owner-argument";

export interface Finding {
  tool: string;
  severity: "high" | "review";
  kind: FindingKind;
  message: string;
}

/** How the class was decided, for every tool (catalogs omit the basis when the binding alone decided). */
export interface Classification {
  /** `handler` tools state their class in the manifest; nothing else decides it. */
  decidedBy: "binding" | "classifier" | "manifest" | "handler";
  binding?: Safety;
  proposed?: Safety;
  reasons: string[];
  manifest?: Safety;
}

function bindingBasis(tool: CatalogTool): SafetyBasis | undefined {
  const b = tool.binding;
  if (b.kind === "http") {
    return {
      binding: safetyOfMethod(b.method),
      proposed: safetyOfMethod(b.method),
      reasons: [`${b.method} method`],
    };
  }
  if (b.kind === "graphql") {
    const safety: Safety = b.operationType === "mutation" ? "write" : "read";
    return { binding: safety, proposed: safety, reasons: [`a ${b.operationType}`] };
  }
  return undefined;
}

export function classificationOf(tool: CatalogTool): Classification {
  const basis = tool.safetyBasis ?? bindingBasis(tool);
  if (!basis) return { decidedBy: "handler", reasons: [], manifest: tool.safety };
  const decidedBy =
    basis.manifest !== undefined ? "manifest" : basis.proposed !== basis.binding ? "classifier" : "binding";
  return {
    decidedBy,
    binding: basis.binding,
    proposed: basis.proposed,
    reasons: [...basis.reasons],
    ...(basis.manifest !== undefined ? { manifest: basis.manifest } : {}),
  };
}

/** A manifest class below the binding's is a finding; below the classifier's proposal, one to review. */
function classFindings(tool: CatalogTool, c: Classification): Finding[] {
  if (c.manifest === undefined || c.binding === undefined || c.proposed === undefined) return [];
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

/** Names that refer to or count credentials rather than hold one (`secret_policy_id`, `api_key_count`). */
const REFERENCE =
  /(?:^|[_-])(?:ids?|count|at|type|types|names?|policy|policies|version|length|expires?|status)$/i;

/** Types no credential is written in: a flag, a count, a nested object (its members are checked by name). */
const NOT_A_VALUE = new Set(["boolean", "integer", "number", "object", "null"]);

/** Formats of values that are not credentials (times and dates). */
const NOT_A_SECRET_FORMAT = new Set(["date", "date-time", "time", "duration"]);

/**
 * Whether a field's schema allows a value a credential could be written in: a string (or a value of unknown kind,
 * or an array of such) that is not one of a fixed set of values (`enum`, `const`: "read"/"write", "enabled") and not
 * a date. GitHub's `secret_scanning` (an object), `permissions.secrets` (`read` or `write`) and
 * `send_secrets_and_variables` (a flag) are named like credentials and hold none.
 */
export function couldHoldCredential(schema: unknown, defs: Record<string, JsonSchema>, depth = 0): boolean {
  if (depth > 16 || schema === null || typeof schema !== "object") return schema !== false;
  let s = schema as JsonSchema;
  for (let hops = 0; typeof s.$ref === "string" && s.$ref.startsWith("#/$defs/") && hops < 16; hops++) {
    const name = s.$ref.slice("#/$defs/".length);
    const target = Object.hasOwn(defs, name) ? defs[name] : undefined;
    if (target === undefined) return true;
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  for (const key of ["anyOf", "oneOf"] as const)
    if (Array.isArray(s[key]) && !(s[key] as unknown[]).some((b) => couldHoldCredential(b, defs, depth + 1)))
      return false;
  if (Array.isArray(s.allOf) && (s.allOf as unknown[]).some((b) => !couldHoldCredential(b, defs, depth + 1)))
    return false;
  if (Array.isArray(s.enum) || Object.hasOwn(s, "const")) return false;
  if (typeof s.format === "string" && NOT_A_SECRET_FORMAT.has(s.format)) return false;
  const types =
    typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : undefined;
  if (types === undefined) return true;
  if (types.includes("string")) return true;
  if (types.includes("array")) return s.items === undefined || couldHoldCredential(s.items, defs, depth + 1);
  return !types.every((t) => NOT_A_VALUE.has(t));
}

/**
 * Dot paths of output properties whose names look like credentials and whose schemas could hold one (`defs`: the
 * catalog's schema table).
 */
export function secretLookingFields(
  schema: JsonSchema | undefined,
  pattern: RegExp,
  defs: Record<string, JsonSchema> = {},
): string[] {
  return propertyPaths(
    schema,
    (key, field) => pattern.test(key) && !REFERENCE.test(key) && couldHoldCredential(field, defs),
    defs,
  );
}

/**
 * Argument names that hold a credential (the whole name, an `x-` prefix allowed): `api_key`, `X-Api-Key`,
 * `token`, `client_secret`, `password`. Tokens that are not credentials (`page_token`, `confirmation_token`) and
 * names that refer to one (`api_key_id`) do not match.
 */
const CREDENTIAL_ARG =
  /^(?:x[_-])?(?:api[_-]?key|apikey|api[_-]?token|access[_-]?token|auth[_-]?token|bearer[_-]?token|session[_-]?token|refresh[_-]?token|secret[_-]?key|client[_-]?secret|private[_-]?key|token|secret|password|passwd)$/i;

/** Top-level arguments that look like credentials by name or by `format: password`. */
export function credentialArguments(tool: CatalogTool, defs: Record<string, JsonSchema> = {}): string[] {
  const properties = (tool.inputSchema as { properties?: Record<string, JsonSchema> }).properties ?? {};
  return Object.entries(properties)
    .filter(([name, schema]) => CREDENTIAL_ARG.test(name) || formatOf(schema, defs) === "password")
    .map(([name]) => name);
}

function formatOf(schema: JsonSchema, defs: Record<string, JsonSchema>): unknown {
  const ref = (schema as { $ref?: string }).$ref;
  const target = ref?.startsWith("#/$defs/") ? defs[ref.slice("#/$defs/".length)] : schema;
  return (target as { format?: unknown } | undefined)?.format;
}

/** Whether a masked path (with `*`) covers a field path, as a prefix. */
function covers(masked: string, field: string): boolean {
  const m = masked.split(".");
  const f = field.split(".");
  if (m.length > f.length) return false;
  return m.every((segment, i) => segment === "*" || f[i] === "*" || segment === f[i]);
}

export function toolFindings(
  tool: CatalogTool,
  c: Classification,
  pattern: RegExp | undefined,
  schemas: Record<string, JsonSchema> = {},
  confirmationMode: "token" | "argument" = "token",
): Finding[] {
  const p = tool.policy;
  const out = classFindings(tool, c);
  const finding = (severity: Finding["severity"], kind: FindingKind, message: string) =>
    out.push({ tool: tool.name, severity, kind, message });
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
  for (const arg of credentialArguments(tool, schemas))
    finding(
      "high",
      "credential-argument",
      `argument ${arg} looks like a credential the model would have to supply (and see); send it from an env variable instead: sources.<id>.param_env: { ${arg}: NAME } or args: { ${arg}: { env: NAME } }`,
    );
  const unscoped = unscopedPathArgs(tool, schemas);
  if (unscoped.length > 0)
    finding(
      "high",
      "unscoped-path-argument",
      `takes path-like arguments no scope fact covers (${unscoped.join(", ")}): while a path list is set the tool is not listed and is refused; add scoped_path, scoped_list or scoped_values, or not_paths for names that hold no path`,
    );
  for (const f of scanTool(tool, schemas))
    finding("high", "instruction-like-text", `${f.field} ${f.reason} (instruction-like or hidden text)`);
  return out;
}

/** Names (and aliases) that pass the hosts' 64-character limit once a host puts one of these prefixes before them. */
export function nameFindings(tool: CatalogTool, prefixes: readonly string[]): Finding[] {
  const out: Finding[] = [];
  for (const name of [tool.name, ...tool.aliases]) {
    const over = prefixes.filter((prefix) => prefix.length + name.length > HOST_NAME_LIMIT);
    if (over.length === 0) continue;
    out.push({
      tool: tool.name,
      severity: "review",
      kind: "name-too-long-for-host",
      message: `"${name}" (${name.length} characters) passes ${HOST_NAME_LIMIT} with the host prefix ${over.map((p) => `"${p}"`).join(", ")}; hosts refuse or cut such a tool (naming.max_length sets the budget)`,
    });
  }
  return out;
}

/**
 * With a tenant (partner) lock configured: arguments named like the data's owner that no lock checks
 * (`/repos/{owner}` beside `tenant_arg: org`, an `account_id`, a `target_org`), one finding per tool, to review.
 */
export function lockFindings(
  tools: readonly CatalogTool[],
  locks: { tenant: boolean; partner: boolean },
): (tool: CatalogTool) => Finding[] {
  const coverage = [
    ...(locks.tenant ? [lockCoverage(tools, "tenant", (t) => t.policy.tenantArg)] : []),
    ...(locks.partner ? [lockCoverage(tools, "partner", (t) => t.policy.partnerArg)] : []),
  ];
  const which = [locks.tenant ? "tenant_arg" : "", locks.partner ? "partner_arg" : ""].filter(
    (x) => x !== "",
  );
  return (tool) => {
    if (coverage.length === 0) return [];
    const properties = Object.keys((tool.inputSchema as { properties?: object }).properties ?? {});
    const unchecked = properties.filter(
      (arg) => coverage.some((c) => c.ownerNamed(tool, arg)) && !coverage.some((c) => c.checks(tool, arg)),
    );
    if (unchecked.length === 0) return [];
    return [
      {
        tool: tool.name,
        severity: "review",
        kind: "unlocked-owner-argument",
        message: `arguments named like an owner that the lock does not check: ${unchecked.join(", ")}; if one names the locked ${which.map((w) => w.replace("_arg", "")).join(" or ")}, declare it as this tool's ${which.join(" or ")} (its name is then locked in every tool)`,
      },
    ];
  };
}
