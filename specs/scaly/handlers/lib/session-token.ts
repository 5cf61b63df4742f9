import { readFile } from "node:fs/promises";
import type { HandlerContext } from "toolwright/catalog";

/**
 * Where the data plane's session token comes from, as the catalog's `sessionToken` credential reads it:
 * SCALY_OIDC_TOKEN, else `session_token` in the auth store file (SCALY_AUTH_STORE_PATH, default
 * ~/.config/scaly/auth.json), read at each call. The token itself never leaves this module's callers' memory:
 * they report where it came from and when it expires, never its value.
 *
 * The auth store file (what `scaly auth login` writes):
 *   { "session_token": "<JWT>", "expires_at": "<ISO 8601>", "stage": "prod" }
 * Only `session_token` is required; the expiry shown is the token's own `exp` claim.
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

export async function findSessionToken(ctx: Pick<HandlerContext, "env">): Promise<FoundToken> {
  const storePath = ctx.env(STORE_ENV) ?? "";
  const file = await readStore(storePath);
  const fromEnv = ctx.env(TOKEN_ENV);
  if (fromEnv) return { token: fromEnv, source: "env", storePath, ...file.meta };
  if (file.token) return { token: file.token, source: "file", storePath, ...file.meta };
  return { source: null, storePath, ...file.meta };
}

async function readStore(path: string): Promise<{
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
  const record = parsed as Record<string, unknown>;
  const storedStage = typeof record.stage === "string" ? record.stage : null;
  const token = typeof record.session_token === "string" ? record.session_token.trim() : "";
  if (token === "") return { meta: { store: "no_token", storedStage } };
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
