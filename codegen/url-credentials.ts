import { credentialParameter, secretFormat, secretFormatValues } from "../src/telemetry/redact.js";

/**
 * Credentials a URL written into a catalog would carry (a base URL's default, a server, a token or discovery URL):
 * its userinfo (`https://user:pass@host`) and the parameters of its query or fragment named as a credential holds
 * them (`?api_key=`, `#access_token=`, `X-Amz-Signature`, as `shownValue` withholds them), with a value. A catalog
 * is a generated file: the runtime sends credentials from the source's auth, read from the environment, and a
 * credential in a default lands in catalog.json, the generated code and the packed package. Works on server URL
 * templates too (`?key={key}`): text, not a parsed URL.
 */

/** `scheme://user:pass@` (or `//user@`) at the start of a URL: the authority's text before its last `@`. */
const USERINFO = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)([^/?#]*)@/i;

/** What `url` holds that is a credential, each named by where it is (never by its value); empty when nothing. */
export function urlCredentials(url: string): string[] {
  const found: string[] = [];
  if (USERINFO.test(url)) found.push("a user name or password before its host");
  const { query, fragment } = split(url);
  for (const [where, part] of [
    ["query", query],
    ["fragment", fragment],
  ] as const)
    for (const pair of part?.split("&") ?? [])
      if (credentialPair(pair)) found.push(`the ${where} parameter ${pair.slice(0, pair.indexOf("="))}`);
  return found;
}

/** `url` without its userinfo and without the query and fragment parameters `urlCredentials` names. */
export function withoutUrlCredentials(url: string): string {
  const m = USERINFO.exec(url);
  const { head, query, fragment } = split(m ? `${m[1]}${url.slice(m[0].length)}` : url);
  const kept = (part: string) =>
    part
      .split("&")
      .filter((pair) => pair !== "" && !credentialPair(pair))
      .join("&");
  const q = query === undefined ? "" : kept(query);
  const f = fragment === undefined ? "" : kept(fragment);
  return `${head}${q === "" ? "" : `?${q}`}${f === "" ? "" : `#${f}`}`;
}

/**
 * `name=value` whose name says it holds a credential, with a value; or whose value is written in a known secret's
 * format whatever its name (`?q=sk_live_...`, `secretFormat`).
 */
function credentialPair(pair: string): boolean {
  const eq = pair.indexOf("=");
  if (eq <= 0 || eq === pair.length - 1) return false;
  return credentialParameter(pair.slice(0, eq)) || secretFormat(pair.slice(eq + 1)) !== undefined;
}

/**
 * The known secret format (`secretFormat`: "a Stripe secret key") a URL's host or path holds
 * (`https://api.example.com/sk_live_.../v1`, a Telegram bot token in `/bot<token>/`), or undefined. Unlike a query
 * parameter it cannot be left out (the URL would name another resource): a spec's such server is not used, a
 * manifest's is refused.
 */
export function secretInPath(url: string): string | undefined {
  const m = USERINFO.exec(url);
  return secretFormat(split(m ? `${m[1]}${url.slice(m[0].length)}` : url).head);
}

/** A URL's text before its query, its query and its fragment (without `?` and `#`), those it has. */
function split(url: string): { head: string; query?: string; fragment?: string } {
  const hash = url.indexOf("#");
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf("?");
  return {
    head: q < 0 ? beforeHash : beforeHash.slice(0, q),
    ...(q >= 0 ? { query: beforeHash.slice(q + 1) } : {}),
    ...(hash >= 0 ? { fragment: url.slice(hash + 1) } : {}),
  };
}

/**
 * A value written where a credential goes that only names one (`?api_key=YOUR_API_KEY`, `{token}`, `<key>`,
 * `user:password@`, `xxxx`, `...`): documentation's placeholder, kept in a description as written.
 */
function placeholder(value: string): boolean {
  let v = value;
  try {
    v = decodeURIComponent(value);
  } catch {
    // Read as written.
  }
  return (
    /^(?:\{[^{}]*\}|<[^<>]*>|\[[^[\]]*\]|\$\{?\w+\}?|:\w+|x+|\*+|\.{2,}|…)$/i.test(v) ||
    /^[A-Z]+(?:_[A-Z]+)*$/.test(v) ||
    /your|^(?:my|some|example|sample)[-_]/i.test(v) ||
    /^(?:pass(?:word|wd)?|pwd|secret|token|key|api[-_]?key|changeme|value)$/i.test(v) ||
    documentedExample(v)
  );
}

/** A URL in prose: a scheme and `//`, up to a space, a quote, a bracket or `)` that closes a markdown link. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s<>"'`()[\]{}|\\^]+/gi;

/**
 * The credentials prose holds (a description, a summary, a title a catalog copies into its tools' descriptions,
 * CATALOG.md and the generated code), each named by what it is (never by its value), and the text with each
 * replaced by `[redacted]`: a URL's password (`https://user:pw@host`, a user name alone or a placeholder is kept), a
 * URL's query or fragment parameter named as a credential with a value other than a placeholder
 * (`?api_key=YOUR_KEY` stays), and a value written in a known secret's format anywhere (`sk_live_...`, a Telegram
 * bot token in `/bot<token>/`, a JWT: `withoutSecretFormats`).
 */
export function textCredentials(text: string): { text: string; found: string[] } {
  const found: string[] = [];
  const add = (what: string) => {
    if (!found.includes(what)) found.push(what);
  };
  let out = text;
  if (out.includes("://"))
    out = out.replace(URL_IN_TEXT, (whole) => {
      // A sentence's full stop or comma after the URL is no part of it.
      const url = whole.replace(/[.,;:!?]+$/, "");
      const tail = whole.slice(url.length);
      let kept = url;
      const m = USERINFO.exec(url);
      if (m) {
        const info = m[2] as string;
        const colon = info.indexOf(":");
        const password = colon < 0 ? "" : info.slice(colon + 1);
        if (password !== "" && !placeholder(password)) {
          add("a password in a URL");
          kept = `${m[1]}${info.slice(0, colon)}:[redacted]@${url.slice(m[0].length)}`;
        }
      }
      kept = kept.replace(
        /([?&#;])([^=&#;\s]+)=([^&#;\s]*)/g,
        (pair, sep: string, name: string, value: string) => {
          if (value === "" || value === "[redacted]" || placeholder(value) || !credentialParameter(name))
            return pair;
          add(`the URL parameter ${name}`);
          return `${sep}${name}=[redacted]`;
        },
      );
      return `${kept}${tail}`;
    });
  // A parameter written in prose without its URL (`append ?api_key=...`).
  out = out.replace(
    /([?&])([A-Za-z0-9_.%-]+)=([^&#;\s"'`()<>[\]]*)/g,
    (pair, sep: string, name: string, value: string) => {
      if (value === "" || value === "[redacted]" || placeholder(value) || !credentialParameter(name))
        return pair;
      add(`the URL parameter ${name}`);
      return `${sep}${name}=[redacted]`;
    },
  );
  for (const { value, what } of secretFormatValues(out)) {
    if (documentedExample(value)) continue;
    add(what);
    out = out.split(value).join("[redacted]");
  }
  return { text: out, found };
}

/**
 * A value in a secret's format that is a vendor's or a standard's published example, no one's credential: AWS's
 * documentation key ids (`AKIAIOSFODNN7EXAMPLE`), any value saying `example`, and jwt.io's sample token (its
 * signature `SflKxw...`, in many specs' examples: Scalar's galaxy, the OpenAPI 3.1 corpus), and Google
 * Authenticator's sample TOTP secret `JBSWY3DPEHPK3PXP` (Directus' `otpauth://totp/...?secret=` example).
 */
function documentedExample(value: string): boolean {
  return (
    /example/i.test(value) ||
    value.endsWith(".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c") ||
    value === "JBSWY3DPEHPK3PXP"
  );
}
