import {
  type CatalogTool,
  type HttpParam,
  isExactNumber,
  type JsonSchema,
  type ServerTemplate,
  type Source,
  serverTemplatesOf,
} from "../catalog.js";
import { type NamedMiddleware, onRedirect } from "../chain.js";
import { describeSource } from "../config/values.js";
import { splitWords } from "../telemetry/redact.js";
import { noteApplied, refuse } from "./decision.js";
import { scopedRedirectCheck } from "./path-redirect.js";
import { type BaseUrlOf, type HostCarrier, hostElsewhere, type LockedTemplate } from "./server-tenant.js";
import type { Lock } from "./settings.js";

/**
 * Tenant and partner lock: with the env set, the tool's tenant (partner) argument may only name that tenant; a
 * call that names none acts in it (the argument is filled, so the upstream never falls back to the token's home
 * tenant). The other tenant's id is not repeated in the refusal.
 *
 * The lock holds for every argument that names a tenant, not only the one the manifest declares: a second
 * parameter carrying the tenant (`/orgs/{tenant_id}/...` beside an `X-Tenant` header, a `tenantId` query parameter,
 * a body's `target_tenant`, an argument sent under such a wire name) would otherwise reach another tenant past the
 * lock, and so would a tool whose manifest declares no `tenant_arg` at all. Every such value, at any depth of the
 * arguments (each string of an array), must be the locked one; a call naming another is refused before any request.
 */

interface Locked {
  lock: Lock;
  what: "tenant" | "partner";
  /**
   * The names the manifest declares for the lock (`tenant_arg` of any tool, and the wire name it is sent under),
   * folded by `folded`: an organization locked as `tenant_arg: org` is named `org` everywhere.
   */
  declared: ReadonlySet<string>;
  /** The declared names' cores (`core`): `org`, `org_id`, `organizationId` and `X-Org-ID` all name `organization`. */
  cores: ReadonlySet<string>;
}

/** A name as compared with the declared ones: lower case, letters and digits only (`X-Org`, `x_org`, `xOrg`). */
function folded(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Trailing words that say which form of the thing a name holds, not what it is (`org_id`, `tenantSlug`, Shopify's
 * `shop_domain`, a Zendesk `subdomain`, an Atlassian site's `hostname`).
 */
const FORM_WORDS = new Set([
  "id",
  "ids",
  "slug",
  "slugs",
  "key",
  "keys",
  "uuid",
  "uuids",
  "guid",
  "handle",
  "ref",
  "domain",
  "subdomain",
  "hostname",
]);

/**
 * In a header's name, `name` says the form too: a header is the request's context, so `X-Workspace-Name` names
 * the workspace the call acts in (an argument or body field `workspace_name` may be a new workspace's label).
 */
const HEADER_FORM_WORDS = new Set([...FORM_WORDS, "name"]);

/** Abbreviations and spellings of one word, by the form names are compared in. */
const SPELLINGS: Record<string, string> = {
  org: "organization",
  organisation: "organization",
  acct: "account",
  ws: "workspace",
  proj: "project",
  cust: "customer",
};

/** One word in its compared form: singular (`orgs`), unabbreviated (`org`, `organisation`: organization). */
function spelled(word: string): string {
  const singular = word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
  return SPELLINGS[singular] ?? singular;
}

/**
 * What a name names, without a header's `x-` and trailing form words, each word spelled one way: `org`, `orgs`,
 * `org_id`, `orgId`, `organization_id`, `X-Organisation-Id` are all `organization`; `target_org` is not.
 */
function core(name: string): string {
  let words = splitWords(name);
  if (words.length > 1 && words[0] === "x") words = words.slice(1);
  while (words.length > 1 && FORM_WORDS.has(words[words.length - 1]!)) words = words.slice(0, -1);
  return words.map(spelled).join(" ");
}

/**
 * A header's core without a vendor's words in front (`Stripe-Account`, `OpenAI-Organization`: account,
 * organization), as `x-` is left out: an API names its own headers after itself. The words that say the form come
 * off first, `name` among them (`X-Shopify-Shop-Domain`: shop, `X-Workspace-Name`: workspace, `X-Org-Slug`:
 * organization), so the word left is what the header holds, never its form (every header ending in `Domain`).
 */
function headerCore(name: string): string {
  let words = splitWords(name);
  if (words.length > 1 && words[0] === "x") words = words.slice(1);
  while (words.length > 1 && HEADER_FORM_WORDS.has(words[words.length - 1]!)) words = words.slice(0, -1);
  return spelled(words[words.length - 1] ?? "");
}

/**
 * A name that says only which form of something it holds (`id`, `key`, `slug`, `uuid`, `name`): declared as a
 * tool's lock argument it locks that tool's argument, but it is not the tenant's name elsewhere (`/users/{id}`).
 */
function generic(name: string): boolean {
  const c = core(name);
  return FORM_WORDS.has(c) || c === "name";
}

/** The path segment right before a path parameter's (`/workspaces/{id}`: workspaces), as written; "" if none. */
function pathSegmentBefore(tool: CatalogTool, arg: string): string {
  const binding = tool.binding;
  if (binding.kind !== "http") return "";
  const param = binding.params.find((p) => p.arg === arg && p.in === "path");
  if (!param) return "";
  const segments = binding.path.split("/");
  const at = segments.indexOf(`{${param.name}}`);
  return at > 0 ? segments[at - 1]! : "";
}

/** The literal path segment right before a path parameter (`/workspaces/{id}`: workspaces), if any. */
function segmentBefore(tool: CatalogTool, arg: string): string | undefined {
  const before = pathSegmentBefore(tool, arg);
  return before === "" || before.includes("{") ? undefined : before;
}

/** Members of an object named for the lock that hold its id (`tenant: { id }`); `name` is a label, not the id. */
const ID_MEMBERS = new Set(["id", "slug", "key", "uuid", "handle"]);

/** Whether a name (`tenant_id`, `tenantId`, `X-Tenant`, `targetTenants`) has the word `what` in it. */
function namesLocked(name: string, what: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .some((word) => {
      const w = word.toLowerCase();
      return w === what || w === `${what}s`;
    });
}

/** Why a name names the lock, or undefined: the word in it, or a name the manifest declares for it. */
function lockedName(name: string, locked: Locked): string | undefined {
  if (namesLocked(name, locked.what)) return `its name says ${locked.what}`;
  if (locked.declared.has(folded(name)) || locked.cores.has(core(name)))
    return `it is named like the ${locked.what} argument the manifest declares`;
  return undefined;
}

/**
 * `lockedName`, remembered per lock for names up to `REMEMBERED_NAME` characters, at most `REMEMBERED_NAMES` of
 * them: a tool's argument names come back on every call, and each answer costs a few regular expressions.
 */
const REMEMBERED_NAME = 64;
const REMEMBERED_NAMES = 1024;
const lockedNames = new WeakMap<Locked, Map<string, string | null>>();

function lockedNameOf(name: string, locked: Locked): string | undefined {
  if (name.length > REMEMBERED_NAME) return lockedName(name, locked);
  let known = lockedNames.get(locked);
  if (!known) {
    known = new Map();
    lockedNames.set(locked, known);
  }
  const seen = known.get(name);
  if (seen !== undefined) return seen ?? undefined;
  const why = lockedName(name, locked);
  if (known.size < REMEMBERED_NAMES) known.set(name, why ?? null);
  return why;
}

/**
 * Whether a header names the lock once a vendor's word in front is left out (`Stripe-Account` where the tenant is
 * an account), as `x-` is: an API names its own headers after itself.
 */
function vendorHeaderNamed(wire: { name: string; in?: string }, locked: Locked): string | undefined {
  if (wire.in !== "header") return undefined;
  return locked.cores.has(headerCore(wire.name))
    ? `it is named like the ${locked.what} argument the manifest declares`
    : undefined;
}

/** The wire names of a tool's arguments: parameters (path, query, header, cookie), body fields, GraphQL variables. */
function wireNames(tool: CatalogTool): Array<{ arg: string; name: string; in?: string }> {
  const binding = tool.binding as {
    params?: Array<{ arg: string; name: string; in: string }>;
    body?: { fields?: Array<{ arg: string; name: string }> };
    variables?: Array<{ arg: string; name: string }>;
  };
  return [...(binding.params ?? []), ...(binding.body?.fields ?? []), ...(binding.variables ?? [])];
}

/** The names every tool's declared lock argument has, as an argument and on the wire: folded, and their cores. */
export function declaredNames(
  tools: readonly CatalogTool[],
  argOf: (tool: CatalogTool) => string | undefined,
): { declared: Set<string>; cores: Set<string> } {
  const names = new Set<string>();
  const headerCores = new Set<string>();
  for (const tool of tools) {
    const arg = argOf(tool);
    if (arg === undefined) continue;
    // A generic name (`tenant_arg: id` on `/workspaces/{id}`) is not the tenant's name in other tools (`/users/{id}`):
    // the segment it follows names what it holds (workspaces), and that is the lock's name instead.
    const named = [
      arg,
      ...wireNames(tool)
        .filter((w) => w.arg === arg)
        .map((w) => w.name),
    ];
    if (named.every(generic)) {
      const before = segmentBefore(tool, arg);
      if (before !== undefined) names.add(before);
      continue;
    }
    for (const name of named) if (!generic(name)) names.add(name);
    for (const wire of wireNames(tool)) {
      if (wire.arg === arg && wire.in === "header" && !generic(wire.name))
        headerCores.add(headerCore(wire.name));
    }
  }
  const declared = new Set([...names].map(folded));
  const cores = new Set([...[...names].map(core), ...headerCores]);
  declared.delete("");
  cores.delete("");
  return { declared, cores };
}

/**
 * Arguments sent under a wire name that names the lock (an argument `org` sent as the header `X-Tenant-ID`), and
 * path variables right after a path segment that does (`/orgs/{owner}`, `/tenants/{id}`): the API's own path says
 * what the variable is, whatever it is called.
 */
function wireNamed(tool: CatalogTool, locked: Locked): Map<string, string> {
  const out = new Map<string, string>();
  for (const wire of wireNames(tool))
    if (
      !out.has(wire.arg) &&
      (lockedNameOf(wire.name, locked) ?? vendorHeaderNamed(wire, locked)) !== undefined
    )
      out.set(wire.arg, `it is sent as ${wire.name}`);
  const binding = tool.binding;
  if (binding.kind === "http") {
    const segments = binding.path.split("/");
    for (let i = 1; i < segments.length; i++) {
      const variable = /^\{([^{}]+)\}$/.exec(segments[i]!)?.[1];
      const before = segments[i - 1]!;
      if (variable === undefined || before === "" || before.includes("{")) continue;
      if (lockedNameOf(before, locked) === undefined) continue;
      for (const p of binding.params)
        if (p.in === "path" && p.name === variable && !out.has(p.arg))
          out.set(p.arg, `it follows /${before}/ in the path`);
    }
  }
  return out;
}

/** The dot path of the first value naming another tenant than the lock's, and why it names one; or undefined. */
function otherNamed(
  args: Record<string, unknown>,
  locked: Locked,
  declared: string | undefined,
  wire: Map<string, string>,
): { path: string; why: string } | undefined {
  // [value, path, why it names the lock (undefined: it does not), why its object does]
  const stack: Array<[unknown, string, string | undefined, string | undefined]> = [];
  for (const key of Object.keys(args))
    if (key !== declared) stack.push([args[key], key, lockedNameOf(key, locked) ?? wire.get(key), undefined]);
  while (stack.length > 0) {
    const [value, path, why] = stack.pop()!;
    // A number kept as its digits (an exact number) is compared by them, never walked as an object.
    const scalar = isExactNumber(value)
      ? value.rawJSON
      : typeof value === "string" || typeof value === "number"
        ? String(value)
        : undefined;
    if (why !== undefined && scalar !== undefined && scalar !== locked.lock.value) return { path, why };
    if (scalar !== undefined) continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push([value[i], `${path}[${i}]`, why, undefined]);
    } else if (value !== null && typeof value === "object")
      for (const key of Object.keys(value)) {
        // In an object that names the lock (`tenant: { id }`), the member holding its id names it too.
        const member =
          lockedNameOf(key, locked) ??
          (why !== undefined && ID_MEMBERS.has(key.toLowerCase())
            ? `it is the ${key} of '${path}', which names the ${locked.what}`
            : undefined);
        stack.push([(value as Record<string, unknown>)[key], `${path}.${key}`, member, undefined]);
      }
  }
  return undefined;
}

/** What a lock needs of one tool, found on its first call: its wire-named arguments and its redirect-checked ones. */
interface ToolFacts {
  /** Arguments sent under a wire name that names the lock, with why. */
  wire: Map<string, string>;
  /** Path and query arguments that name the lock (the declared one included): checked again on a redirect. */
  redirectArgs: readonly string[];
  /** Arguments a call that leaves them out gets the locked value in (as its schema takes it). */
  fill: ReadonlyArray<{ arg: string; value: string | number }>;
  /** Parameters sent from an env variable (`param_env`, `args.<name>.env`) that name the lock, with why. */
  bound: ReadonlyArray<{ param: HttpParam; why: string }>;
  /** Its server URL templates (the source's, its operation's own) with variables that name the lock. */
  hosts: readonly HostCarrier[];
  /** Whether the declared lock argument is an argument (not set, or only a variable of the server: false). */
  declaredArg: boolean;
}

/**
 * The arguments a call naming no tenant acts in the locked one through: the declared one, and every required
 * top-level argument that names the lock (a `{org}` path variable of a tool without `tenant_arg`, a required
 * `X-Tenant-ID` header), in the form its schema takes (a number for an integer tenant id). An optional one that
 * is not declared is left out, as the client left it (a filter); its schema decides what absence means.
 */
function fillable(
  tool: CatalogTool,
  locked: Locked,
  declared: string | undefined,
  wire: Map<string, string>,
): Array<{ arg: string; value: string | number }> {
  const schema = tool.inputSchema as { properties?: Record<string, JsonSchema>; required?: string[] };
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const out: Array<{ arg: string; value: string | number }> = [];
  for (const arg of Object.keys(properties)) {
    const names =
      arg === declared || (required.has(arg) && (lockedNameOf(arg, locked) !== undefined || wire.has(arg)));
    if (!names) continue;
    const value = valueFor(properties[arg]!, locked.lock.value);
    if (value !== undefined) out.push({ arg, value });
  }
  return out;
}

/** The locked value in the form a property's schema takes, or undefined when it takes neither form. */
function valueFor(schema: JsonSchema, value: string): string | number | undefined {
  const branches = [schema, ...((schema.anyOf ?? schema.oneOf ?? []) as JsonSchema[])];
  const types = branches.flatMap((b) => (b.type === undefined ? [] : [b.type].flat())) as string[];
  const anyType = branches.every((b) => b.type === undefined);
  if (anyType || types.includes("string")) return value;
  const n = Number(value);
  if (
    (types.includes("integer") || types.includes("number")) &&
    /^-?\d+$/.test(value) &&
    Number.isSafeInteger(n)
  )
    return n;
  return undefined;
}

/** Whether a value is the locked one: strings and numbers by their text, exact numbers by their digits. */
function isLocked(value: unknown, lock: Lock): boolean {
  if (isExactNumber(value)) return value.rawJSON === lock.value;
  return (typeof value === "string" || typeof value === "number") && String(value) === lock.value;
}

/**
 * The server templates of a tool with the variables that name the lock: the declared lock argument when it names
 * one (`tenant_arg: subdomain` for `https://{subdomain}.zendesk.com`), and any named for the lock (`{tenant}`); its
 * source's templates, and its operation's own server's (`https://{tenant}.upload.example.com`). Empty when no
 * variable of any names the lock.
 */
function hostCarriers(
  tool: CatalogTool,
  locked: Locked,
  declared: string | undefined,
  sources: ReadonlyMap<string, Source>,
): HostCarrier[] {
  const binding = tool.binding;
  if (binding.kind !== "http") return [];
  const source = sources.get(binding.source);
  if (source === undefined) return [];
  const naming = (template: ServerTemplate): LockedTemplate => ({
    template,
    variables: template.variables.flatMap(({ name }) => {
      const why =
        name === declared
          ? `the manifest declares it the ${locked.what} argument`
          : lockedNameOf(name, locked) === undefined
            ? undefined
            : `it is named like the ${locked.what}`;
      return why === undefined ? [] : [{ name, why }];
    }),
  });
  const templates = serverTemplatesOf(source).map(naming);
  const own = binding.server;
  // An own server with no variable is a plain one: a fixed host, naming no tenant (as a plain server of the spec).
  const ownTemplate =
    own && own.relative === undefined
      ? naming(own.template ?? { template: own.url, variables: [] })
      : undefined;
  if (ownTemplate) templates.push(ownTemplate);
  if (!templates.some((t) => t.variables.length > 0)) return [];
  return [{ source, templates, ...(own && ownTemplate ? { own: { ...own, template: ownTemplate } } : {}) }];
}

function toolFacts(
  tool: CatalogTool,
  locked: Locked,
  declared: string | undefined,
  sources: ReadonlyMap<string, Source>,
): ToolFacts {
  const wire = wireNamed(tool, locked);
  const binding = tool.binding;
  const properties = (tool.inputSchema as { properties?: Record<string, JsonSchema> }).properties ?? {};
  const hosts = hostCarriers(tool, locked, declared, sources);
  // A declared name that is a variable of the server and no argument is read from the base URL, never filled.
  const declaredArg =
    declared !== undefined &&
    (Object.hasOwn(properties, declared) ||
      !hosts.some((h) => h.templates.some((t) => t.variables.some((v) => v.name === declared))));
  const redirectArgs =
    binding.kind !== "http"
      ? []
      : binding.params
          .filter(
            (p) =>
              (p.in === "path" || p.in === "query") &&
              (p.arg === declared || wire.has(p.arg) || lockedNameOf(p.arg, locked) !== undefined),
          )
          .map((p) => p.arg);
  const bound =
    binding.kind !== "http"
      ? []
      : binding.params.flatMap((param) => {
          const why = param.env === undefined ? undefined : boundNamed(tool, param, locked);
          return why === undefined ? [] : [{ param, why }];
        });
  return {
    wire,
    redirectArgs,
    fill: fillable(tool, locked, declaredArg ? declared : undefined, wire),
    bound,
    hosts,
    declaredArg,
  };
}

/**
 * Why a parameter sent from an env variable names the lock, by its own wire name or the path segment before it
 * (not by its `$env:` key, which every parameter bound to the same variable shares), or undefined.
 */
function boundNamed(tool: CatalogTool, param: HttpParam, locked: Locked): string | undefined {
  if ((lockedNameOf(param.name, locked) ?? vendorHeaderNamed(param, locked)) !== undefined)
    return `it is sent as ${param.name}`;
  const segments = param.in === "path" && tool.binding.kind === "http" ? tool.binding.path.split("/") : [];
  const at = segments.indexOf(`{${param.name}}`);
  const before = at > 0 ? segments[at - 1]! : "";
  return before !== "" && !before.includes("{") && lockedNameOf(before, locked) !== undefined
    ? `it follows /${before}/ in the path`
    : undefined;
}

/**
 * The first parameter of a tool the operator binds to an env variable (`param_env`, `args.<name>.env`) whose
 * value names another tenant than the lock's: the call would act there with no argument saying so. A bound value
 * equal to the locked one, or unset, is fine (an unset required one fails in the executor, naming the variable).
 */
function boundElsewhere(
  known: ToolFacts,
  lock: Lock,
  envText: (name: string) => string | undefined,
): { param: HttpParam; why: string } | undefined {
  return known.bound.find(({ param }) => {
    const value = envText(param.env!);
    return value !== undefined && value !== lock.value;
  });
}

/**
 * The refusal of a call the operator's configuration sends to another tenant (partner) than the lock's: a parameter
 * bound to an env variable naming another, or a base URL whose host (path) holds another where the spec's server
 * template has a variable naming the lock. Neither repeats the other tenant.
 */
function configuredElsewhere(
  ctx: Parameters<NamedMiddleware["run"]>[0],
  locked: Locked,
  known: ToolFacts,
  envText: (name: string) => string | undefined,
  baseUrlOf: BaseUrlOf,
): ReturnType<typeof refuse> | undefined {
  const { lock, what } = locked;
  const bound = boundElsewhere(known, lock, envText);
  if (bound !== undefined) {
    const { param, why } = bound;
    return refuse(
      ctx,
      { policy: `${what}-lock`, rule: lock.env, reason: `another ${what} bound by env` },
      `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and the ${param.in} parameter ${param.name}, which names the ${what} (${why}), is sent from ${param.env}, which names another ${what}; set ${param.env} to ${lock.value} or unbind it, or change ${lock.env} to act elsewhere`,
    );
  }
  for (const carrier of known.hosts) {
    const host = hostElsewhere(carrier, lock.value, baseUrlOf, envText);
    if (host === undefined) continue;
    const { source } = carrier;
    const where = `where the spec's server ${host.template.template} has {${host.name}} (${host.why})`;
    return refuse(
      ctx,
      { policy: `${what}-lock`, rule: lock.env, reason: `another ${what} in the base URL` },
      host.own
        ? `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and the operation's own server, which takes the call while the base URL of source '${source.id}' is the spec's, names another ${what} ${where}; give {${host.name}} the default ${lock.value} in the spec (sources.${source.id}.patch), set ${describeSource(source.baseUrl)} to another URL, or change ${lock.env} to act elsewhere`
        : `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and the base URL of source '${source.id}' names another ${what} ${where}; set ${describeSource(source.baseUrl)} to ${host.instead}, or change ${lock.env} to act elsewhere`,
    );
  }
  return undefined;
}

/**
 * A same-origin redirect of a call whose path or query names the lock (`/orgs/{org}/...`, `?tenant_id=`) is
 * followed only to the same endpoint, with every such value the locked one: an upstream (or an open redirect it
 * offers, `?redirect_to=/orgs/other/...`) must not take a locked call, credentials and all, to another tenant. A
 * target the lock cannot read (another endpoint, an undecodable value) is refused; nothing is asked of it.
 */
function followOnlyInLock(
  ctx: Parameters<NamedMiddleware["run"]>[0],
  locked: Locked,
  redirectArgs: readonly string[],
): void {
  if (redirectArgs.length === 0) return;
  const { lock, what } = locked;
  const refusal = (said: string) =>
    refuse(
      ctx,
      { policy: `${what}-lock`, rule: lock.env, reason: `redirect the ${what} lock cannot follow` },
      `refused by ${lock.env}: ${said}; this server is locked to ${what} ${lock.value}, so the redirect is not followed and nothing was requested there`,
    );
  onRedirect(
    ctx,
    scopedRedirectCheck(
      ctx,
      redirectArgs.map((arg) => ({
        arg,
        check: (value: string) =>
          value === lock.value ? undefined : refusal(`the upstream redirected the call to another ${what}`),
      })),
      (_ctx, said) => refusal(said),
    ),
  );
}

/**
 * The lock's two steps: `fill`, before the arguments are validated, gives a call that names no tenant the locked
 * one (a required tenant argument left out is not an invalid call under a lock: it acts in the locked tenant);
 * `check`, on validated arguments, refuses a call naming another one and follows redirects only within the lock.
 */
export function tenantLockSteps(
  tenant: Lock | undefined,
  partner: Lock | undefined,
  tools: readonly CatalogTool[] = [],
  envText: (name: string) => string | undefined = () => undefined,
  servers: { sources: readonly Source[]; baseUrlOf: BaseUrlOf } = { sources: [], baseUrlOf: () => undefined },
): { fill: NamedMiddleware; check: NamedMiddleware } {
  const sources = new Map(servers.sources.map((source) => [source.id, source]));
  // Each lock set, once: its declared argument per tool, the names the manifest declares for it across the
  // catalog, and per tool the facts it checks (found on the tool's first call).
  const kinds = [
    { lock: tenant, what: "tenant", argOf: (tool: CatalogTool) => tool.policy.tenantArg },
    { lock: partner, what: "partner", argOf: (tool: CatalogTool) => tool.policy.partnerArg },
  ] as const;
  const locks = kinds.flatMap(({ lock, what, argOf }) =>
    lock
      ? [
          {
            lock,
            what,
            argOf,
            ...declaredNames(tools, argOf),
            facts: new WeakMap<CatalogTool, ToolFacts>(),
          },
        ]
      : [],
  );
  const factsOf = (locked: (typeof locks)[number], tool: CatalogTool): ToolFacts => {
    let known = locked.facts.get(tool);
    if (!known) {
      known = toolFacts(tool, locked, locked.argOf(tool), sources);
      locked.facts.set(tool, known);
    }
    return known;
  };
  const fill = fillStep(locks, factsOf);
  const check: NamedMiddleware = {
    name: "tenant-lock",
    idle: () => locks.length === 0,
    async run(ctx, next) {
      for (const locked of locks) {
        const { lock, what } = locked;
        const known = factsOf(locked, ctx.tool);
        const arg = known.declaredArg ? locked.argOf(ctx.tool) : undefined;
        const configured = configuredElsewhere(ctx, locked, known, envText, servers.baseUrlOf);
        if (configured !== undefined) return configured;
        const other = otherNamed(ctx.args, locked, arg, known.wire);
        if (other !== undefined) {
          return refuse(
            ctx,
            { policy: `${what}-lock`, rule: lock.env, reason: `another ${what}` },
            `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and '${other.path}' names another ${what} (${other.why}); leave it unset or name ${lock.value}, or change ${lock.env} to act elsewhere`,
          );
        }
        followOnlyInLock(ctx, locked, known.redirectArgs);
        if (arg === undefined) continue;
        const given = ctx.args[arg];
        if (given === undefined || given === null) {
          ctx.args[arg] = lock.value;
          noteApplied(ctx, `${what}-lock:filled`);
          continue;
        }
        if (!isLocked(given, lock)) {
          return refuse(
            ctx,
            { policy: `${what}-lock`, rule: lock.env, reason: `another ${what}` },
            `refused by ${lock.env}: this server is locked to ${what} ${lock.value} and '${arg}' names another ${what}; leave '${arg}' unset to act in ${lock.value}, or change ${lock.env} to act elsewhere`,
          );
        }
      }
      return next();
    },
  };
  return { fill, check };
}

/** Fills each left-out argument of `ToolFacts.fill` with the locked value, on a copy of the client's arguments. */
function fillStep<L extends { what: string }>(
  locks: readonly L[],
  factsOf: (locked: L, tool: CatalogTool) => ToolFacts,
): NamedMiddleware {
  return {
    name: "tenant-fill",
    idle: (tool) => locks.every((locked) => factsOf(locked, tool).fill.length === 0),
    async run(ctx, next) {
      const raw = ctx.rawArgs ?? {};
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return next();
      let filled: Record<string, unknown> | undefined;
      for (const locked of locks) {
        for (const { arg, value } of factsOf(locked, ctx.tool).fill) {
          const given = (filled ?? (raw as Record<string, unknown>))[arg];
          if (given !== undefined && given !== null) continue;
          filled ??= { ...(raw as Record<string, unknown>) };
          filled[arg] = value;
          noteApplied(ctx, `${locked.what}-lock:filled`);
        }
      }
      // The client's own object is left as it sent it (the audit line shows it, with what the lock filled).
      if (filled) (ctx as { rawArgs: unknown }).rawArgs = filled;
      return next();
    },
  };
}

/** Words that often name who owns the data (the tenant) in APIs: an argument with one the lock misses is reviewed. */
const OWNER_WORDS = new Set([
  "tenant",
  "partner",
  "organization",
  "owner",
  "account",
  "workspace",
  "team",
  "company",
  "customer",
  "namespace",
]);

/** Words that put an owner in a role in a call (`target_org`, `from_account`): still an owner. */
const ROLE_WORDS = new Set([
  "target",
  "source",
  "destination",
  "dest",
  "parent",
  "from",
  "to",
  "new",
  "other",
]);

/**
 * For a catalog locked to a tenant (partner): per tool, the top-level arguments the lock checks, and whether a
 * name has a word that often names the data's owner (`owner`, `account`, `workspace`, or a declared name's word,
 * as in `target_org`). `audit` lists the owner-named arguments no lock checks, for review.
 */
export function lockCoverage(
  tools: readonly CatalogTool[],
  what: "tenant" | "partner",
  argOf: (tool: CatalogTool) => string | undefined,
): { checks(tool: CatalogTool, arg: string): boolean; ownerNamed(tool: CatalogTool, arg: string): boolean } {
  const locked: Locked = { lock: { env: "", value: "" }, what, ...declaredNames(tools, argOf) };
  const words = new Set([...OWNER_WORDS, ...[...locked.cores].flatMap((c) => c.split(" "))]);
  const wires = new WeakMap<CatalogTool, Map<string, string>>();
  return {
    checks(tool, arg) {
      let wire = wires.get(tool);
      if (!wire) {
        wire = wireNamed(tool, locked);
        wires.set(tool, wire);
      }
      return arg === argOf(tool) || wire.has(arg) || lockedNameOf(arg, locked) !== undefined;
    },
    ownerNamed(tool, arg) {
      // The owner itself (`owner`, `account_id`, `X-Workspace`) or one in a role (`target_org`, `parentAccount`);
      // not a thing of its own kind (`service_account_id`, or `{account_id}` in `/service-accounts/{account_id}`).
      const parts = core(arg).split(" ");
      const last = parts[parts.length - 1]!;
      const owner =
        words.has(last) && (parts.length === 1 || (parts.length === 2 && ROLE_WORDS.has(parts[0]!)));
      return owner && !kindInPath(tool, arg, last);
    },
  };
}

/** Whether a path argument follows a segment naming a kind of `word` (`/service-accounts/{account_id}`). */
function kindInPath(tool: CatalogTool, arg: string, word: string): boolean {
  const before = core(pathSegmentBefore(tool, arg)).split(" ");
  return before.length > 1 && before[before.length - 1] === word;
}
