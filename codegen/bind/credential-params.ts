import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import type { OperationNode, OperationParam, SecuritySchemeInfo } from "../normalize/openapi/model.js";

/**
 * Parameter names that carry a credential wherever they appear (compared without case, `-`, `_` and `.`): a model
 * argument holding one lets the model (or text injected into its context) call the upstream as another identity
 * than the one the operator configured. Names that only refer to a token (`pageToken`, `nextToken`, `token_type`,
 * `clientToken`, `api_key_id`) do not match: the whole name is compared. A header may carry a vendor prefix
 * (`X-RapidAPI-Key`, `X-Postmark-Server-Token`, `X-Amz-Security-Token`, `WM_SEC.ACCESS_TOKEN`); a query parameter
 * may not (`appendApiKey` is a flag).
 */
const CREDENTIAL_NAMES = [
  "apikey",
  "apisecret",
  "apitoken",
  "appkey",
  "apptoken",
  "accesstoken",
  "oauthtoken",
  "authtoken",
  "bearertoken",
  "securitytoken",
  "servertoken",
  "accounttoken",
  "privatetoken",
  "clientsecret",
  "secretkey",
  "authorization",
];
const EXACT = new Set([...CREDENTIAL_NAMES, ...CREDENTIAL_NAMES.map((n) => `x${n}`)]);

/** `key` and `token` are credentials only when the spec says so (`key` is often a resource's key, a map key). */
const SAYS_API_KEY = /\bapi[\s_-]?key\b/i;
const SAYS_AUTH_TOKEN =
  /\b(?:(?:access|auth|authentication|api|bearer|oauth2?|session|personal|login)[\s_-]?token|authenticat\w*)\b/i;
const SAYS_JSONP = /\bjsonp\b/i;

/**
 * The spec's apiKey scheme whose slot (same place, same name) a parameter is, as the reason it is never a model
 * argument: that scheme's credential fills it, from the operator's configuration only.
 */
export function schemeSlotReason(
  p: Pick<OperationParam, "name" | "in">,
  schemes: Readonly<Record<string, SecuritySchemeInfo>>,
): string | undefined {
  if (p.in === "path") return undefined;
  const slot = Object.entries(schemes).find(
    ([, s]) =>
      s.kind === "apiKey" &&
      s.in === p.in &&
      (p.in === "header" ? s.name.toLowerCase() === p.name.toLowerCase() : s.name === p.name),
  );
  return slot
    ? `the slot of the spec's apiKey security scheme ${JSON.stringify(slot[0])}, filled by its credential only`
    : undefined;
}

/**
 * Why a parameter is never a model argument, or undefined when it may be one: a credential by its name (or, for
 * `key` and `token`, by its description), or JSONP's `callback` (the answer is then a script, not JSON).
 */
export function credentialReason(p: Pick<OperationParam, "name" | "in" | "description">): string | undefined {
  if (p.in === "path") return undefined;
  const squeezed = p.name.toLowerCase().replace(/[-_.]/g, "");
  const text = p.description ?? "";
  if (
    EXACT.has(squeezed) ||
    (p.in === "header" && CREDENTIAL_NAMES.some((n) => squeezed.endsWith(n))) ||
    (squeezed === "key" && SAYS_API_KEY.test(text)) ||
    (squeezed === "token" && SAYS_AUTH_TOKEN.test(text))
  )
    return "a credential: the model could call the upstream as another identity than the configured one";
  if (p.in === "query" && (squeezed === "jsonp" || (squeezed === "callback" && SAYS_JSONP.test(text))))
    return "JSONP: with it the answer is a script, not JSON";
  return undefined;
}

/**
 * The parameters left out as credentials, gathered per source so that a spec whose every operation declares them
 * (Google's `key`, `access_token`, `oauth_token`) gives one located info diagnostic per source, not one per tool.
 */
export class LeftOutCredentials {
  private readonly bySource = new Map<
    string,
    { at: SourceRef; params: Map<string, { reason: string; count: number }> }
  >();

  add(op: OperationNode, p: OperationParam, reason: string): void {
    let source = this.bySource.get(op.sourceId);
    if (!source) {
      source = { at: op.source, params: new Map() };
      this.bySource.set(op.sourceId, source);
    }
    const key = `${p.in} parameter ${JSON.stringify(p.name)}`;
    const seen = source.params.get(key);
    if (seen) seen.count++;
    else source.params.set(key, { reason, count: 1 });
  }

  /** One info diagnostic per source naming each parameter, why, and how many operations declare it. */
  report(diags: Diagnostics): void {
    for (const [sourceId, { at, params }] of this.bySource) {
      const each = [...params]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, { reason, count }]) => `${key} (${count} operation${count === 1 ? "" : "s"}: ${reason})`);
      diags.info(
        "TW144",
        `source "${sourceId}": ${each.length === 1 ? "a parameter is" : `${each.length} parameters are`} never a model argument: ${each.join("; ")}. To send one, bind it to an env variable (sources.${sourceId}.param_env or a tool's args: { <name>: { env: VAR } })`,
        at,
      );
    }
  }
}
