import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { InitializeResultSchema, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { until } from "../helpers/events.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// The legacy HTTP+SSE transport's lifecycle, as stdio's and stateful HTTP's: initialize is a stream's first request
// (only ping may come before it), sent once. The SDK's server answered tools/list and ran tools/call posted to a
// stream before any initialize, on a session that had negotiated nothing, and answered a second initialize like
// the first (switching the session's revision midway). Both are now answered -32600 on the stream, nothing run.

let served: Served;
beforeAll(async () => {
  served = await serveHttp(await fixtureCatalog(), fixtureEnv(), { args: ["--sse"] });
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };
const init = (id: number | string, protocolVersion = "2024-11-05") => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "sse-early", version: "1" } },
});
const echo = (id: number | string, text: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "fixture_echo", arguments: { text } },
});

/** A raw SSE session: its stream's messages as they arrive, and a poster to its endpoint. */
async function rawSession() {
  const controller = new AbortController();
  onTestFinished(() => controller.abort());
  const res = await fetch(`${served.origin}/sse`, {
    headers: { ...auth, accept: "text/event-stream" },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = "";
  const messages: any[] = [];
  let endpoint: string | undefined;
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += Buffer.from(value ?? []).toString("utf8");
      let end = text.indexOf("\n\n");
      while (end >= 0) {
        const event = text.slice(0, end);
        text = text.slice(end + 2);
        const data = /^data: (.*)$/m.exec(event)?.[1];
        if (/^event: endpoint$/m.test(event)) endpoint = data;
        else if (/^event: message$/m.test(event) && data) messages.push(JSON.parse(data));
        end = text.indexOf("\n\n");
      }
    }
  })();
  await until(() => endpoint);
  const post = async (message: object) => {
    const answer = await fetch(`${served.origin}${endpoint}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(message),
    });
    return answer.status;
  };
  const answerTo = (id: number | string) => until(() => messages.find((m) => m.id === id));
  return { post, answerTo, messages, pump };
}

describe("a legacy SSE stream before initialize", () => {
  it("refuses tools/call and tools/list -32600, answers ping, and initialize then opens it (raw client)", async () => {
    const session = await rawSession();
    expect(await session.post(echo(1, "too early"))).toBe(202);
    expect(await session.post({ jsonrpc: "2.0", id: "2", method: "tools/list" })).toBe(202);
    expect(await session.post({ jsonrpc: "2.0", id: 3, method: "ping" })).toBe(202);
    for (const id of [1, "2"]) {
      const answer = await session.answerTo(id);
      expect(answer.error).toMatchObject({ code: -32600 });
      expect(answer.error.message).toContain("not initialized");
    }
    expect((await session.answerTo(3)).result).toEqual({});
    // A notification is taken (202), not answered: the session still needs its initialize.
    expect(await session.post({ jsonrpc: "2.0", method: "notifications/initialized" })).toBe(202);
    expect(await session.post(echo(4, "still early"))).toBe(202);
    expect((await session.answerTo(4)).error).toMatchObject({ code: -32600 });
    expect(await session.post(init(5))).toBe(202);
    expect((await session.answerTo(5)).result.protocolVersion).toBe("2024-11-05");
    expect(await session.post({ jsonrpc: "2.0", method: "notifications/initialized" })).toBe(202);
    expect(await session.post(echo(6, "in time"))).toBe(202);
    expect((await session.answerTo(6)).result.structuredContent).toMatchObject({ text: "in time" });
    // A refused request's id is free again, and its place among the requests in flight given back.
    expect(await session.post(echo(1, "again"))).toBe(202);
    expect((await session.answerTo(1)).error).toMatchObject({ code: -32600 });
    await until(() => session.messages.filter((m) => m.id === 1).length === 2 && session.messages.at(-1));
    expect(session.messages.filter((m) => m.id === 1).at(-1).result.structuredContent).toMatchObject({
      text: "again",
    });
  });

  it("refuses a second initialize -32600; the session serves on under the first (raw client)", async () => {
    const session = await rawSession();
    expect(await session.post(init(1))).toBe(202);
    expect(await session.post(init(2, "2025-06-18"))).toBe(202);
    expect((await session.answerTo(1)).result.protocolVersion).toBe("2024-11-05");
    const again = await session.answerTo(2);
    expect(again.error).toMatchObject({ code: -32600 });
    expect(again.error.message).toContain("already initialized");
    expect(await session.post({ jsonrpc: "2.0", id: 3, method: "tools/list" })).toBe(202);
    expect((await session.answerTo(3)).result.tools.length).toBeGreaterThan(0);
  });

  it("to the v1 SDK's SSE client: a request before initialize is refused; a second initialize too, and the client keeps its session", async () => {
    const url = new URL(`${served.origin}/sse`);
    const early = new SSEClientTransport(url, { requestInit: { headers: auth } });
    const received: JSONRPCMessage[] = [];
    early.onmessage = (message) => received.push(message);
    await early.start();
    onTestFinished(() => early.close());
    await early.send(echo(1, "too early") as JSONRPCMessage);
    const refused = (await until(() => received.find((m) => "id" in m && m.id === 1))) as any;
    expect(refused.error).toMatchObject({ code: -32600 });
    expect(refused.error.message).toContain("not initialized");

    const client = new Client({ name: "sse-reinit", version: "1" });
    await client.connect(new SSEClientTransport(url, { requestInit: { headers: auth } }));
    onTestFinished(() => client.close());
    const second = client.request(
      { method: "initialize", params: init(9, "2025-03-26").params },
      InitializeResultSchema,
    );
    await expect(second).rejects.toMatchObject({ code: -32600 });
    const result = await client.callTool({ name: "fixture_echo", arguments: { text: "served" } });
    expect(result.structuredContent).toMatchObject({ text: "served" });
  });
});
