import { join, relative } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { childEnv } from "../helpers/child-env.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { BIN, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { rawToolCall } from "../helpers/raw-session.js";
import { type RecordingServer, startRecordingServer } from "../helpers/recording-server.js";
import { servedInBlock } from "../helpers/served-fixture.js";
import { specWith } from "../helpers/spec-text.js";
import { type Served as ServedHttp, serveHttp } from "../transport/serve-http.js";

/**
 * Values that must not change silently between the upstream and the model: a 64-bit id the upstream writes as a
 * JSON number, a decimal with more digits than a double, an exponent out of range, bytes that are not UTF-8, a
 * charset other than UTF-8. The upstream answers exact bytes; the assertions read what a real MCP client gets,
 * as text and as structuredContent, on the wire (where a JavaScript client's own JSON.parse would round again).
 */

const SPEC = specWith(
  `  /items/{id}:
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
  /accounts/{account}/notes:
    post:
      operationId: postNote
      parameters:
        - { name: account, in: path, required: true, schema: { type: integer, format: int64 } }
        - { name: since, in: query, schema: { type: integer, format: int64 } }
        - { name: X-Trace, in: header, schema: { type: integer, format: uint64 } }
        - { name: page, in: query, schema: { type: integer, minimum: 1, maximum: 100 } }
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                owner: { type: integer, format: int64, minimum: 1 }
                ids: { type: array, items: { type: integer, format: int64 } }
                step: { type: integer, format: int64, multipleOf: 10 }
                total: { type: number, format: decimal, minimum: 0, multipleOf: 0.01 }
                text: { type: string }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object, additionalProperties: true } } }
  /text:
    get:
      operationId: getText
      responses:
        "200": { description: ok, content: { text/plain: { schema: { type: string } } } }
`,
  `components:
  schemas:
    Item:
      type: object
      properties:
        id: { type: integer, format: int64 }
        owner: { type: integer, format: int64 }
        name: { type: string }
        price: { type: number }
        ids: { type: array, items: { type: integer, format: int64 } }
`,
  { openapi: "3.0.3", title: "Exact", url: "https://exact.example.com" },
);

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

/** The catalog served over stdio in front of the upstream, connected with the v1 SDK's client. */
async function connectV1(): Promise<ClientV1> {
  const client = new ClientV1({ name: "legacy", version: "1.0.0" });
  await client.connect(
    new StdioV1({
      command: process.execPath,
      args: [BIN, "serve", catalog],
      cwd: ROOT,
      env: childEnv({ EXACT_BASE_URL: upstream.url }),
      stderr: "pipe",
    }),
  );
  return client;
}

/**
 * Serves the catalog over HTTP with client key `key`, connects a v2 client with it as bearer, runs `use`, closes
 * the client; the server is stopped whatever happened and must exit 0.
 */
async function withHttpClient(key: string, use: (client: Client) => Promise<void>): Promise<void> {
  const http = await serveHttp(
    catalog,
    { EXACT_BASE_URL: upstream.url, TOOLWRIGHT_CLIENT_KEY: key },
    { args: ["--http", "--port", "0"] },
  );
  try {
    const client = new Client({ name: "exact", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(http.url), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    await use(client);
    await client.close();
  } finally {
    expect(await http.stop()).toBe(0);
  }
}

describe("upstream numbers a double does not hold (stdio, a real client)", () => {
  const served = servedInBlock(
    () => catalog,
    () => ({ EXACT_BASE_URL: upstream.url }),
  );

  it("a 64-bit id reaches the model digit for digit, and the output check passes", async () => {
    answer(`{"id":${BIG},"owner":${SNOWFLAKE},"name":"n","price":1.5,"ids":[1,${SNOWFLAKE}]}`);
    const result = await served().client.callTool({ name: "get_item", arguments: { id: 7 } });
    expect(result.isError ?? false).toBe(false);
    expect(texts(result)).toEqual([
      `{"id":${BIG},"owner":${SNOWFLAKE},"name":"n","price":1.5,"ids":[1,${SNOWFLAKE}]}`,
    ]);
    // The client's own JSON.parse rounds structuredContent's numbers; the wire is checked below.
    expect(result.structuredContent).toMatchObject({ name: "n", price: 1.5 });
    // A drift line would be written before the call's audit line (the audit step ends the call): once that line
    // has been read from stderr, a drift line would have been too, so this check can fail.
    expect(await served().waitForStderr('"tool":"get_item"')).not.toMatch(/drift/);
  });

  it("decimals beyond a double, exponents out of range and their neighbours are kept as written", async () => {
    answer(
      `{"money":${MONEY},"huge":1e400,"tiny":-1e-400,"plain":0.1,"one":1.0,"big":1.5e300,"neg":-${BIG}}`,
    );
    const result = await served().client.callTool({ name: "get_any", arguments: {} });
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
  it("SDK v1 over stdio validates structuredContent against the published output schema and takes it", async () => {
    // The v1 client checks structuredContent with ajv against the tool's outputSchema (integers published as
    // numbers, format int64 kept): a 64-bit id beyond 2^53 in an int64 field and an array of them pass.
    const client = await connectV1();
    try {
      answer(`{"id":${SNOWFLAKE},"owner":-${SNOWFLAKE},"name":"n","ids":[${SNOWFLAKE},1]}`);
      const result = (await client.callTool({ name: "get_item", arguments: { id: SNOWFLAKE } })) as Result;
      expect(result.isError ?? false).toBe(false);
      expect(texts(result)).toEqual([
        `{"id":${SNOWFLAKE},"owner":-${SNOWFLAKE},"name":"n","ids":[${SNOWFLAKE},1]}`,
      ]);
      expect(result.structuredContent).toMatchObject({ name: "n" });
    } finally {
      await client.close();
    }
  });

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
  const served = servedInBlock(
    () => catalog,
    () => ({ EXACT_BASE_URL: upstream.url }),
  );

  it("bytes that are not UTF-8 are shown as U+FFFD with a note", async () => {
    answer(Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    const result = await served().client.callTool({ name: "get_any", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const [data, note, ...rest] = texts(result);
    expect(JSON.parse(data!)).toEqual({ name: "caf\uFFFD" });
    expect(note).toMatch(/^note: the upstream's body is not valid utf-8: .*U\+FFFD/);
    expect(rest).toEqual([]);
  });

  it("a declared charset is honoured (ISO-8859-1 JSON and text, UTF-16 JSON with its BOM)", async () => {
    const latin1 = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    answer(latin1, "application/json; charset=ISO-8859-1");
    let result = await served().client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual(['{"name":"café"}']);
    answer(Buffer.from([0x63, 0x61, 0x66, 0xe9]), "text/plain; charset=latin1");
    result = await served().client.callTool({ name: "get_text", arguments: {} });
    expect(texts(result)).toEqual(["café"]);
    answer(Buffer.from(`\ufeff{"name":"café ${BIG}"}`, "utf16le"), 'application/json; charset="utf-16"');
    result = await served().client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([`{"name":"café ${BIG}"}`]);
  });

  it("a charset the server cannot decode is read as UTF-8 with a note", async () => {
    answer('{"name":"x"}', "application/json; charset=x-klingon");
    const result = await served().client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([
      '{"name":"x"}',
      "note: the upstream's body declares charset x-klingon this server cannot decode; it was read as UTF-8, so its text may not be what the upstream meant",
    ]);
  });

  it("a UTF-8 byte-order mark is dropped; lone surrogates stay escaped; the last of duplicate keys is what every step sees", async () => {
    answer(`\ufeff{"name":"a\\ud800b","id":${BIG}}`);
    let result = await served().client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([`{"name":"a\\ud800b","id":${BIG}}`]);
    answer(`{"name":"first","name":"second","id":1,"id":${BIG}}`);
    result = await served().client.callTool({ name: "get_any", arguments: {} });
    expect(texts(result)).toEqual([`{"name":"second","id":${BIG}}`]);
  });
});

/** JSON.rawJSON: a client's JSON.stringify writes these digits as they are (a JavaScript number cannot hold them). */
const rawJson = (text: string): unknown => (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(text);

describe("arguments a double does not hold are refused, never sent rounded", () => {
  const served = servedInBlock(
    () => catalog,
    () => ({ EXACT_BASE_URL: upstream.url }),
  );

  async function refused(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
    const before = upstream.received.length;
    const result = await client.callTool({ name, arguments: args });
    expect(result.isError).toBe(true);
    expect(upstream.received.length).toBe(before);
    return texts(result)[0]!;
  }

  it("stdio: an id beyond int64 written as a JSON number is refused naming its digits and the range", async () => {
    const text = await refused(served().client, "get_item", { id: rawJson(BIG) });
    expect(text).toMatch(
      new RegExp(
        `^invalid arguments: id: ${BIG} is outside the int64 range \\(-9223372036854775808 to 9223372036854775807\\)`,
      ),
    );
  });

  it("stdio: a decimal with more digits than a double keeps (money in a body) is refused", async () => {
    const text = await refused(served().client, "post_amount", { amount: rawJson(MONEY), memo: "m" });
    expect(text).toContain(`amount is ${MONEY}, a number a double does not hold exactly`);
    // The same call with a number a double holds reaches the upstream as written.
    answer('{"ok":true}');
    const result = await served().client.callTool({
      name: "post_amount",
      arguments: { amount: 0.1, memo: "m" },
    });
    expect(result.isError ?? false).toBe(false);
    expect(upstream.received.at(-1)?.body.toString()).toBe('{"amount":0.1,"memo":"m"}');
  });

  it("an integer beyond 2^53 that arrived as a double (already rounded, or not) is refused", async () => {
    const text = await refused(served().client, "get_item", { id: 2 ** 53 + 2 });
    expect(text).toMatch(
      /^invalid arguments: id is 9007199254740994, an integer beyond ±2\^53 .*may already have been rounded.*Send it as a string of digits/,
    );
  });

  it("HTTP: the same id is refused naming its exact digits", async () => {
    await withHttpClient("exact-args-key-0123456789", async (client) => {
      const text = await refused(client, "post_amount", { amount: rawJson(SNOWFLAKE), memo: "m" });
      expect(text).toMatch(
        new RegExp(`^invalid arguments: amount is ${SNOWFLAKE}, a number a double does not hold exactly`),
      );
    });
  });
});

/** The upstream's last request: path with query, the one header, the body text. */
function lastRequest() {
  const r = upstream.received.at(-1)!;
  return { url: r.url, trace: r.headers["x-trace"], body: r.body.toString() };
}

describe("64-bit integer arguments: digits as a string reach the upstream as that JSON number", () => {
  const U64 = "18446744073709551615"; // 2^64 - 1

  it("tools/list publishes an integer or its digits, and the catalog says so", async () => {
    const served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
    try {
      const { tools } = await served.client.listTools();
      const note = tools.find((t) => t.name === "post_note")!;
      const props = note.inputSchema.properties as Record<string, Record<string, unknown>>;
      expect(props.account).toMatchObject({
        anyOf: [
          { type: "integer", format: "int64" },
          { type: "string", pattern: "^-?[0-9]+$" },
        ],
      });
      expect(props["X-Trace"]).toMatchObject({
        anyOf: [{ type: "integer" }, { type: "string", pattern: "^[0-9]+$" }],
      });
      // A decimal takes its digits with a point, bounds kept on the number branch.
      expect(props.total).toMatchObject({
        anyOf: [
          { type: "number", description: "Format: decimal.", minimum: 0, multipleOf: 0.01 },
          { type: "string", pattern: "^-?[0-9]+(\\.[0-9]+)?$" },
        ],
      });
      // An integer without a 64-bit format stays a JSON integer.
      expect(props.page).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });
      // Results keep the spec's integer (published widened to number, as before): only inputs take digits.
      const item = tools.find((t) => t.name === "get_item")!;
      expect(JSON.stringify(item.outputSchema)).not.toContain("^-?[0-9]+$");
    } finally {
      await served.close();
    }
  });

  for (const sdk of ["v2", "v1"] as const) {
    it(`stdio, SDK ${sdk}: path, query, header and JSON body carry the exact digits, unquoted`, async () => {
      answer('{"ok":true}');
      const args = {
        account: SNOWFLAKE,
        since: "-9223372036854775808",
        "X-Trace": U64,
        page: 2,
        owner: "9007199254740993",
        ids: ["0042", 7, SNOWFLAKE],
        step: "1234567890123456780",
        total: "12345678901234567.89",
        text: "t",
      };
      let result: Result;
      if (sdk === "v2") {
        const served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
        try {
          result = await served.client.callTool({ name: "post_note", arguments: args });
        } finally {
          await served.close();
        }
      } else {
        const client = await connectV1();
        try {
          result = (await client.callTool({ name: "post_note", arguments: args })) as Result;
        } finally {
          await client.close();
        }
      }
      expect(texts(result)).toEqual(['{"ok":true}']);
      const sent = lastRequest();
      expect(sent.url).toBe(`/accounts/${SNOWFLAKE}/notes?since=-9223372036854775808&page=2`);
      expect(sent.trace).toBe(U64);
      expect(sent.body).toBe(
        `{"owner":9007199254740993,"ids":[42,7,${SNOWFLAKE}],"step":1234567890123456780,"total":12345678901234567.89,"text":"t"}`,
      );
    });
  }

  it("stdio: small integers go as before; an exact JSON number from a client that keeps digits is taken", async () => {
    const served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
    try {
      answer('{"ok":true}');
      let result = await served.client.callTool({
        name: "post_note",
        arguments: { account: 7, owner: 1, ids: [1, 2] },
      });
      expect(result.isError ?? false).toBe(false);
      expect(lastRequest()).toMatchObject({ url: "/accounts/7/notes", body: '{"owner":1,"ids":[1,2]}' });
      // A decimal a double writes the same goes as that number; one it does not, as its digits.
      result = await served.client.callTool({
        name: "post_note",
        arguments: { account: 7, total: "012.50" },
      });
      expect(lastRequest().body).toBe('{"total":12.5}');
      result = await served.client.callTool({
        name: "post_note",
        arguments: { account: 7, total: rawJson("0.10000000000000000000000000000000000001") },
      });
      expect(result.isError ?? false).toBe(true);
      expect(texts(result)[0]).toContain("is not a multiple of 0.01");
      result = await served.client.callTool({
        name: "post_note",
        arguments: { account: 7, total: rawJson("99999999999999999999.99") },
      });
      expect(lastRequest().body).toBe('{"total":99999999999999999999.99}');
      result = await served.client.callTool({
        name: "post_note",
        arguments: { account: rawJson(SNOWFLAKE), owner: 1 },
      });
      expect(result.isError ?? false).toBe(false);
      expect(lastRequest()).toMatchObject({ url: `/accounts/${SNOWFLAKE}/notes`, body: '{"owner":1}' });
      // The answer's id goes back into the next call as the model read it: digits.
      answer(`{"id":${SNOWFLAKE},"name":"n"}`);
      result = await served.client.callTool({ name: "get_item", arguments: { id: SNOWFLAKE } });
      expect(texts(result)).toEqual([`{"id":${SNOWFLAKE},"name":"n"}`]);
      expect(lastRequest().url).toBe(`/items/${SNOWFLAKE}`);
    } finally {
      await served.close();
    }
  });

  it("stdio: out-of-range, bounded and malformed values are refused with their reason, the upstream not called", async () => {
    const served = await serveOverStdio(catalog, { EXACT_BASE_URL: upstream.url });
    try {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ account: "9223372036854775808" }, "account: 9223372036854775808 is outside the int64 range"],
        [
          { account: 1, "X-Trace": "-1" },
          "X-Trace: -1 is outside the uint64 range (0 to 18446744073709551615)",
        ],
        [{ account: 1, owner: "0" }, "owner: 0 is less than the minimum 1"],
        [{ account: 1, step: "1234567890123456781" }, "step: 1234567890123456781 is not a multiple of 10"],
        [
          { account: "12e3" },
          'account: expected an integer: a JSON number, or a string of its digits (such as "9007199254740993"), received "12e3"',
        ],
        [{ account: " 12" }, "account: expected an integer"],
        [{ account: 1.5 }, "account: expected an integer, received 1.5"],
        [{ account: 1, page: "2" }, "page: "],
        [{ account: 1, total: "-0.01" }, "total: -0.01 is less than the minimum 0"],
        [{ account: 1, total: "1.001" }, "total: 1.001 is not a multiple of 0.01"],
        [{ account: 1, total: "1e3" }, "total: expected a number: a JSON number, or a string of its digits"],
      ];
      for (const [args, message] of cases) {
        const before = upstream.received.length;
        const result = await served.client.callTool({ name: "post_note", arguments: args });
        expect(result.isError, JSON.stringify(args)).toBe(true);
        expect(texts(result)[0]).toContain(message);
        expect(upstream.received.length).toBe(before);
      }
    } finally {
      await served.close();
    }
  });

  it("HTTP: a digit string and an exact JSON number reach the upstream as that JSON number", async () => {
    await withHttpClient("exact-digits-key-0123456789", async (client) => {
      answer('{"ok":true}');
      const result = await client.callTool({
        name: "post_note",
        arguments: { account: rawJson(SNOWFLAKE), owner: SNOWFLAKE, ids: [rawJson(SNOWFLAKE)] },
      });
      expect(texts(result)).toEqual(['{"ok":true}']);
      expect(lastRequest()).toMatchObject({
        url: `/accounts/${SNOWFLAKE}/notes`,
        body: `{"owner":${SNOWFLAKE},"ids":[${SNOWFLAKE}]}`,
      });
    });
  });
});
