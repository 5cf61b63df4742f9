import { parseRate, type RateLimitConfig, type SourceLimitConfig, setOwn } from "../../src/catalog.js";
import { DEFAULT_PUBLISH } from "../../src/publish/settings.js";
import type { Diagnostics } from "../diagnostics.js";
import type {
  BudgetNode,
  EnvType,
  EnvVarNode,
  LimitsConfig,
  PolicyConfig,
  PublishSettings,
  ResultConfig,
  SourceNode,
  ToolNode,
  TransportConfig,
} from "../ir/types.js";
import type { LoadedDocument } from "../load/document.js";
import type { LimitSpec, Manifest } from "../manifest/types.js";
import { re2Source } from "../normalize/patterns.js";

/** Keys a key/value write refuses by default: they look like credentials. */
export const DEFAULT_SECRET_KEY_PATTERN =
  "(secret|token|passw(or)?d|pwd|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key|signing[_-]?key|session[_-]?key|cert(ificate)?[_-]?key)";

export const DEFAULT_CONFIRM_TTL_SECONDS = 300;
export const DEFAULT_PORT = 8765;

class EnvChecker {
  constructor(
    private readonly env: EnvVarNode[],
    private readonly doc: LoadedDocument,
    private readonly diags: Diagnostics,
  ) {}

  /** The env name, after checking it is declared with one of the expected types. */
  check(name: string | undefined, pointer: string, types: EnvType[]): string | undefined {
    if (name === undefined) return undefined;
    const declared = this.env.find((e) => e.name === name);
    if (!declared) {
      this.diags.error("TW111", `${name} is not declared under env:`, this.doc.ref(pointer));
      return undefined;
    }
    if (!types.includes(declared.type)) {
      this.diags.error(
        "TW110",
        `${name} must be declared as ${types.join(" or ")} (it is ${declared.type})`,
        this.doc.ref(pointer),
      );
    }
    return name;
  }

  /**
   * A setting serve reads only from the environment (who may call, from where, and the confirmation signing key:
   * 9738469): a `default:` on its variable would be ignored, so it is an error located at that default.
   */
  noDefault(name: string | undefined, setting: string): void {
    const declared = name === undefined ? undefined : this.env.find((e) => e.name === name);
    if (declared?.default === undefined) return;
    this.diags.error(
      "TW110",
      `${declared.name} has a default, but ${setting} is read only from the environment: a value every reader of the manifest knows cannot decide who may call or sign confirmations, so serve ignores it`,
      this.doc.ref(`#/env/${declared.name}/default`, true),
      `remove default: from ${declared.name}; the operator sets it (or serve's flag)`,
    );
  }

  /** Env variables used together in a way that cannot work, located at `pointer`. */
  conflict(message: string, pointer: string, fix: string): void {
    this.diags.error("TW110", message, this.doc.ref(pointer), fix);
  }
}

function ref(name: string | undefined) {
  return name ? { env: name } : undefined;
}

type PolicySpec = NonNullable<Manifest["policy"]>;

export function bindPolicy(
  manifest: Manifest,
  env: EnvVarNode[],
  tools: ToolNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
): PolicyConfig {
  const p = manifest.policy ?? {};
  const c = new EnvChecker(env, doc, diags);
  checkDeniedTools(p.denied_tools?.tools ?? [], tools, doc, diags);
  const pattern = p.secret_key_pattern ?? DEFAULT_SECRET_KEY_PATTERN;
  const problem = secretKeyPatternProblem(pattern);
  if (problem)
    diags.error(
      "TW135",
      `policy.secret_key_pattern: ${problem}`,
      doc.ref("#/policy/secret_key_pattern"),
      "Write an ECMA-262 pattern valid with the u flag, without lookarounds or backreferences (it runs on RE2).",
    );
  const policy = declaredPolicy(p, pattern, c);
  c.noDefault(p.confirmation?.secret_env, "policy.confirmation.secret_env");
  return { ...policySwitches(p, c), ...policy };
}

/**
 * Why the secret-like key pattern cannot be served, if it cannot. It is tested on keys callers write, so the
 * runtime runs it on RE2 only (src/patterns/matcher.ts), read as JavaScript reads it with the `i` and `u` flags:
 * a pattern RE2 cannot express (a lookaround, a backreference) would call every key secret-like there.
 */
function secretKeyPatternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, "iu");
  } catch (e) {
    return (e as Error).message;
  }
  if (pattern === DEFAULT_SECRET_KEY_PATTERN || re2Source(pattern) !== undefined) return undefined;
  return "RE2 cannot express it (a lookaround, a backreference): it is tested on keys callers write, on a linear-time engine only; write it without them";
}

/** Every tool `policy.denied_tools` names exists (by name or alias). */
function checkDeniedTools(
  denied: string[],
  tools: ToolNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
): void {
  denied.forEach((name, i) => {
    if (!tools.some((t) => t.name === name || t.aliases.includes(name))) {
      diags.error(
        "TW115",
        `policy.denied_tools names unknown tool "${name}"`,
        doc.ref(`#/policy/denied_tools/tools/${i}`),
      );
    }
  });
}

/** The policy settings every catalog has: denied tools, the secret key pattern, confirmation and audit. */
function declaredPolicy(
  p: PolicySpec,
  pattern: string,
  c: EnvChecker,
): Pick<PolicyConfig, "deniedTools" | "secretKeyPattern" | "confirmation" | "audit"> {
  return {
    deniedTools: {
      tools: [...(p.denied_tools?.tools ?? [])],
      ...(p.denied_tools?.env
        ? { env: c.check(p.denied_tools.env, "#/policy/denied_tools/env", ["list"]) as string }
        : {}),
    },
    secretKeyPattern: pattern,
    confirmation: {
      ttlSeconds: p.confirmation?.ttl_seconds ?? DEFAULT_CONFIRM_TTL_SECONDS,
      ...(p.confirmation?.mode === "argument" ? { mode: "argument" as const } : {}),
      ...(p.confirmation?.secret_env
        ? {
            secretEnv: c.check(p.confirmation.secret_env, "#/policy/confirmation/secret_env", [
              "string",
            ]) as string,
          }
        : {}),
    },
    audit: {
      enabledByDefault: p.audit?.default ?? true,
      ...(p.audit?.env
        ? { enabledEnv: c.check(p.audit.env, "#/policy/audit/env", ["boolean"]) as string }
        : {}),
      ...(p.audit?.file_env
        ? { fileEnv: c.check(p.audit.file_env, "#/policy/audit/file_env", ["path", "string"]) as string }
        : {}),
    },
  };
}

/** The policy switches a deployment turns on through env vars (read-only, masking, paths, tenant, partner). */
function policySwitches(p: PolicySpec, c: EnvChecker): Partial<PolicyConfig> {
  const at = (key: string) => `#/policy/${key}/env`;
  const readOnly = ref(c.check(p.read_only?.env, at("read_only"), ["boolean"]));
  const mask = ref(c.check(p.mask_values?.env, at("mask_values"), ["boolean"]));
  const allowed = ref(c.check(p.allowed_paths?.env, at("allowed_paths"), ["list"]));
  const deniedPaths = ref(c.check(p.denied_paths?.env, at("denied_paths"), ["list"]));
  if (allowed && deniedPaths && allowed.env === deniedPaths.env)
    c.conflict(
      `policy.allowed_paths and policy.denied_paths read the same env ${allowed.env}: every allowed path would be denied (deny wins)`,
      at("denied_paths"),
      "give denied_paths its own env variable",
    );
  const tenant = ref(c.check(p.tenant?.env, at("tenant"), ["string", "enum"]));
  const partner = ref(c.check(p.partner?.env, at("partner"), ["string", "enum"]));
  return {
    ...(readOnly ? { readOnly } : {}),
    ...(mask ? { maskValues: mask } : {}),
    ...(allowed ? { allowedPaths: allowed } : {}),
    ...(deniedPaths ? { deniedPaths } : {}),
    ...(tenant ? { tenant } : {}),
    ...(partner ? { partner } : {}),
  };
}

export function bindTransport(
  manifest: Manifest,
  env: EnvVarNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
): TransportConfig {
  const t = manifest.transport ?? {};
  const c = new EnvChecker(env, doc, diags);
  const selectEnv = c.check(t.env, "#/transport/env", ["enum", "string"]);
  const httpValues = t.http_values ?? ["http"];
  const sseValues = t.sse_values ?? [];
  const selector = env.find((e) => e.name === selectEnv);
  if (selector?.type === "enum") {
    for (const [key, values] of [
      ["http_values", httpValues],
      ["sse_values", sseValues],
    ] as const) {
      for (const v of values) {
        if (!selector.values?.includes(v))
          diags.error(
            "TW110",
            `transport.${key}: "${v}" is not a value of ${selector.name}`,
            doc.ref(`#/transport/${key}`),
          );
      }
    }
  }
  for (const v of sseValues) {
    if (!httpValues.includes(v))
      diags.error(
        "TW110",
        `transport.sse_values: "${v}" is not one of http_values (HTTP+SSE is served beside Streamable HTTP)`,
        doc.ref("#/transport/sse_values"),
      );
  }
  const hostEnv = c.check(t.host?.env, "#/transport/host/env", ["string"]);
  const portEnv = c.check(t.port?.env, "#/transport/port/env", ["integer"]);
  const opt = (k: string, v: string | undefined, types: EnvType[]) => {
    const name = c.check(v, `#/transport/${k}`, types);
    c.noDefault(name, `transport.${k}`);
    return name ? { [k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())]: name } : {};
  };
  return {
    ...(selectEnv ? { selectEnv } : {}),
    httpValues: [...httpValues],
    ...(sseValues.length > 0 ? { sseValues: [...sseValues] } : {}),
    host: t.host?.default ?? "127.0.0.1",
    ...(hostEnv ? { hostEnv } : {}),
    port: t.port?.default ?? DEFAULT_PORT,
    ...(portEnv ? { portEnv } : {}),
    ...opt("allowed_hosts_env", t.allowed_hosts_env, ["list"]),
    ...opt("public_url_env", t.public_url_env, ["url", "string"]),
    ...opt("authorization_servers_env", t.authorization_servers_env, ["list"]),
    ...opt("bearer_env", t.bearer_env, ["string"]),
    requiredScopes: [...(t.required_scopes ?? [])],
  } as TransportConfig;
}

export function bindResult(manifest: Manifest): ResultConfig {
  return { envelope: manifest.result?.envelope ?? "plain" };
}

/**
 * `limits:`: rates per principal, per tool (`*` for the rest) and per source, each with an optional env override,
 * and a concurrency per source. Unknown tools or sources, undeclared env and malformed rates are located errors.
 */
export function bindLimits(
  manifest: Manifest,
  env: EnvVarNode[],
  tools: ToolNode[],
  sources: SourceNode[],
  doc: LoadedDocument,
  diags: Diagnostics,
): LimitsConfig | undefined {
  const spec = manifest.limits;
  if (!spec) return undefined;
  const c = new EnvChecker(env, doc, diags);
  const one = (limit: LimitSpec, at: string): RateLimitConfig => {
    const rate = limit.rate === undefined ? undefined : parseRate(limit.rate);
    if (limit.rate !== undefined && !rate) {
      diags.error(
        "TW165",
        `"${limit.rate}" is not a rate like 100/1m (calls per window)`,
        doc.ref(`${at}/rate`),
      );
    }
    const envName = c.check(limit.env, `${at}/env`, ["string"]);
    return { ...(rate ? { rate } : {}), ...(envName ? { env: envName } : {}) };
  };
  const toolLimits: Record<string, RateLimitConfig> = {};
  for (const [name, limit] of Object.entries(spec.tools ?? {})) {
    const at = `#/limits/tools/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (name !== "*" && !tools.some((t) => t.name === name)) {
      diags.error("TW165", `limits.tools names unknown tool "${name}"`, doc.ref(at));
    }
    setOwn(toolLimits, name, one(limit, at)); // a manifest's key may be `__proto__`
  }
  const sourceLimits: Record<string, SourceLimitConfig> = {};
  for (const [id, limit] of Object.entries(spec.sources ?? {})) {
    const at = `#/limits/sources/${id}`;
    if (!sources.some((source) => source.id === id)) {
      diags.error("TW165", `limits.sources names unknown source "${id}"`, doc.ref(at));
    }
    const concurrencyEnv = c.check(limit.concurrency_env, `${at}/concurrency_env`, ["integer"]);
    setOwn(sourceLimits, id, {
      ...one(limit, at),
      ...(limit.concurrency !== undefined ? { concurrency: limit.concurrency } : {}),
      ...(concurrencyEnv ? { concurrencyEnv } : {}),
    });
  }
  return {
    ...(spec.principal ? { principal: one(spec.principal, "#/limits/principal") } : {}),
    tools: toolLimits,
    sources: sourceLimits,
  };
}

/** `publish:`, on top of the defaults bare specs get too. */
export function bindPublish(manifest: Manifest): PublishSettings {
  const p = manifest.publish ?? {};
  return {
    depth: p.schema_depth ?? DEFAULT_PUBLISH.depth,
    bytes: p.schema_bytes ?? DEFAULT_PUBLISH.bytes,
    outputBytes: p.output_schema_bytes ?? DEFAULT_PUBLISH.outputBytes,
    output: p.output_schemas ?? DEFAULT_PUBLISH.output,
    // `auto` (or nothing written) starts from full; generate may choose concise (`ir.autoDescriptions`).
    descriptions: p.descriptions === "concise" ? "concise" : DEFAULT_PUBLISH.descriptions,
    // Written only when chosen (absent: `instructions`).
    ...(p.common_arguments === "per-tool" ? { commonArguments: "per-tool" as const } : {}),
    // Written only when it is not the default (`inline`, which `default` names too): catalogs without it publish
    // whatever profile is the runtime's default.
    ...(p.schema_profile === "refs" || p.schema_profile === "portable" ? { profile: p.schema_profile } : {}),
  };
}

/** `budget:`, with where each limit is written (for the message when generate goes over it). */
export function bindBudget(manifest: Manifest, doc: LoadedDocument): BudgetNode {
  const b = manifest.budget ?? {};
  return {
    ...(b.context_tokens !== undefined
      ? { contextTokens: { limit: b.context_tokens, at: doc.ref("#/budget/context_tokens") } }
      : {}),
    ...(b.list_bytes !== undefined
      ? { listBytes: { limit: b.list_bytes, at: doc.ref("#/budget/list_bytes") } }
      : {}),
    ...(b.tools !== undefined ? { tools: { limit: b.tools, at: doc.ref("#/budget/tools") } } : {}),
  };
}
