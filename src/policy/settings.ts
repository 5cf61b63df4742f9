import type { CatalogDocument, CatalogTool, ConfirmationMode, PolicyConfig } from "../catalog.js";
import { type Config, ConfigError } from "../config/config.js";
import { type KeyPattern, linearPattern } from "../patterns/matcher.js";
import { deriveKey } from "./confirm-token.js";
import { unscopedPathArgs } from "./path-args.js";
import { hasAmbiguousCase, parseListEntry, type Scope, type Segments } from "./path-match.js";
import { type NamedMask, namedMask, type RuntimeSwitches, switchedOffTools } from "./switches.js";

/**
 * The policy switches of one catalog, read once at start from the catalog's `policy` section and the env it
 * names. Everything is checked here, and any problem stops the server with a message naming the variable:
 * a deny list with a typo must never come up as "deny nothing". Secret values are never quoted.
 */

export interface Switch {
  env: string;
  on: boolean;
  /** Turned on by a run-time switch (e.g. `--read-only`) rather than by `env`. */
  by?: string;
}

export interface Lock {
  env: string;
  value: string;
}

export interface PolicySettings {
  catalog: string;
  readOnly?: Switch;
  mask?: Switch;
  scope: Scope;
  allowEnv?: string;
  denyEnv?: string;
  tenant?: Lock;
  partner?: Lock;
  /** Denied tool name -> the rule that denies it (the manifest, the catalog's env, `serve --deny/--allow`). */
  deniedTools: ReadonlyMap<string, string>;
  /** Fields masked by name at run time (`serve --mask`), in every tool's results. */
  maskNamed?: NamedMask;
  secretKeyPattern: KeyPattern;
  confirmation: {
    ttlSeconds: number;
    /** HMAC key for confirmation tokens. */
    key: Buffer;
    /** Whether the key comes from the shared secret env (tokens verify on every replica) or is per process. */
    shared: boolean;
    secretEnv?: string;
    /** `token` (elicitation or preview token) or `argument` (a boolean `confirm`). */
    mode: ConfirmationMode;
  };
  audit: { enabled: boolean; env?: string; file?: string; fileEnv?: string };
  /** Key of the audit log's argument fingerprints (same source as the confirmation key). */
  fingerprintKey: Buffer;
}

/** What a catalog generated before policies existed (no `policy` section) gets: no switches, audit on. */
export const DEFAULT_POLICY: PolicyConfig = {
  deniedTools: { tools: [] },
  secretKeyPattern:
    "(secret|token|passw(or)?d|pwd|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key|signing[_-]?key|session[_-]?key|cert(ificate)?[_-]?key)",
  confirmation: { ttlSeconds: 300 },
  audit: { enabledByDefault: true },
};

/** Shortest confirmation secret accepted: it is an HMAC key, and a guessable one would let tokens be forged. */
export const MIN_CONFIRM_SECRET = 16;

/**
 * One key per purpose, bound to the catalog (a secret shared by two catalogs signs different tokens), derived on
 * first use (a token made or checked, an audit line written) so start-up does not load node:crypto. Without a
 * secret, the root is random per process and per purpose: nothing outside the process ever checks these keys.
 */
function lazyKey(catalog: string, purpose: string, secret: string | undefined): () => Buffer {
  let key: Buffer | undefined;
  return () => {
    key ??= deriveKey(
      catalog,
      purpose,
      secret ?? process.getBuiltinModule("node:crypto").randomBytes(32).toString("base64"),
    );
    return key;
  };
}

export function resolvePolicySettings(
  doc: CatalogDocument,
  config: Config,
  switches: RuntimeSwitches = {},
): PolicySettings {
  const policy = doc.policy ?? DEFAULT_POLICY;
  const env = new PolicyEnv(config);

  const readOnly = readOnlyOf(env.bool(policy.readOnly?.env, "read-only"), switches.readOnly);
  const mask = env.bool(policy.maskValues?.env, "masking");
  const allow = env.prefixes(policy.allowedPaths?.env, "allowed paths");
  const deny = env.prefixes(policy.deniedPaths?.env, "denied paths");
  const tenant = env.text(policy.tenant?.env, "tenant lock");
  const partner = env.text(policy.partner?.env, "partner lock");
  const deniedTools = resolveDeniedTools(doc, policy, env);
  // Run-time switches only add to what the catalog denies.
  for (const [name, rule] of switchedOffTools(doc, switches, env.problems))
    if (!deniedTools.has(name)) deniedTools.set(name, rule);
  if (allow || deny)
    denyUnscopedTools(doc, deniedTools, [allow && policy.allowedPaths?.env, deny && policy.deniedPaths?.env]);
  const maskNamed = namedMask(switches.mask, env.problems);
  const secretKeyPattern = compileSecretKeyPattern(policy, env.problems);
  const secretEnv = policy.confirmation.secretEnv;
  const secret = readConfirmationSecret(secretEnv, env, config);
  const audit = resolveAudit(policy, env, config);

  if (env.problems.length > 0) throw new ConfigError(env.problems);

  const confirmationKey = lazyKey(doc.catalog, "confirmation", secret);
  const fingerprintKey = lazyKey(doc.catalog, "audit fingerprint", secret);

  const scope: Scope = {};
  if (allow) scope.allow = allow;
  if (deny) scope.deny = deny;
  const settings: PolicySettings = {
    catalog: doc.catalog,
    scope,
    deniedTools,
    secretKeyPattern,
    confirmation: {
      ttlSeconds: policy.confirmation.ttlSeconds,
      get key() {
        return confirmationKey();
      },
      shared: secret !== undefined,
      ...(secretEnv ? { secretEnv } : {}),
      mode: policy.confirmation.mode ?? "token",
    },
    audit,
    get fingerprintKey() {
      return fingerprintKey();
    },
  };
  if (readOnly) settings.readOnly = readOnly;
  if (mask) settings.mask = mask;
  if (maskNamed) settings.maskNamed = maskNamed;
  if (policy.allowedPaths) settings.allowEnv = policy.allowedPaths.env;
  if (policy.deniedPaths) settings.denyEnv = policy.deniedPaths.env;
  if (tenant) settings.tenant = tenant;
  if (partner) settings.partner = partner;
  return settings;
}

/**
 * Fail closed: while a path list is set, a tool with path-like arguments that no scope fact covers is unavailable
 * (denied, with the lists' env names and those arguments as the rule).
 */
function denyUnscopedTools(
  doc: CatalogDocument,
  deniedTools: Map<string, string>,
  listEnvs: (string | false | undefined)[],
): void {
  const rule = listEnvs.filter(Boolean).join(", ");
  for (const tool of doc.tools) {
    if (deniedTools.has(tool.name)) continue;
    const unscoped = unscopedPathArgs(tool, doc.schemas);
    if (unscoped.length > 0)
      deniedTools.set(tool.name, `${rule} (path arguments without a scope fact: ${unscoped.join(", ")})`);
  }
}

/** The catalog's read-only switch, turned on by the run-time one when it is off (never off when it is on). */
function readOnlyOf(catalog: Switch | undefined, runtime: string | undefined): Switch | undefined {
  if (runtime === undefined || catalog?.on) return catalog;
  return { env: catalog?.env ?? "", on: true, by: runtime };
}

/** Reads the env variables the policy names, each checked for its purpose; every problem is collected. */
class PolicyEnv {
  readonly problems: string[] = [];

  constructor(private readonly config: Config) {}

  declared(env: string | undefined, what: string): env is string {
    if (env === undefined) return false;
    if (this.config.declares(env)) return true;
    this.problems.push(
      `${env}: named by the catalog's policy (${what}) but not declared; regenerate the catalog`,
    );
    return false;
  }

  bool(env: string | undefined, what: string): Switch | undefined {
    if (!this.declared(env, what)) return undefined;
    const value = this.config.get(env);
    if (value !== undefined && typeof value !== "boolean") {
      this.problems.push(`${env}: the catalog declares it as ${typeof value}, but ${what} needs a boolean`);
      return undefined;
    }
    return { env, on: value === true };
  }

  text(env: string | undefined, what: string): Lock | undefined {
    if (!this.declared(env, what)) return undefined;
    const value = this.config.text(env);
    if (value === undefined) return undefined;
    if (/[\u0000-\u001f\u007f]/.test(value) || value.trim() !== value) {
      this.problems.push(`${env}: must not contain control characters or surrounding whitespace`);
      return undefined;
    }
    return { env, value };
  }

  list(env: string | undefined, what: string): readonly string[] | undefined {
    if (!this.declared(env, what)) return undefined;
    const value = this.config.get(env);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.problems.push(`${env}: the catalog declares it as ${typeof value}, but ${what} needs a list`);
      return undefined;
    }
    return value as readonly string[];
  }

  prefixes(env: string | undefined, what: string): Segments[] | undefined {
    const items = this.list(env, what);
    if (items === undefined) return undefined;
    const out: Segments[] = [];
    for (const item of items) {
      const parsed = parseListEntry(item, what === "denied paths" ? "deny" : "allow");
      if (!parsed.ok) this.problems.push(`${env}: item ${JSON.stringify(item)} ${parsed.problem}`);
      else if (parsed.segments.length === 0)
        this.problems.push(
          `${env}: item ${JSON.stringify(item)} names no path (to cover every path, unset it)`,
        );
      else if (what === "denied paths" && hasAmbiguousCase(parsed.segments))
        // A server may fold `straße` to `strasse`: a deny entry must be matchable by plain lower-casing.
        this.problems.push(
          `${env}: item ${JSON.stringify(item)} holds a letter whose upper and lower case do not map one to one (such as ß, İ or ı), which a deny list cannot match reliably; write the prefix without it`,
        );
      else out.push(parsed.segments);
    }
    return out;
  }
}

/** Denied tool name -> the rule that denies it: the manifest's list first, then the env list. */
function resolveDeniedTools(doc: CatalogDocument, policy: PolicyConfig, env: PolicyEnv): Map<string, string> {
  const byName = new Map<string, CatalogTool>();
  for (const tool of doc.tools) for (const name of [tool.name, ...tool.aliases]) byName.set(name, tool);
  const deniedTools = new Map<string, string>();
  for (const name of policy.deniedTools.tools) {
    const tool = byName.get(name);
    if (tool) deniedTools.set(tool.name, "manifest policy.denied_tools");
  }
  const deniedEnv = policy.deniedTools.env;
  for (const name of env.list(deniedEnv, "denied tools") ?? []) {
    const tool = byName.get(name);
    // An unknown name is most likely a typo; starting anyway would leave the intended tool available.
    if (!tool)
      env.problems.push(`${deniedEnv}: ${JSON.stringify(name)} is not a tool of catalog ${doc.catalog}`);
    else if (!deniedTools.has(tool.name)) deniedTools.set(tool.name, `${deniedEnv}`);
  }
  return deniedTools;
}

function compileSecretKeyPattern(policy: PolicyConfig, problems: string[]): KeyPattern {
  try {
    new RegExp(policy.secretKeyPattern, "i");
  } catch {
    problems.push("the catalog's policy.secret_key_pattern is not a valid regular expression; regenerate it");
    return /$^/;
  }
  return secretKeyPattern(policy.secretKeyPattern);
}

/**
 * The manifest's secret-like key pattern, tested on the keys a caller writes and the argument names a preview
 * shows: on RE2 (src/patterns/matcher.ts), made at the first key, so re2js is not loaded at start. One RE2 cannot
 * express (a lookaround, a backreference: generate refuses it, TW135, but an older or hand-edited catalog may
 * hold one) calls every key secret-like: fail closed.
 */
function secretKeyPattern(source: string): KeyPattern {
  return { test: (key) => linearPattern(source, true)?.test(key) ?? true };
}

/** The shared confirmation secret, when its env is declared and set (too short a one is a problem). */
function readConfirmationSecret(
  secretEnv: string | undefined,
  env: PolicyEnv,
  config: Config,
): string | undefined {
  if (!env.declared(secretEnv, "confirmation secret")) return undefined;
  // The operator's value only: a default the catalog declares would be a signing key every reader of it knows.
  const secret = config.isSet(secretEnv) ? config.text(secretEnv) : undefined;
  if (secret !== undefined && secret.length < MIN_CONFIRM_SECRET) {
    env.problems.push(
      `${secretEnv}: must be at least ${MIN_CONFIRM_SECRET} characters (it signs confirmation tokens)`,
    );
  }
  return secret;
}

function resolveAudit(policy: PolicyConfig, env: PolicyEnv, config: Config): PolicySettings["audit"] {
  const auditSwitch = env.bool(policy.audit.enabledEnv, "audit");
  // The switch decides when it has a value (set, or its declared default); otherwise the manifest's default.
  const enabled =
    auditSwitch && config.get(auditSwitch.env) !== undefined ? auditSwitch.on : policy.audit.enabledByDefault;
  const fileEnv = policy.audit.fileEnv;
  const auditFile = env.declared(fileEnv, "audit file") ? config.text(fileEnv) : undefined;
  return {
    enabled,
    ...(auditSwitch ? { env: auditSwitch.env } : {}),
    ...(auditFile !== undefined ? { file: auditFile } : {}),
    ...(fileEnv ? { fileEnv } : {}),
  };
}
