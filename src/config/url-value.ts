/**
 * URLs compared by value, for the decisions that compare two of them (is the configured base URL the spec's own
 * server, is a redirect still under the base URL's path). Text compared as written told
 * `https://api.example.com:443/v1` from `https://api.example.com/v1`, and so `HTTPS://API.Example.com/v1`,
 * `/v1/../v1` and `/%76%31`: the same server, read as another.
 */

/** The unreserved characters (RFC 3986 2.3): percent-encoded, each is the character itself. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * A path with every percent-encoded unreserved character decoded and every other escape's hex in upper case
 * (RFC 3986 6.2.2.1-2): `/%76%31/%7e` is `/v1/~`, `%2f` is `%2F` (an encoded slash stays one).
 */
export function normalPath(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => {
    const c = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(c) ? c : `%${hex.toUpperCase()}`;
  });
}

/**
 * An http(s) URL's value: WHATWG-parsed (scheme and host in lower case, a host in another script by its IDNA form,
 * an IPv4 or IPv6 literal in its one form, the scheme's default port dropped, dot segments resolved), its path
 * `normalPath`'s without trailing slashes, its query as written. Undefined, so equal to nothing, for text that is no
 * absolute http(s) URL, and for one with userinfo or a fragment: no base URL has them, and none is read as one.
 */
export function urlValue(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username !== "" || url.password !== "" || url.hash !== "" || text.includes("#")) return undefined;
  let path = normalPath(url.pathname);
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  path = path.slice(0, end);
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

/** Whether two texts are the same http(s) URL by value (`urlValue`); never when either is no such URL. */
export function sameUrl(a: string, b: string): boolean {
  const x = urlValue(a);
  return x !== undefined && x === urlValue(b);
}
