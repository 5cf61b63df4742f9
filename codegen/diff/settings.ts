import type {
  CatalogDocument,
  LimitsConfig,
  Rate,
  RateLimitConfig,
  SourceLimitConfig,
  TransportConfig,
} from "../../src/catalog.js";
import type { Change } from "./change.js";

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
