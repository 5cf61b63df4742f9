/** What the head of a spec `specWith` writes says: its version, title, info.version and one server's URL. */
export interface SpecHead {
  /** `3.1.0` unless given. */
  openapi?: string;
  /** `Api` unless given (a bare spec's catalog is named after it). */
  title?: string;
  /** `1` unless given. */
  version?: string;
  /** `https://api.example.com` unless given. */
  url?: string;
}

/**
 * The text of an OpenAPI spec: a head of four lines (`openapi`, `info`, one server, `paths:`) as `head` says, then
 * `paths` (lines indented two spaces), then `extra` (`components:`...). A spec's lines keep their numbers whatever
 * the head says.
 */
export function specWith(paths: string, extra = "", head: SpecHead = {}): string {
  const { openapi = "3.1.0", title = "Api", version = "1", url = "https://api.example.com" } = head;
  return `openapi: ${openapi}
info: { title: ${title}, version: "${version}" }
servers: [{ url: ${url} }]
paths:
${paths}${extra}`;
}
