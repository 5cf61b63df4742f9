import type {
  CatalogDocument,
  LimitsConfig,
  PublishSettings,
  Rate,
  RateLimitConfig,
  SourceLimitConfig,
  TransportConfig,
} from "../../src/catalog.js";
import { publishSettings } from "../../src/publish/settings.js";
import type { Change } from "./change.js";
import { liftedFromFormat1 } from "./format1.js";

/**
 * What serving over HTTP asks of a client, compared: the static key's env, OAuth (its authorization servers' env,
 * its required scopes), the default bind address, the legacy SSE transport. Losing a way clients authenticate, a
 * scope or the loopback bind widens who can call; the others are said, not counted as widening.
 */
export function compareTransport(
  before: TransportConfig | undefined,
  after: TransportConfig | undefined,
  out: Change[],
): void {
  const change = (kind: string, detail: string, widens: boolean) =>
    out.push({ subject: "catalog", kind, detail, widens });
  const envs: [string, string | undefined, string | undefined, boolean][] = [
    // A removed way to authenticate clients: the server may start with none over loopback, or with the other.
    ["HTTP client key env", before?.bearerEnv, after?.bearerEnv, true],
    ["HTTP authorization servers env", before?.authorizationServersEnv, after?.authorizationServersEnv, true],
    ["HTTP allowed hosts env", before?.allowedHostsEnv, after?.allowedHostsEnv, false],
    ["HTTP public URL env", before?.publicUrlEnv, after?.publicUrlEnv, false],
    ["transport selector env", before?.selectEnv, after?.selectEnv, false],
    ["HTTP host env", before?.hostEnv, after?.hostEnv, false],
    ["HTTP port env", before?.portEnv, after?.portEnv, false],
  ];
  for (const [label, x, y, removalWidens] of envs) {
    if (x === y) continue;
    const kind =
      y === undefined ? `${label} removed` : x === undefined ? `${label} added` : `${label} renamed`;
    change(kind, `${x ?? "none"} -> ${y ?? "none"}`, removalWidens && y === undefined);
  }
  const scopes = new Set(after?.requiredScopes ?? []);
  const dropped = (before?.requiredScopes ?? []).filter((s) => !scopes.has(s));
  if (dropped.length > 0) change("required OAuth scopes removed", dropped.join(", "), true);
  const had = new Set(before?.requiredScopes ?? []);
  const added = [...scopes].filter((s) => !had.has(s));
  if (added.length > 0) change("required OAuth scopes added", added.join(", "), false);
  if ((before?.host ?? "127.0.0.1") !== (after?.host ?? "127.0.0.1"))
    change(
      "default HTTP bind address changed",
      `${before?.host ?? "127.0.0.1"} -> ${after?.host ?? "127.0.0.1"}`,
      loopback(before?.host) && !loopback(after?.host),
    );
  if ((before?.port ?? 0) !== (after?.port ?? 0))
    change("default HTTP port changed", `${before?.port ?? "none"} -> ${after?.port ?? "none"}`, false);
  // The selector's values that serve Streamable HTTP: which value a deployment sets to serve over HTTP (what it asks of
  // a client is compared above); a value that also serves legacy SSE is said with it below.
  const http = (t: TransportConfig | undefined) =>
    [...(t?.httpValues ?? [])]
      .filter((v) => !(t?.sseValues ?? []).includes(v))
      .sort()
      .join(", ") || "none";
  if (http(before) !== http(after))
    change(
      "HTTP transport values changed",
      `${after?.selectEnv ?? "selector"}: ${http(before)} -> ${http(after)}`,
      false,
    );
  const sse = (t: TransportConfig | undefined) => new Set(t?.sseValues ?? []);
  const sseBefore = sse(before);
  const sseNew = [...sse(after)].filter((v) => !sseBefore.has(v));
  if (sseNew.length > 0)
    change(
      "legacy HTTP+SSE transport selectable",
      `${after?.selectEnv ?? "selector"}=${sseNew.join(", ")}`,
      true,
    );
}

function loopback(host: string | undefined): boolean {
  const h = host ?? "127.0.0.1";
  return h === "localhost" || h === "::1" || h.startsWith("127.");
}

/**
 * Rate and concurrency limits, compared: a limit lifted or raised (more calls per second, more requests in flight)
 * widens what a caller (or every caller together) can make the upstream do; one added or lowered narrows it. An env
 * that replaces a limit at run time, added, removed or renamed, is said.
 */
export function compareLimits(
  before: CatalogDocument["limits"],
  after: CatalogDocument["limits"],
  out: Change[],
): void {
  const entries = (l: LimitsConfig | undefined): Map<string, SourceLimitConfig> => {
    const map = new Map<string, SourceLimitConfig>();
    if (l?.principal) map.set("per caller", l.principal);
    for (const [name, spec] of Object.entries(l?.tools ?? {}))
      map.set(name === "*" ? "per tool (default)" : `tool ${name}`, spec);
    for (const [id, spec] of Object.entries(l?.sources ?? {})) map.set(`source ${id}`, spec);
    return map;
  };
  const was = entries(before);
  const now = entries(after);
  for (const key of [...new Set([...was.keys(), ...now.keys()])].sort()) {
    const x = was.get(key);
    const y = now.get(key);
    compareRate(key, x, y, out);
    const cx = x?.concurrency;
    const cy = y?.concurrency;
    if (cx !== cy)
      out.push({
        subject: "catalog",
        kind: `concurrency limit ${cy === undefined ? "removed" : cx === undefined ? "added" : "changed"}`,
        detail: `${key}: ${cx ?? "none"} -> ${cy ?? "none"}`,
        widens: cy === undefined || (cx !== undefined && cy > cx),
      });
    for (const [label, ex, ey] of [
      ["rate env", x?.env, y?.env],
      ["concurrency env", x?.concurrencyEnv, y?.concurrencyEnv],
    ] as const) {
      if (ex === ey) continue;
      out.push({
        subject: "catalog",
        kind: `${label} ${ey === undefined ? "removed" : ex === undefined ? "added" : "renamed"}`,
        detail: `${key}: ${ex ?? "none"} -> ${ey ?? "none"}`,
        widens: false,
      });
    }
  }
}

function compareRate(
  key: string,
  x: RateLimitConfig | undefined,
  y: RateLimitConfig | undefined,
  out: Change[],
) {
  const rx = x?.rate;
  const ry = y?.rate;
  if (rx?.calls === ry?.calls && rx?.perSeconds === ry?.perSeconds) return;
  const perSecond = (r: Rate) => r.calls / r.perSeconds;
  out.push({
    subject: "catalog",
    kind: `rate limit ${ry === undefined ? "removed" : rx === undefined ? "added" : "changed"}`,
    detail: `${key}: ${rx ? shownRate(rx) : "none"} -> ${ry ? shownRate(ry) : "none"}`,
    widens: ry === undefined || (rx !== undefined && perSecond(ry) > perSecond(rx)),
  });
}

function shownRate(r: Rate): string {
  return `${r.calls}/${r.perSeconds}s`;
}

/** The confirmation token's lifetime: a longer one leaves a previewed call open to run for longer. */
export function compareConfirmationTtl(before: CatalogDocument, after: CatalogDocument, out: Change[]): void {
  const x = before.policy?.confirmation.ttlSeconds;
  const y = after.policy?.confirmation.ttlSeconds;
  if (x === y || x === undefined || y === undefined) return;
  out.push({
    subject: "catalog",
    kind: "confirmation token lifetime changed",
    detail: `${x}s -> ${y}s`,
    widens: y > x,
  });
}

/**
 * How every tool's result is shaped (`result.envelope`): `plain` data, or `{"success":...,"data":...}`. A client
 * or prompt reading one shape misreads the other; it lets no call do more, so it does not widen.
 */
export function compareEnvelope(before: CatalogDocument, after: CatalogDocument, out: Change[]): void {
  const x = before.result?.envelope ?? "plain";
  const y = after.result?.envelope ?? "plain";
  if (x !== y)
    out.push({ subject: "catalog", kind: "result envelope changed", detail: `${x} -> ${y}`, widens: false });
}

/** A profile as published: absent and `default` name `inline` (`src/publish/profiles.ts`). */
const profileOf = (p: PublishSettings) =>
  p.profile === undefined || p.profile === "default" ? "inline" : p.profile;

/**
 * How tools/list publishes the catalog (manifest `publish:`), each setting where it changed: the descriptions
 * (`full` or `concise`), output schemas (`full`, `compact` or `none`), the schema budget (references followed,
 * bytes of an input and of a compact output schema), where shared arguments are described, the schema profile.
 * They change what the model is shown, never what a call may do: the runtime validates every call and result
 * against the whole schemas (a schema past the budget is published open, never narrower), so none widens. Settings
 * absent from an older catalog read as the defaults (`publishSettings`). `serve --output`/`--schema-profile` may
 * still override the output and profile at run time. A catalog lifted from format 1 recorded none: not compared.
 */
export function comparePublish(before: CatalogDocument, after: CatalogDocument, out: Change[]): void {
  // A format-1 catalog recorded none (it published every schema whole): nothing to compare.
  if (liftedFromFormat1(before) || liftedFromFormat1(after)) return;
  const x = publishSettings(before);
  const y = publishSettings(after);
  const settings: [string, string | number, string | number, string][] = [
    ["descriptions", x.descriptions, y.descriptions, "the text of tools and schemas the model reads"],
    ["output schemas", x.output, y.output, "the result schemas clients are given"],
    ["schema depth", x.depth, y.depth, "named-schema references expanded from a tool's root"],
    ["schema bytes", x.bytes, y.bytes, "the most bytes of one published input schema"],
    ["output schema bytes", x.outputBytes, y.outputBytes, "the most bytes of one compact output schema"],
    [
      "common arguments",
      x.commonArguments ?? "instructions",
      y.commonArguments ?? "instructions",
      "where arguments many tools share are described",
    ],
    ["schema profile", profileOf(x), profileOf(y), "the JSON Schema form input schemas are published in"],
  ];
  for (const [label, was, now, what] of settings)
    if (was !== now)
      out.push({
        subject: "catalog",
        kind: "publish setting changed",
        detail: `${label}: ${was} -> ${now} (${what}; what the model is shown, not what a call may do)`,
        widens: false,
      });
}
