import type { CustomHandler } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";
import { expiryOf, findSessionToken, STORE_ENV, TOKEN_ENV } from "./lib/session-token.js";

/**
 * scaly_auth_status: what the database, storage and logs tools will find when they look for a session token,
 * and (with verify) what the data plane says about it. The token is looked up exactly where the catalog's
 * credential reads it, and never returned: only its source, expiry and the data plane's verdict.
 */

type Args = ToolTypes["scaly_auth_status"]["input"];
type Output = ToolTypes["scaly_auth_status"]["output"];

const LOGIN =
  "run `scaly auth login` (npx -y @occam-scaly/scaly-cli auth login; no restart needed), or set SCALY_OIDC_TOKEN";

const authStatus: CustomHandler<Args, ToolTypes> = async (args, ctx) => {
  const found = await findSessionToken(ctx);
  const stage = ctx.env("SCALY_STAGE") ?? "prod";
  const out: Output = {
    present: found.token !== undefined,
    source: found.source,
    auth_store_path: found.storePath,
    auth_store: found.store,
    stage,
    stored_stage: found.storedStage,
    expires_at: null,
    expires_in_sec: null,
    expired: false,
    verified: null,
  };
  if (found.token === undefined) {
    out.problem =
      found.store === "missing"
        ? `no session token: ${TOKEN_ENV} is not set and ${found.storePath} does not exist`
        : found.store === "no_token"
          ? `no session token: ${found.storePath} holds no token for stage ${stage}`
          : `no session token: ${found.storePath} is ${found.store === "invalid" ? "not a JSON object" : "not readable"} (${STORE_ENV} names another file)`;
    out.next = `To use the database, storage and logs tools, ${LOGIN}.`;
    return { data: out };
  }

  const exp = expiryOf(found.token);
  if (exp !== undefined) {
    const inSec = exp - Math.floor(Date.now() / 1000);
    out.expires_at = new Date(exp * 1000).toISOString();
    out.expires_in_sec = Math.max(0, inSec);
    out.expired = inSec <= 0;
  }
  if (found.storedStage !== null && found.source === "file" && found.storedStage !== stage) {
    out.problem = `the auth store holds a token for stage ${found.storedStage}, but SCALY_STAGE is ${stage}`;
  }
  if (out.expired) {
    out.problem = `the session token expired at ${out.expires_at}`;
    out.next = `Get a new one: ${LOGIN}.`;
    return { data: out };
  }

  if (args.verify !== false) {
    const session = await ctx.call("scaly_get_session", {});
    if (session.ok) {
      out.verified = true;
      out.session = {
        subject: session.data.subject,
        workspaceId: session.data.workspaceId,
        scope: session.data.scope,
        expiresAt: session.data.expiresAt,
      };
      if (out.expires_at === null) {
        out.expires_at = session.data.expiresAt;
        out.expires_in_sec = session.data.expiresInSec;
      }
    } else if (session.status === 401) {
      out.verified = false;
      out.problem = `the data plane refused the token: ${session.error?.message ?? "401"}`;
    } else {
      out.problem = `the token could not be checked: ${session.error?.message ?? "unknown error"}`;
    }
  }
  out.next =
    out.verified === false
      ? `Get a new session token: ${LOGIN}.`
      : out.problem
        ? `The token is present; ${out.problem}. If the data-plane tools fail, ${LOGIN}.`
        : "The database, storage and logs tools can be used.";
  return { data: out };
};

export default authStatus;
