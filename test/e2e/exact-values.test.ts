import { join, relative } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { childEnv } from "../helpers/child-env.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { BIN, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { rawToolCall } from "../helpers/raw-session.js";
import { type RecordingServer, startRecordingServer } from "../helpers/recording-server.js";
import { type Served as ServedHttp, serveHttp } from "../transport/serve-http.js";

/**
 * Values that must not change silently between the upstream and the model: a 64-bit id the upstream writes as a
 * JSON number, a decimal with more digits than a double, an exponent out of range, bytes that are not UTF-8, a
 * charset other than UTF-8. The upstream answers exact bytes; the assertions read what a real MCP client gets,
 * as text and as structuredContent, on the wire (where a JavaScript client's own JSON.parse would round again).
 */

const SPEC = `openapi: 3.0.3
info: { title: Exact, version: "1" }
servers: [{ url: https://exact.example.com }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{ name: id, in: path, required: true, schema: { type: integer, format: int64 } }]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "#/components/schemas/Item" } } }
  /any:
    get:
      operationId: getAny
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object, additionalProperties: true } } }
  /amounts:
    post:
      operationId: postAmount
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, properties: { amount: { type: number }, memo: { type: string } } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object, additionalProperties: true } } }
  /text:
    get:
      operationId: getText
      responses:
        "200": { description: ok, content: { text/plain: { schema: { type: string } } } }
components:
  schemas:
    Item:
      type: object
      properties:
        id: { type: integer, format: int64 }
        owner: { type: integer, format: int64 }
        name: { type: string }
        price: { type: number }
        ids: { type: array, items: { type: integer, format: int64 } }
`;

const BIG = "12345678901234567890"; // above 2^64 even; JSON.parse reads 12345678901234567000
const SNOWFLAKE = "1790000000000000001"; // a 64-bit id; JSON.parse reads 1790000000000000000
const MONEY = "0.1000000000000000055511151231257827"; // more digits than a double keeps

/** What the upstream answers next: exact bytes and a content type. */
let reply: { body: Buffer | string; type: string } = { body: "{}", type: "application/json" };
let upstream: RecordingServer;
let catalog: string;

beforeAll(async () => {
  const dir = writeTree("exact-values", { "openapi.yaml": SPEC });
  const { cat, diags } = await genSpec(
    join(dir, "openapi.yaml"),
    "exact",
    relative(ROOT, tmpDir("exact-values-out")),
  );
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  catalog = join(ROOT, cat!.dir);
  upstream = await startRecordingServer((_req, res) => {
    res.writeHead(200, { "content-type": reply.type });
    res.end(reply.body);
  });
});
afterAll(() => upstream?.close());

function answer(body: Buffer | string, type = "application/json"): void {
  reply = { body, type };
}

type Result = Awaited<ReturnType<Client["callTool"]>>;

function texts(result: Result): string[] {
  return (result.content as { type: string; text?: string }[]).map((c) => c.text ?? "");
}

describe("upstream numbers a double does not hold (stdio, a real client)", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
  });
  afterAll(() => served?.close());

  it("a 64-bit id reaches the model digit for digit, and the output check passes", async () => {
    answer(`{"id":${BIG},"owner":${SNOWFLAKE},"name":"n","price":1.5,"ids":[1,${SNOWFLAKE}]}`);
    const result = await served.client.callTool({ name: "get_item", arguments: { id: 7 } });
    expect(result.isError ?? false).toBe(false);
    expect(texts(result)).toEqual([
      `{"id":${BIG},"owner":${SNOWFLAKE},"name":"n","price":1.5,"ids":[1,${SNOWFLAKE}]}`,
    ]);
    // The client's own JSON.parse rounds structuredContent's numbers; the wire is checked below.
    expect(result.structuredContent).toMatchObject({ name: "n", price: 1.5 });
    expect(served.stderr()).not.toMatch(/drift/);
  });

  it("decimals beyond a double, exponents out of range and their neighbours are kept as written", async () => {
    answer(
      `{"money":${MONEY},"huge":1e400,"tiny":-1e-400,"plain":0.1,"one":1.0,"big":1.5e300,"neg":-${BIG}}`,
    );
    const result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    // Exact where a double would change the value (1e400 was written as null, -1e-400 as 0); 1.0 is 1.
    expect(texts(result)).toEqual([
      `{"money":${MONEY},"huge":1e400,"tiny":-1e-400,"plain":0.1,"one":1,"big":1.5e+300,"neg":-${BIG}}`,
    ]);
  });

  it("masking replaces an exact number like any value", async () => {
    const masked = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url }, {}, [
      "--mask",
      "owner,ids",
    ]);
    try {
      answer(`{"id":${BIG},"owner":${SNOWFLAKE},"name":"n","ids":[${SNOWFLAKE}]}`);
      const result = await masked.client.callTool({ name: "get_item", arguments: { id: 7 } });
      expect(result.isError ?? false).toBe(false);
      expect(texts(result)).toEqual([`{"id":${BIG},"owner":"••••••","name":"n","ids":["••••••"]}`]);
    } finally {
      await masked.close();
    }
  });
});

describe("structuredContent carries the exact digits on the wire", () => {
  it("stdio: the JSON-RPC line holds the number as the upstream wrote it", async () => {
    answer(`{"id":${BIG},"owner":${SNOWFLAKE},"name":"n"}`);
    const session = await rawToolCall(
      process.execPath,
      [BIN, "serve", catalog],
      childEnv({ EXACT_BASE_URL: upstream.url }),
      ROOT,
      { name: "get_item", arguments: { id: 7 } },
    );
    await session.close();
    const line = session.stdout.split("\n").find((l) => l.includes('"id":3'));
    expect(line).toContain(`"structuredContent":{"id":${BIG},"owner":${SNOWFLAKE},"name":"n"}`);
    expect(line).toContain(`"text":"{\\"id\\":${BIG},\\"owner\\":${SNOWFLAKE},\\"name\\":\\"n\\"}"`);
  });

  describe("HTTP", () => {
    const KEY = "exact-client-key-0123456789";
    let served: ServedHttp;
    beforeAll(async () => {
      served = await serveHttp(
        catalog,
        { EXACT_BASE_URL: upstream.url, TOOLWRIGHT_CLIENT_KEY: KEY },
        { args: ["--http", "--port", "0"] },
      );
    });
    afterAll(async () => {
      expect(await served.stop()).toBe(0);
    });

    it("the response body holds the number as the upstream wrote it", async () => {
      const bodies: string[] = [];
      const client = new Client({ name: "exact", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(served.url), {
          requestInit: { headers: { authorization: `Bearer ${KEY}` } },
          fetch: async (url, init) => {
            const response = await fetch(url, init);
            bodies.push(await response.clone().text());
            return response;
          },
        }),
      );
      answer(`{"id":${BIG},"owner":${SNOWFLAKE},"name":"n"}`);
      const result = await client.callTool({ name: "get_item", arguments: { id: 7 } });
      expect(result.isError ?? false).toBe(false);
      expect(texts(result)).toEqual([`{"id":${BIG},"owner":${SNOWFLAKE},"name":"n"}`]);
      const body = bodies.find((b) => b.includes("structuredContent"));
      expect(body).toContain(`"structuredContent":{"id":${BIG},"owner":${SNOWFLAKE},"name":"n"}`);
      await client.close();
    });
  });
});

describe("upstream text that is not exactly what was sent says so", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
  });
  afterAll(() => served?.close());

  it("bytes that are not UTF-8 are shown as U+FFFD with a note", async () => {
    answer(Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    const result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const [data, note, ...rest] = texts(result);
    expect(JSON.parse(data!)).toEqual({ name: "caf\uFFFD" });
    expect(note).toMatch(/^note: the upstream's body is not valid utf-8: .*U\+FFFD/);
    expect(rest).toEqual([]);
  });

  it("a declared charset is honoured (ISO-8859-1 JSON and text, UTF-16 JSON with its BOM)", async () => {
    const latin1 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    answer(latin1, "application/json; charset=ISO-8859-1");
    let result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual(['{"name":"café"}']);
    answer(Buffer.from([0x63, 0x61, 0x66, 0xe9]), "text/plain; charset=latin1");
    result = await served.client.callTool({ name: "get_text", arguments: {} });
    expect(texts(result)).toEqual(["café"]);
    answer(Buffer.from(`\ufeff{"name":"café ${BIG}"}`, "utf16le"), 'application/json; charset="utf-16"');
    result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([`{"name":"café ${BIG}"}`]);
  });

  it("a charset the server cannot decode is read as UTF-8 with a note", async () => {
    answer('{"name":"x"}', "application/json; charset=x-klingon");
    const result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([
      '{"name":"x"}',
      "note: the upstream's body declares charset x-klingon this server cannot decode; it was read as UTF-8, so its text may not be what the upstream meant",
    ]);
  });

  it("a UTF-8 byte-order mark is dropped; lone surrogates stay escaped; the last of duplicate keys is what every step sees", async () => {
    answer(`\ufeff{"name":"a\\ud800b","id":${BIG}}`);
    let result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([`{"name":"a\\ud800b","id":${BIG}}`]);
    answer(`{"name":"first","name":"second","id":1,"id":${BIG}}`);
    result = await served.client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([`{"name":"second","id":${BIG}}`]);
  });
});

/** JSON.rawJSON: a client's JSON.stringify writes these digits as they are (a JavaScript number cannot hold them). */
const rawJson = (text: string): unknown => (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(text);

describe("arguments a double does not hold are refused, never sent rounded", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
  });
  afterAll(() => served?.close());

  async function refused(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
    const before = upstream.received.length;
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError).toBe(true);
    expect(upstream.received.length).toBe(before);
    return texts(result)[0]!;
  }

  it("stdio: a 64-bit id written as a JSON number is refused naming its digits", async () => {
    const text = await refused(served.client, "get_item", { id: rawJson(BIG) });
    expect(text).toMatch(
      new RegExp(
        `^invalid arguments: id is ${BIG}, a number a double does not hold exactly .*refused rather than sent upstream changed`,
      ),
    );
  });

  it("stdio: a decimal with more digits than a double keeps (money in a body) is refused", async () => {
    const text = await refused(served.client, "post_amount", { amount: rawJson(MONEY), memo: "m" });
    expect(text).toContain(`amount is ${MONEY}, a number a double does not hold exactly`);
    // The same call with a number a double holds reaches the upstream as written.
    answer('{"ok":true}');
    const result = await served.client.callTool({
      name: "post_amount",
      arguments: { amount: 0.1, memo: "m" },
    });
    expect(result.isError ?? false).toBe(false);
    expect(upstream.received.at(-1)?.body.toString()).toBe('{"amount":0.1,"memo":"m"}');
  });

  it("an integer beyond 2^53 that arrived as a double (already rounded, or not) is refused", async () => {
    const text = await refused(served.client, "get_item", { id: 2 ** 53 + 2 });
    expect(text).toMatch(
      /^invalid arguments: id is 9007199254740994, an integer beyond ±2\^53 .*may already have been rounded/,
    );
  });

  it("HTTP: the same id is refused naming its exact digits", async () => {
    const KEY = "exact-args-key-0123456789";
    const http = await serveHttp(
      catalog,
      { EXACT_BASE_URL: upstream.url, TOOLWRIGHT_CLIENT_KEY: KEY },
      { args: ["--http", "--port", "0"] },
    );
    try {
      const client = new Client({ name: "exact", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(http.url), {
          requestInit: { headers: { authorization: `Bearer ${KEY}` } },
        }),
      );
      const text = await refused(client, "get_item", { id: rawJson(SNOWFLAKE) });
      expect(text).toMatch(
        new RegExp(`^invalid arguments: id is ${SNOWFLAKE}, a number a double does not hold exactly`),
      );
      await client.close();
    } finally {
      expect(await http.stop()).toBe(0);
    }
  });
});
