import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A path argument that an upstream may read as a `.` or `..` segment once it normalises Unicode (NFKC, as some
 * frameworks do with paths) or converts it to a Windows code page with best-fit mapping (the "WorstFit" attacks:
 * fullwidth `．` `／` `＼`, division slash `∕` and set minus `∖` become `.` `/` `\`) climbs out of the resource the
 * tool names just as `..` would. Such values are refused like `..` and `%2e%2e`, before any request; ordinary text
 * beyond ASCII (and a fullwidth dot inside a segment) is sent, percent-encoded. Refused too: dots followed by spaces
 * or more dots (`.. `, `...`) or by a stream's `:` (`..:x`, `..::$DATA`), which a server that maps paths to files on
 * Windows reads as `..` (Windows drops a name's trailing dots and spaces, and a stream's name after a `:`); a segment
 * with other text (`..config`, `v1.`, `..x:y`) is sent.
 */

const SPEC = `openapi: 3.0.3
info: { title: Files, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /files/{name}/meta:
    get:
      operationId: getFileMeta
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

const { client, upstream } = servedSpec(
  join(writeTree("path-lookalikes", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "files",
  "path-lookalikes-catalog",
  (url) => ({ FILES_BASE_URL: url }),
  (req, res) => sendJson(res, 200, { url: req.url }),
);

const CLIMBS = [
  "\uff0e\uff0e", // fullwidth full stops
  ".\uff0e",
  "\u2025", // two dot leader: NFKC ".."
  "\u2024\u2024", // one dot leaders
  "\ufe52\ufe52", // small full stops
  "%EF%BC%8E%EF%BC%8E", // fullwidth full stops, percent-encoded as UTF-8
  "%E2%80%A5",
  "%25EF%25BC%258E%25EF%25BC%258E", // and encoded twice
  "a\uff0f\uff0e\uff0e\uff0fadmin", // fullwidth solidus around them
  "a\u2215..\u2215admin", // division slash
  "a\u2216..\u2216admin", // set minus
  "a\uff3c..", // fullwidth reverse solidus
  ".. ", // Windows drops a name's trailing dots and spaces: each of these is ".." or "." there
  "..%20",
  "...",
  ". .",
  "a/... /admin",
  "..%2E%20%2e",
  "..:x", // ... and reads what follows a ':' as a stream of that name
  "..::$DATA",
  "a/..%3A%3A$DATA/admin",
  ".. .:$I30",
];

describe("path arguments an upstream may read as dot segments", () => {
  it.each(CLIMBS)("%j is refused before any request", async (name) => {
    upstream().received.length = 0;
    const result = await client().callTool({ name: "get_file_meta", arguments: { name } });
    expect(result.isError).toBe(true);
    expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(
      /^path argument 'name' must not be or contain a '\.' or '\.\.' segment/,
    );
    expect(upstream().received).toEqual([]);
  });

  it.each([
    ["caf\u00e9", "/files/caf%C3%A9/meta"],
    ["\u65e5\u672c\u8a9e", "/files/%E6%97%A5%E6%9C%AC%E8%AA%9E/meta"],
    ["a\uff0eb", "/files/a%EF%BC%8Eb/meta"],
    ["v1\u2024final", "/files/v1%E2%80%A4final/meta"],
    ["..config", "/files/..config/meta"],
    ["v1.", "/files/v1./meta"],
    [" ..", "/files/%20../meta"],
    ["..x:y", "/files/..x%3Ay/meta"],
    [":x", "/files/%3Ax/meta"],
  ])("%j is sent as one segment, percent-encoded", async (name, url) => {
    upstream().received.length = 0;
    const result = await client().callTool({ name: "get_file_meta", arguments: { name } });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(upstream().received.map((r) => r.url)).toEqual([url]);
  });
});
