import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { answered, answerTo } from "../helpers/json-lines.js";
import { tmpDir } from "../helpers/paths.js";
import { stdioServer } from "../helpers/stdio-server.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { BIN, FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

/**
 * Requests the SDK's schema of their method refuses, answered the same on stdio and on Streamable HTTP: -32602, one
 * line that names the parameter and what is wrong with it, no zod issue dump (tools/list with an object cursor was
 * answered -32603 with one), and the server keeps serving. Raw frames: no client sends these.
 */

interface Case {
  label: string;
  method: string;
  params?: unknown;
  /** What the one-line message must say. */
  says: string;
}

const CASES: Case[] = [
  {
    label: "tools/list, an object cursor",
    method: "tools/list",
    params: { cursor: {} },
    says: "Invalid params for tools/list: params.cursor: expected string, received object",
  },
  {
    label: "tools/call, a number for the name",
    method: "tools/call",
    params: { name: 5, arguments: {} },
    says: "Invalid params for tools/call: params.name: expected string, received number",
  },
  {
    label: "tools/call, no params",
    method: "tools/call",
    says: "Invalid params for tools/call: params: missing",
  },
  {
    label: "tools/call, arguments an array",
    method: "tools/call",
    params: { name: "fixture_echo", arguments: ["x"] },
    says: "Invalid params for tools/call: params.arguments: expected record, received array",
  },
  {
    label: "tools/call, arguments a string",
    method: "tools/call",
    params: { name: "fixture_echo", arguments: "text=x" },
    says: "Invalid params for tools/call: params.arguments: expected record, received string",
  },
  {
    label: "resources/list, a number cursor",
    method: "resources/list",
    params: { cursor: 7 },
    says: "Invalid params for resources/list: params.cursor: expected string, received number",
  },
  {
    label: "resources/read, a number uri",
    method: "resources/read",
    params: { uri: 5 },
    says: "Invalid params for resources/read: params.uri: expected string, received number",
  },
  {
    label: "prompts/get, a number name",
    method: "prompts/get",
    params: { name: 5 },
    says: "Invalid params for prompts/get: params.name: expected string, received number",
  },
  {
    label: "prompts/get, an argument that is no string",
    method: "prompts/get",
    params: { name: "p", arguments: { a: 1 } },
    says: "Invalid params for prompts/get: params.arguments.a: expected string, received number",
  },
  {
    label: "completion/complete, no ref",
    method: "completion/complete",
    params: { argument: { name: "a", value: "b" } },
    says: "Invalid params for completion/complete: params.ref: matches none of its 2 variants",
  },
];

const valid = (id: number) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "fixture_echo", arguments: { text: "still serving" } },
});

function checkAnswer(answer: any, c: Case, id: number) {
  expect(answer, c.label).toMatchObject({ jsonrpc: "2.0", id, error: { code: -32602 } });
  const message: string = answer.error.message;
  expect(message, c.label).toContain(c.says);
  // One line, bounded, no issue list as JSON text and no stack.
  expect(message, c.label).not.toMatch(/[\n[{]|"code"|\bat \S+:\d+/);
  expect(message.length, c.label).toBeLessThan(500);
  expect(answer.error).not.toHaveProperty("data");
}

let catalog: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
});

describe("over stdio", () => {
  it("answers each with -32602 and one clear line, then serves a valid call", async () => {
    const server = stdioServer(BIN, [catalog], {
      PATH: process.env.PATH ?? "",
      HOME: tmpDir("request-errors-home"),
    });
    let stdout = "";
    server.child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    const send = (message: object) => server.child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    const ids: number[] = [];
    for (const [i, c] of CASES.entries()) {
      const id = 10 + i;
      ids.push(id);
      send({ jsonrpc: "2.0", id, method: c.method, ...(c.params !== undefined ? { params: c.params } : {}) });
    }
    // The plain call goes without the SDK's dispatch, the one with `_meta` through it: both are served.
    send(valid(100));
    send({ ...valid(101), params: { ...valid(101).params, _meta: {} } });
    await until(
      () => answered(stdout, [...ids, 100, 101]),
      [server.child.stdout],
      () => `stderr:\n${server.stderr()}\nstdout:\n${stdout}`,
    );
    for (const [i, c] of CASES.entries()) checkAnswer(answerTo(stdout, 10 + i), c, 10 + i);
    for (const id of [100, 101])
      expect(answerTo(stdout, id).result.structuredContent).toEqual({ text: "still serving", length: 13 });
    server.child.stdin.end();
    expect((await server.ended)[0]).toBe(0);
  });
});

describe("over Streamable HTTP", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveHttp(catalog, fixtureEnv());
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
  });

  const post = async (message: object) => {
    const res = await raw(served.url, {
      headers: {
        ...MCP_HEADERS,
        authorization: `Bearer ${FIXTURE_KEY}`,
        "mcp-protocol-version": "2025-11-25",
      },
      body: JSON.stringify(message),
    });
    const body = res.body.startsWith("event:") ? res.body.replace(/^[\s\S]*?data: /, "") : res.body;
    return { status: res.status, answer: JSON.parse(body) };
  };

  it.each(CASES.map((c, i) => ({ ...c, id: 10 + i })))("$label: -32602, one clear line", async (c) => {
    const { answer } = await post({
      jsonrpc: "2.0",
      id: c.id,
      method: c.method,
      ...(c.params !== undefined ? { params: c.params } : {}),
    });
    checkAnswer(answer, c, c.id);
    const after = await post(valid(100));
    expect(after.answer.result.structuredContent).toEqual({ text: "still serving", length: 13 });
  });
});
