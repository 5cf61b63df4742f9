import { credentialParameter, secretFormat } from "../src/telemetry/redact.js";

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
