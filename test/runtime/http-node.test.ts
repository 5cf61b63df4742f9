import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { toWebRequest } from "../../src/transports/http-node.js";

/** The bridge from node:http to the SDK's web handler: what crosses it. */

function incoming(headers: Record<string, string | string[]>, method = "POST"): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.headers = headers;
  return req;
}

describe("toWebRequest", () => {
  it("leaves the client's credential at the gate; every other header crosses", async () => {
    const req = incoming({
      authorization: "Bearer client-key-canary-0123456789",
      "proxy-authorization": "Basic cHJveHk6Y2FuYXJ5",
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": "s-1",
      "mcp-protocol-version": "2025-11-25",
      "x-forwarded-for": ["10.0.0.1", "10.0.0.2"],
    });
    const web = toWebRequest(
      req,
      "http://127.0.0.1:8765/mcp",
      Buffer.from("{}"),
      new AbortController().signal,
    );
    expect(web.headers.has("authorization")).toBe(false);
    expect(web.headers.has("proxy-authorization")).toBe(false);
    expect(Object.fromEntries(web.headers)).toEqual({
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-session-id": "s-1",
      "mcp-protocol-version": "2025-11-25",
      "x-forwarded-for": "10.0.0.1, 10.0.0.2",
    });
    expect(await web.text()).toBe("{}");
  });

  it("GET carries no body", () => {
    const web = toWebRequest(
      incoming({}, "GET"),
      "http://127.0.0.1/mcp",
      Buffer.from("x"),
      new AbortController().signal,
    );
    expect(web.method).toBe("GET");
    expect(web.body).toBeNull();
  });
});
