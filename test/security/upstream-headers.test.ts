import { describe, expect, it } from "vitest";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * An upstream whose answer is not one the HTTP client reads: headers past node:http's limit (16 KiB; 200 KB of
 * one header here) or a status line that is not HTTP. The call failed as "the upstream request failed", which said
 * nothing of why (a network fault, worth retrying, or an answer never to be read). Now it says which, the server
 * keeps serving, and an endless event stream ends at the source's timeout.
 */

const SPEC = `openapi: 3.0.3
info: { title: P, version: "1" }
paths:
  /headers:
    get: { operationId: bigHeaders, responses: { "200": { description: ok } } }
  /stream:
    get: { operationId: endless, responses: { "200": { description: ok } } }
`;
const MANIFEST = `catalog: probe
env:
  P_URL: { type: url, description: "P_URL." }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: P_URL }, timeout_ms: 2000 }
select: [{ all: true }]
`;

const fixture = servedFixture(
  "upstream-headers",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({ P_URL: url }),
  async (req, res) => {
    if (req.path === "/headers") {
      res.writeHead(200, { "content-type": "application/json", "x-big": "a".repeat(200_000) });
      res.end("{}");
      return;
    }
    // An event stream that never ends, an event at a time.
    res.writeHead(200, { "content-type": "text/event-stream" });
    const timer = setInterval(() => res.write(`data: ${"x".repeat(100)}\n\n`), 20);
    // Until the client goes away (the route ends the response then, so the helper adds nothing).
    await new Promise<void>((resolve) =>
      res.on("close", () => {
        clearInterval(timer);
        res.end();
        resolve();
      }),
    );
  },
);

type Result = { isError?: boolean; content?: Array<{ text?: string }> };

describe("answers the HTTP client does not read", () => {
  it("headers past the client's limit: a clear error, and the server keeps serving", async () => {
    const result = (await fixture.served().client.callTool({ name: "big_headers", arguments: {} })) as Result;
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toMatch(
      /^the upstream's response headers are larger than the HTTP client reads \(16 KiB\); the response was not read/,
    );
    const again = (await fixture.served().client.callTool({ name: "big_headers", arguments: {} })) as Result;
    expect(again.content?.[0]?.text).toMatch(/^the upstream's response headers are larger/);
  });

  it("an event stream that never ends: ended at the source's timeout", async () => {
    const result = (await fixture.served().client.callTool({ name: "endless", arguments: {} })) as Result;
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toMatch(/^the upstream did not answer within 2000 ms/);
  });
});
