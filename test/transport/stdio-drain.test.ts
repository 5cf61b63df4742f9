import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { stdioServer } from "../helpers/stdio-server.js";

/**
 * A client may write its requests and close stdin (`printf ... | toolwright serve`, a host shutting down):
 * every request read before the end is still answered, in full, before the process exits. Here the upstream
 * holds the tool call's answer until stdin has been closed, so a server that stopped at end of input would
 * never answer it.
 */

const BIN = join(ROOT, "dist/toolwright.js");
let upstream: ReturnType<typeof createServer>;
let url = "";
const held: ServerResponse[] = [];
let onRequest: (req: IncomingMessage) => void = () => {};

beforeAll(async () => {
  upstream = createServer((req, res) => {
    held.push(res);
    onRequest(req);
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => upstream.close());

const message = (id: number | undefined, method: string, params: object = {}) =>
  `${JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, params })}\n`;

describe("stdio: end of input", () => {
  it("answers every request sent before stdin closed, then exits 0", async () => {
    // 'close', not 'exit' (`ended`): the answers are read in full only once stdout has ended.
    const { child, ended, stderr } = stdioServer(BIN, ["scaivault"], {
      PATH: process.env.PATH ?? "",
      HOME: tmpDir("drain"),
      SCAIVAULT_URL: url,
      SCAIVAULT_TOKEN: "t",
    });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    // The upstream request, unless the server ends (or cannot start) first: then this fails with its stderr.
    const asked = new Promise<IncomingMessage>((resolve, reject) => {
      onRequest = resolve;
      ended.then(
        ([code]) =>
          reject(new Error(`the server exited (${code}) before calling the upstream:\n${stderr()}`)),
        reject,
      );
    });
    child.stdin.write(
      message(1, "initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "drain", version: "1" },
      }) +
        message(undefined, "notifications/initialized") +
        message(2, "tools/list") +
        message(3, "tools/call", { name: "scaivault_list_secrets", arguments: {} }),
    );
    const req = await asked;
    expect(req.url).toMatch(/^\/v1\/secrets/);
    child.stdin.end();
    await once(child.stdin, "finish");
    const answer = held[0] as ServerResponse;
    answer.writeHead(200, { "content-type": "application/json" });
    answer.end(JSON.stringify({ items: [], nextCursor: null }));
    const [code] = await ended;
    expect(code).toBe(0);
    const replies = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id?: number; result?: { tools?: unknown[]; isError?: boolean } });
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(replies[1]?.result?.tools?.length).toBeGreaterThan(60);
    expect(replies[2]?.result).toBeDefined();
  });
});
