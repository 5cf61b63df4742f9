import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "../../src/transports/http-settings.js";
import { DEFAULT_MAX_MESSAGE_BYTES, TopLevelIdScanner } from "../../src/transports/stdio-lines.js";
import { connect, serverEnv, workspace } from "../e2e/scaly/harness.js";
import { until } from "../helpers/events.js";
import { answered } from "../helpers/json-lines.js";
import { serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { type ScalyUpstream, startScalyUpstream } from "../upstreams/scaly/index.js";
import { MAX_OBJECT_BYTES } from "../upstreams/scaly/storage.js";
import { baseEnv, handshake, spawnRaw } from "./harness.js";

/** Waits for output the server writes (stdout or stderr); fails, with its stderr, if it exits first. */
function waitOn(run: ReturnType<typeof spawnRaw>, condition: () => boolean): Promise<true> {
  return until(
    () => condition() || undefined,
    [run.child.stdout!, run.child.stderr!],
    () => run.err.join(""),
  );
}

/**
 * Item 10: one stdio line over the limit is answered with a JSON-RPC error naming the limit (and the request's id
 * when its top level carries one), is never read or echoed, and the server goes on serving; the limit is
 * `serve --max-message-bytes` (TOOLWRIGHT_MAX_MESSAGE_BYTES); every documented per-tool limit fits under the
 * default (Scaly's 8 MiB upload, sent as base64).
 */

const CANARY = "CANARY-oversized-7f3a9c";

let vault: ScaivaultUpstream;

beforeAll(async () => {
  vault = await startScaivaultUpstream();
});
afterAll(async () => {
  await vault.close();
});

/** Every complete line the server wrote (one still being written is left for the next look). */
const messages = (run: ReturnType<typeof spawnRaw>) =>
  run.out
    .join("")
    .split("\n")
    .slice(0, -1)
    .map((line) => JSON.parse(line));

describe("stdio message limit", () => {
  it("answers a line over the limit with an error for its id, reads none of it, and keeps serving", async () => {
    const run = spawnRaw({
      ...baseEnv(vault, vault.tokens.admin),
      SCAIVAULT_AUDIT: "false",
      TOOLWRIGHT_MAX_MESSAGE_BYTES: String(256 * 1024),
    });
    handshake(run);
    await waitOn(run, () => answered(run.out.join(""), [1]));
    vault.requests.length = 0;
    const value = `${CANARY}${"x".repeat(300 * 1024)}`;
    // The id comes after the arguments, as SDK clients write it, and a nested "id" must not be taken for it.
    const big = `{"method":"tools/call","params":{"name":"scaivault_write_secret","arguments":{"path":"apps/big","id":99,"value":"${value}"}},"jsonrpc":"2.0","id":"big-1"}`;
    // Sent in pieces, as a pipe delivers it.
    for (let at = 0; at < big.length; at += 64 * 1024) run.child.stdin!.write(big.slice(at, at + 64 * 1024));
    // Skipped as it streams: the server says so before the line has ended.
    await waitOn(run, () => run.err.join("").includes("skipping a message over the 262144-byte limit"));
    run.child.stdin!.write("\n");
    // A second oversized line whose id cannot be found is answered without one.
    run.child.stdin!.write(`["${"y".repeat(300 * 1024)}"]\n`);
    run.send({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    run.send({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "scaivault_read_secret", arguments: { path: vault.seed.secrets.salesforce } },
    });
    await waitOn(run, () => messages(run).filter((m) => m.id === 3 || m.id === 4).length === 2);
    const byId = new Map(messages(run).map((m) => [m.id, m]));
    expect(byId.get("big-1")?.error).toMatchObject({ code: -32600 });
    expect(byId.get("big-1")?.error.message).toContain("limit of 262144 bytes");
    expect(byId.get("big-1")?.error.message).toContain("--max-message-bytes");
    const anonymous = messages(run).filter((m) => m.error && m.id === undefined);
    expect(anonymous).toHaveLength(1);
    expect(byId.get(3)?.result.tools).toHaveLength(67);
    expect(byId.get(4)?.result.isError).toBeFalsy();
    // Nothing of the oversized message was read: no upstream request for it, and its text never comes back.
    expect(vault.requests.map((r) => r.operationId)).toEqual(["readSecret"]);
    run.child.stdin!.end();
    expect(await run.exited).toBe(0);
    expect(run.out.join("")).not.toContain(CANARY);
    expect(run.err.join("")).not.toContain(CANARY);
    expect(run.err.join("")).toContain("over the 262144-byte limit");
  });

  it("drops a line that never ends without holding it, and answers it when stdin closes", async () => {
    const run = spawnRaw({
      ...baseEnv(vault, vault.tokens.admin),
      SCAIVAULT_AUDIT: "false",
      TOOLWRIGHT_MAX_MESSAGE_BYTES: "4096",
    });
    handshake(run);
    run.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    await waitOn(run, () => messages(run).some((m) => m.id === 2));
    vault.requests.length = 0;
    // 2 MiB of one endless line, 512 times the limit, then stdin closes mid-line.
    run.child.stdin!.write(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"x":"${CANARY}`);
    for (let i = 0; i < 32; i++) run.child.stdin!.write("q".repeat(64 * 1024));
    await waitOn(run, () => run.err.join("").includes("skipping a message over the 4096-byte limit"));
    run.child.stdin!.end();
    expect(await run.exited).toBe(0);
    const answer = messages(run).find((m) => m.id === 5);
    expect(answer?.error).toMatchObject({ code: -32600 });
    expect(vault.requests).toHaveLength(0);
    expect(run.out.join("") + run.err.join("")).not.toContain(CANARY);
  });

  it("refuses a limit too small to carry a request, at start (exit 2)", async () => {
    const run = spawnRaw({ ...baseEnv(vault, vault.tokens.admin), TOOLWRIGHT_MAX_MESSAGE_BYTES: "12" });
    expect(await run.exited).toBe(2);
    expect(run.err.join("")).toContain("TOOLWRIGHT_MAX_MESSAGE_BYTES");
  });
});

describe("the default limit fits every documented per-tool limit", () => {
  let scaly: ScalyUpstream;
  beforeAll(async () => {
    scaly = await startScalyUpstream({ timeScale: 0.2 });
  });
  afterAll(async () => {
    await scaly.close();
  });

  it("a Scaly upload of 8 MiB, sent as base64, is stored whole over stdio", async () => {
    const ws = workspace("big-upload");
    ws.writeToken(scaly.issueSessionToken({ expiresInSec: 3600 }), { stage: "prod" });
    const s = await connect({ upstream: scaly, ws, label: "big-upload" });
    try {
      const bytes = Buffer.alloc(MAX_OBJECT_BYTES, 0x5a);
      const content = bytes.toString("base64");
      expect(content.length).toBeGreaterThan(10 * 1024 * 1024);
      expect(content.length + 1024).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
      const uploaded = await s.ok("scaly_storage_upload_object", {
        app_id: "app_storefront",
        key: "big/full.bin",
        content,
        encoding: "base64",
      });
      expect(uploaded).toMatchObject({ key: "big/full.bin", size: MAX_OBJECT_BYTES });
      expect(scaly.store.buckets.get("add_assets")?.get("big/full.bin")?.bytes.equals(bytes)).toBe(true);
    } finally {
      await s.close();
      ws.cleanup();
    }
  });
});

describe("Scaly's 8 MiB upload over Streamable HTTP", () => {
  let scaly: ScalyUpstream;
  beforeAll(async () => {
    scaly = await startScalyUpstream({ timeScale: 0.2 });
  });
  afterAll(async () => {
    await scaly.close();
  });

  it("fits under the HTTP transport's default body limit and is stored whole", async () => {
    const ws = workspace("big-upload-http");
    ws.writeToken(scaly.issueSessionToken({ expiresInSec: 3600 }), { stage: "prod" });
    const bytes = Buffer.alloc(MAX_OBJECT_BYTES, 0x5b);
    const content = bytes.toString("base64");
    // The JSON-RPC request around the base64 text stays under the default of every transport.
    expect(content.length + 1024).toBeLessThan(DEFAULT_MAX_BODY_BYTES);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    const served = await serveHttp(
      "scaly",
      serverEnv(scaly, ws, { SCALY_MCP_TRANSPORT: "http", SCALY_MCP_HTTP_PORT: "0" }),
    );
    const client = new Client({ name: "big-upload-http", version: "1.0.0" });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(served.url), {
          requestInit: { headers: { authorization: `Bearer ${scaly.keys.apiKey}` } },
        }),
      );
      const result = (await client.callTool(
        {
          name: "scaly_storage_upload_object",
          arguments: { app_id: "app_storefront", key: "big/http.bin", content, encoding: "base64" },
        },
        { timeout: 240_000 },
      )) as { isError?: boolean; content: Array<{ text: string }> };
      expect(result.isError, result.content[0]?.text).toBeFalsy();
      expect(JSON.parse(result.content[0]!.text).data).toMatchObject({
        key: "big/http.bin",
        size: MAX_OBJECT_BYTES,
      });
      expect(scaly.store.buckets.get("add_assets")?.get("big/http.bin")?.bytes.equals(bytes)).toBe(true);
    } finally {
      await client.close();
      await served.stop();
      ws.cleanup();
    }
  });
});

describe("TopLevelIdScanner", () => {
  const idOf = (text: string, split = 3) => {
    const scanner = new TopLevelIdScanner();
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += split) scanner.feed(bytes.subarray(at, at + split));
    return scanner.id();
  };
  it("finds the top-level id wherever it sits, and only there", () => {
    expect(idOf('{"jsonrpc":"2.0","id":7,"method":"x"}')).toBe(7);
    expect(idOf('{"params":{"id":1,"a":["id",{"id":2}]},"id" : "abc\\"d"}')).toBe('abc"d');
    expect(idOf('{"params":{"s":"\\"id\\":5"},"method":"m"}')).toBe(null);
    expect(idOf('{"idx":4,"id":-12}')).toBe(-12);
    expect(idOf('{"id":null}')).toBe(null);
    expect(idOf('{"id":{"x":1},"y":2}')).toBe(null);
    expect(idOf(`{"id":"${"z".repeat(400)}","n":1}`)).toBe(null);
    expect(idOf('[{"id":3}]')).toBe(null);
    expect(idOf('{"a":"é€","id":"ü"}', 1)).toBe("ü");
  });
});
