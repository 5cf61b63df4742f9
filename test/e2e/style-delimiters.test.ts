import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Every OpenAPI style x explode x location, called with values holding the style's own delimiters, `%`, `&`, `#`,
 * `;`, spaces, non-ASCII and CR/LF, and read back from what a real upstream received as the style's rules read it
 * (split at the delimiters as sent, then percent-decoded where the location is). Each value either arrives as
 * itself or is refused before anything is sent; none arrives as something else. Refused: a member holding the
 * separator that no encoding tells apart (a header's `,` and an exploded header object's key `=`, which headers send
 * as they are; the space of `spaceDelimited`, encoded `%20` as its delimiter is; the `.` of exploded label style),
 * CR/LF and non-ASCII in headers, and an exploded cookie object (its keys would be cookie names).
 */

type Value = string | string[] | Record<string, string>;
type Location = "path" | "query" | "header" | "cookie";
interface Slot {
  in: Location;
  style: string;
  explode: boolean;
  /** The parameter's name (and argument). */
  name: string;
}

const PATH_STYLES = ["simple", "label", "matrix"];
const SLOTS: Slot[] = [
  ...PATH_STYLES.flatMap((style) =>
    [false, true].map((explode): Slot => ({ in: "path", style, explode, name: "v" })),
  ),
  ...[
    ["form", "f"],
    ["spaceDelimited", "s"],
    ["pipeDelimited", "p"],
    ["deepObject", "d"],
  ].flatMap(([style, short]) =>
    [false, true].map(
      (explode): Slot => ({ in: "query", style: style!, explode, name: `${short}${explode ? "x" : ""}` }),
    ),
  ),
  { in: "header", style: "simple", explode: false, name: "hs" },
  { in: "header", style: "simple", explode: true, name: "hsx" },
  { in: "cookie", style: "form", explode: false, name: "cf" },
  { in: "cookie", style: "form", explode: true, name: "cfx" },
];

const VALUES: Value[] = [
  "a,b",
  "v1.2",
  "a;b=c",
  "a|b c",
  "100%25 & #x",
  "café",
  "a\r\nb",
  ["a,b", "c"],
  ["1.2", "3"],
  ["a;b", "c=d"],
  ["a|b", "c"],
  ["a b", "c"],
  ["50%", "&#"],
  ["é", "x"],
  ["a\nb"],
  { "k,1": "v" },
  { k: "v,1" },
  { "k=1": "v" },
  { "k.1": "v.2" },
  { k: "a b" },
  { k: "%&#;é" },
];

const SCHEMA = `{ anyOf: [{ type: string }, { type: array, items: { type: string } }, { type: object, additionalProperties: { type: string } }] }`;

function operation(slot: Slot, index: number): string {
  const path = slot.in === "path" ? `/op${index}/{v}` : `/op${index}`;
  return `  ${path}:
    get:
      operationId: op${index}
      parameters:
        - { name: ${slot.name}, in: ${slot.in}, required: ${slot.in === "path"}, style: ${slot.style}, explode: ${slot.explode}, schema: ${SCHEMA} }
      responses: { "200": { description: ok } }
`;
}

const SPEC = `openapi: 3.1.0
info: { title: Styles, version: "1" }
paths:
${SLOTS.map(operation).join("")}`;

const MANIFEST = `catalog: styles
env:
  ST_URL: { type: url, description: "ST_URL." }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: ST_URL }
select: [{ all: true }]
`;

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const src = writeTree("style-delimiters", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  served = await serveOverStdio(dir, { ST_URL: upstream.url });
}, 120_000);

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

const dec = decodeURIComponent;
const pairs = (items: string[]): Record<string, string> =>
  Object.fromEntries(
    items
      .map((_, i) => i)
      .filter((i) => i % 2 === 0)
      .map((i) => [items[i], items[i + 1]]),
  );
const keyed = (items: string[], at = "="): Record<string, string> =>
  Object.fromEntries(
    items.map((item) => [item.slice(0, item.indexOf(at)), item.slice(item.indexOf(at) + 1)]),
  );

/** A value of the slot's shape read back from its members as the style joins them. */
function members(kind: "array" | "object", explode: boolean, items: string[], decode: (s: string) => string) {
  if (kind === "array") return items.map(decode);
  return explode
    ? Object.fromEntries(Object.entries(keyed(items)).map(([k, v]) => [decode(k), decode(v)]))
    : Object.fromEntries(Object.entries(pairs(items)).map(([k, v]) => [decode(k), decode(v)]));
}

function shapeOf(value: Value): "primitive" | "array" | "object" {
  return typeof value === "string" ? "primitive" : Array.isArray(value) ? "array" : "object";
}

/** The value as the upstream's request says it, read by the slot's style (RFC 6570 and OpenAPI's style examples). */
function readBack(
  slot: Slot,
  kind: ReturnType<typeof shapeOf>,
  url: string,
  headers: Record<string, unknown>,
): unknown {
  const { explode, name } = slot;
  if (slot.in === "path") {
    let raw = url.split("?")[0]!.split("/")[2]!;
    if (slot.style === "label") raw = raw.slice(1);
    if (slot.style === "matrix") {
      if (kind === "primitive") return dec(raw.slice(`;${name}=`.length));
      if (explode && kind === "array")
        return raw
          .slice(1)
          .split(";")
          .map((p) => dec(p.slice(name.length + 1)));
      if (explode) return members("object", true, raw.slice(1).split(";"), dec);
      return members(kind, false, raw.slice(name.length + 2).split(","), dec);
    }
    if (kind === "primitive") return dec(raw);
    const sep = slot.style === "label" && explode ? "." : ",";
    return members(kind, explode, raw.split(sep), dec);
  }
  if (slot.in === "query") {
    const query = url.split("?")[1] ?? "";
    const parts = query.split("&");
    if (slot.style === "deepObject" && kind !== "primitive") {
      if (kind === "array") return parts.map((p) => dec(p.slice(`${name}[]=`.length)));
      return Object.fromEntries(parts.map((p) => /^[^[]+\[([^\]]*)\]=(.*)$/.exec(p)!.slice(1).map(dec)));
    }
    if (kind === "primitive") return dec(query.slice(name.length + 1));
    if (explode && kind === "array") return parts.map((p) => dec(p.slice(name.length + 1)));
    if (explode && slot.style === "form") return members("object", true, parts, dec);
    const sep = { form: ",", spaceDelimited: "%20", pipeDelimited: "|" }[slot.style]!;
    return members(kind, false, query.slice(name.length + 1).split(sep), dec);
  }
  if (slot.in === "header") {
    const raw = String(headers[name]);
    return kind === "primitive" ? raw : members(kind, explode, raw.split(","), (s) => s);
  }
  const cookies = String(headers.cookie).split("; ");
  if (kind === "primitive") return dec(cookies[0]!.slice(name.length + 1));
  if (explode && kind === "array") return cookies.map((c) => dec(c.slice(name.length + 1)));
  return members(kind, false, cookies[0]!.slice(name.length + 1).split(","), dec);
}

/** The values the rules refuse (see the file's comment); every other value must arrive as itself. */
function refused(slot: Slot, value: Value): boolean {
  const all =
    typeof value === "string" ? [value] : Array.isArray(value) ? value : Object.entries(value).flat();
  const kind = shapeOf(value);
  if (slot.in === "header") {
    if (all.some((m) => /[\r\n]|[^\x00-\x7f]/.test(m))) return true;
    if (kind === "array") return all.some((m) => m.includes(","));
    if (kind === "object")
      return (
        all.some((m) => m.includes(",")) || (slot.explode && Object.keys(value).some((k) => k.includes("=")))
      );
    return false;
  }
  if (slot.in === "cookie") return slot.explode && kind === "object";
  if (slot.style === "label" && slot.explode && kind !== "primitive") return all.some((m) => m.includes("."));
  // Joined by `%20` unless exploded (an object always: only form style explodes one into names of its own).
  if (slot.style === "spaceDelimited" && (kind === "object" || (kind === "array" && !slot.explode)))
    return all.some((m) => m.includes(" "));
  return false;
}

type Result = { isError?: boolean; content?: Array<{ text?: string }> };

describe("every style, explode and location: a value arrives as itself or is refused", () => {
  it.each(SLOTS.map((slot, i) => [`${slot.in} ${slot.style} explode=${slot.explode}`, slot, i] as const))(
    "%s",
    async (_title, slot, index) => {
      const outcomes: string[] = [];
      for (const value of VALUES) {
        const before = upstream.received.length;
        const result = (await served.client.callTool({
          name: `op${index}`,
          arguments: { [slot.name]: value },
        })) as Result;
        const sent = upstream.received.slice(before);
        const label = JSON.stringify(value);
        if (refused(slot, value)) {
          expect(result.isError, `${label}: ${JSON.stringify(result)}`).toBe(true);
          expect(result.content?.[0]?.text, label).toMatch(/argument/);
          expect(sent, label).toEqual([]);
          outcomes.push(`${label} refused`);
          continue;
        }
        expect(result.isError, `${label}: ${JSON.stringify(result)}`).toBeFalsy();
        expect(sent, label).toHaveLength(1);
        const [received] = sent;
        expect(
          readBack(slot, shapeOf(value), received!.url, received!.headers),
          `${label} as ${received!.url}`,
        ).toEqual(value);
        outcomes.push(`${label} sent`);
      }
      expect(outcomes).toHaveLength(VALUES.length);
    },
    120_000,
  );
});
