import { readFile } from "node:fs/promises";
import type { HandlerContext } from "toolwright/catalog";

/**
 * Where the data plane's session token comes from, as the catalog's `sessionToken` credential reads it:
 * SCALY_OIDC_TOKEN, else the auth store file (SCALY_AUTH_STORE_PATH, default ~/.config/scaly/auth.json), read at
 * each call. The token itself never leaves this module's callers' memory: they report where it came from and when
 * it expires, never its value.
 *
 * The auth store (what `scaly auth login` writes) holds the stage's OIDC token set, in any of these layouts, tried
 * in this order (the manifest's `pointers` list the same places):
 *   { "stages": { "prod": { "id_token": "<JWT>", "access_token": "<JWT>", "refresh_token": "...", ... } } }
 *   { "prod": { ... } }
 *   { "id_token": "<JWT>", ..., "stage": "prod" }
 * In each, `id_token`, then `access_token`, then `session_token` (camelCase spellings too, then `token`). The
 * expiry shown is the token's own `exp` claim.
 */

export type StoreState = "missing" | "unreadable" | "invalid" | "no_token" | "ok";

export interface FoundToken {
  token?: string;
  source: "env" | "file" | null;
  storePath: string;
  store: StoreState;
  /** The stage the auth store says the token belongs to, when it says. */
  storedStage: string | null;
}

export const TOKEN_ENV = "SCALY_OIDC_TOKEN";
export const STORE_ENV = "SCALY_AUTH_STORE_PATH";

const TOKEN_KEYS = [
  "id_token",
  "idToken",
  "access_token",
  "accessToken",
  "session_token",
  "sessionToken",
  "token",
];

/** The token of `stage` in a parsed auth store, in the layouts above; and the stage the store says it is for. */
export function tokenInStore(
  store: Record<string, unknown>,
  stage: string,
): { token?: string; storedStage: string | null } {
  const object = (value: unknown) =>
    value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const stages = object(store.stages);
  const sections: [Record<string, unknown> | undefined, string | null][] = [
    [object(stages?.[stage]), stage],
    [object(store[stage]), stage],
    [store, typeof store.stage === "string" ? store.stage : null],
  ];
  for (const [section, storedStage] of sections) {
    if (!section) continue;
    for (const key of TOKEN_KEYS) {
      const value = section[key];
      if (typeof value === "string" && value.trim() !== "") return { token: value.trim(), storedStage };
    }
  }
  return { storedStage: typeof store.stage === "string" ? store.stage : null };
}

export async function findSessionToken(ctx: Pick<HandlerContext, "env">): Promise<FoundToken> {
  const storePath = ctx.env(STORE_ENV) ?? "";
  const file = await readStore(storePath, ctx.env("SCALY_STAGE") ?? "prod");
  const fromEnv = ctx.env(TOKEN_ENV);
  if (fromEnv) return { token: fromEnv, source: "env", storePath, ...file.meta };
  if (file.token) return { token: file.token, source: "file", storePath, ...file.meta };
  return { source: null, storePath, ...file.meta };
}

async function readStore(
  path: string,
  stage: string,
): Promise<{
  token?: string;
  meta: { store: StoreState; storedStage: string | null };
}> {
  if (path === "") return { meta: { store: "missing", storedStage: null } };
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    return { meta: { store: missing ? "missing" : "unreadable", storedStage: null } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { meta: { store: "invalid", storedStage: null } };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    return { meta: { store: "invalid", storedStage: null } };
  const { token, storedStage } = tokenInStore(parsed as Record<string, unknown>, stage);
  if (token === undefined) return { meta: { store: "no_token", storedStage } };
  return { token, meta: { store: "ok", storedStage } };
}

/** The `exp` claim (seconds since the epoch) of a JWT, without verifying it (the data plane verifies). */
export function expiryOf(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" && Number.isFinite(claims.exp) ? claims.exp : undefined;
  } catch {
    return undefined;
  }
}
