import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "vitest";
import { MAX_LINE_BYTES, withinClientLimit } from "../../src/transports/stdio-bound.js";
import { childEnv } from "../helpers/child-env.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * An answer larger than the SDK clients' stdio reader takes (10 MiB a message: it drops the whole buffer, and the
 * call waits for its timeout) is answered with an error result saying its size instead, and the server keeps
 * serving. A tool result's JSON is in it twice (text block and structuredContent), so a 6 MB upstream body is
 * already too large; a text body just under the upstream response limit (10 MB) too, once its JSON escapes count.
 * Served over stdio to the v2 and the v1 SDK client, in front of a real upstream on 127.0.0.1.
 */

const SPEC = `openapi: 3.0.3
info: { title: Rows, version: "1" }
paths:
  /rows:
    get:
      operationId: listRows
      parameters: [{ name: n, in: query, required: true, schema: { type: integer } }]
      responses:
        "200":
          description: rows
          content:
            application/json:
              schema:
                type: object
                properties:
                  rows: { type: array, items: { type: object, properties: { id: { type: integer }, text: { type: string } } } }
  /log:
    get:
      operationId: getLog
      responses: { "200": { description: the log, content: { text/plain: { schema: { type: string } } } } }
`;

const MANIFEST = `catalog: rows
server: { name: rows }
env:
  ROWS_URL: { type: url, description: Base URL. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: ROWS_URL }
tools:
  list_rows: { from: api#listRows }
  get_log: { from: api#getLog }
`;

/** About 1 KB a row: 6,000 rows are ~6 MB of JSON, twice in one answer. */
const rows = (n: number) => ({
  rows: Array.from({ length: n }, (_, id) => ({ id, text: `row ${id} "quoted" ${"x".repeat(1000)}` })),
});

const fixture = servedFixture(
  "large-results",
  { "cat/tools.yaml": MANIFEST, "cat/api.yaml": SPEC },
  (url) => ({ ROWS_URL: url }),
  (req, res) => {
    if (req.path === "/rows") return sendJson(res, 200, rows(Number(req.query.get("n"))));
    if (req.path === "/log") {
      res.writeHead(200, { "content-type": "text/plain" });
      // Under the upstream response limit (10 MiB); its quotes escaped in the text block, over the line bound.
      return res.end('"'.repeat(6 * 1024 * 1024));
    }
  },
);

type Result = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: unknown };

describe("answers larger than stdio clients read", () => {
  it("a result of 6,000 rows is an error result naming its size, and the next call is answered", async () => {
    const big = (await fixture.served().client.callTool({
      name: "list_rows",
      arguments: { n: 6000 },
    })) as Result;
    expect(big.isError).toBe(true);
    expect(big.structuredContent).toBeUndefined();
    expect(big.content).toHaveLength(1);
    expect(big.content[0]?.text).toMatch(
      /^the answer is 1\d(\.\d)? MiB of JSON, more than stdio clients read in one message \(9\.9 MiB\); it was not sent\. Ask for less/,
    );
    await fixture.served().waitForStderr("was not sent: the answer is");
    // The upstream was asked once, and the server keeps serving: a smaller page comes back whole.
    expect(fixture.upstream().received.filter((r) => r.path === "/rows")).toHaveLength(1);
    const small = (await fixture
      .served()
      .client.callTool({ name: "list_rows", arguments: { n: 2000 } })) as Result;
    expect(small.isError).toBeFalsy();
    expect((small.structuredContent as { rows: unknown[] }).rows).toHaveLength(2000);
  });

  it("a text body whose escapes take it past the bound is answered the same way", async () => {
    const log = (await fixture.served().client.callTool({ name: "get_log", arguments: {} })) as Result;
    expect(log.isError).toBe(true);
    expect(log.content[0]?.text).toContain("more than stdio clients read in one message");
  });

  it("the v1 SDK client gets the error result too, not a dropped message", async () => {
    const transport = new StdioV1({
      command: process.execPath,
      args: [BIN, "serve", fixture.dir()],
      cwd: ROOT,
      env: childEnv({ ROWS_URL: fixture.upstream().url }),
      stderr: "ignore",
    });
    const client = new ClientV1({ name: "v1", version: "1.0.0" });
    await client.connect(transport);
    try {
      await client.listTools();
      const big = (await client.callTool({ name: "list_rows", arguments: { n: 6000 } })) as Result;
      expect(big.isError).toBe(true);
      expect(big.content[0]?.text).toContain("more than stdio clients read in one message");
      const ok = (await client.callTool({ name: "list_rows", arguments: { n: 3 } })) as Result;
      expect((ok.structuredContent as { rows: unknown[] }).rows).toHaveLength(3);
    } finally {
      await client.close();
    }
  });

  it("a line of the bound's size is written as it is; one byte more is answered in its place", () => {
    // The bound leaves one pipe read (64 KiB) under the clients' 10 MiB: a line that fills it still reaches them.
    const lineOf = (bytes: number, result: object) => {
      const shell = `${JSON.stringify({ jsonrpc: "2.0", id: 7, result: { ...result, pad: "" } })}\n`;
      return shell.replace('"pad":""', `"pad":"${"x".repeat(bytes - Buffer.byteLength(shell))}"`);
    };
    const call = { content: [{ type: "text", text: "rows" }] };
    const fits = lineOf(MAX_LINE_BYTES, call);
    expect(Buffer.byteLength(fits)).toBe(MAX_LINE_BYTES);
    expect(withinClientLimit(fits)).toBe(fits);
    expect(JSON.parse(withinClientLimit(lineOf(MAX_LINE_BYTES + 1, call)))).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: {
        content: [
          {
            type: "text",
            text: "the answer is 9.9 MiB of JSON, more than stdio clients read in one message (9.9 MiB); it was not sent. Ask for less: a smaller page, fewer fields, or a narrower filter.",
          },
        ],
        isError: true,
      },
    });
    // Any other answer is a JSON-RPC error under its id; a message that answers nothing is left as it is.
    expect(JSON.parse(withinClientLimit(lineOf(MAX_LINE_BYTES + 1, { tools: [] })))).toEqual({
      jsonrpc: "2.0",
      id: 7,
      error: {
        code: -32603,
        message:
          "the answer is 9.9 MiB of JSON, more than stdio clients read in one message (9.9 MiB); it was not sent",
      },
    });
    const notice = lineOf(MAX_LINE_BYTES + 1, {}).replace('"id":7,', "");
    expect(withinClientLimit(notice)).toBe(notice);
  });
});
