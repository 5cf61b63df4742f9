import { beforeAll, expect, it } from "vitest";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

// A POST to /mcp whose body is not JSON is answered -32700. Before, the body went on to the SDK, which parsed it
// again and reported V8's SyntaxError to the server's onerror, logged as `protocol error: SyntaxError: Unexpected
// token 'x', ..."hunter2-pa"... is not valid JSON`: a slice of what the client sent (an argument's value, a
// password the masking policy keeps out of every answer and audit record) written to stderr. The legacy SSE
// transport's POSTs were already answered without it.

let catalog: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
});

const SECRET = "hunter2-password-value";

it.each([
  [
    "a token past a value",
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"password":"${SECRET}"x}}}`,
  ],
  ["text that is no JSON", `${SECRET} is not json`],
  [
    "a value cut short",
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"p":"${SECRET}`,
  ],
  ["trailing text", `{"jsonrpc":"2.0","id":1,"method":"tools/list"} ${SECRET}`],
])("answers %s with -32700 and writes none of the body to stderr", async (_label, body) => {
  const served = await serveHttp(catalog, fixtureEnv());
  const res = await raw(served.url, {
    headers: { ...MCP_HEADERS, authorization: `Bearer ${FIXTURE_KEY}` },
    body,
  });
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body)).toEqual({
    jsonrpc: "2.0",
    error: { code: -32700, message: "Parse error: Invalid JSON" },
    id: null,
  });
  // The server keeps serving.
  const list = await raw(served.url, {
    headers: { ...MCP_HEADERS, authorization: `Bearer ${FIXTURE_KEY}` },
    body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }),
  });
  expect(list.status).toBe(200);
  expect(await served.stop()).toBe(0);
  // Whole once the process has exited.
  expect(served.stderr()).not.toMatch(/hunter|password|SyntaxError/);
});
