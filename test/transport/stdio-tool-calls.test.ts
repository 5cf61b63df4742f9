import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { closed, until } from "../helpers/events.js";
import { answered, answerTo, jsonLines } from "../helpers/json-lines.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * A served catalog over stdio runs plain tools/call requests without the SDK's dispatch
 * (src/transports/stdio-tool-calls.ts). What a client sees must not change: a cancelled call is aborted upstream
 * and never answered, while the server goes on serving and ends at end of input; a call with `_meta` (which the SDK
 * dispatches) and the same call without it (run directly) get the same answer. The upstream holds each request
 * until the test answers it.
 */

const BIN = join(ROOT, "dist/toolwright.js");
let upstream: ReturnType<typeof createServer>;
let url = "";
const held: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
const arrived: Array<() => void> = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    held.push({ req, res });
    for (const wake of arrived.splice(0)) wake();
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => {
  upstream.closeAllConnections();
  upstream.close();
});

const line = (message: object) => `${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`;
const request = (n: number) =>
  held.length >= n ? Promise.resolve() : new Promise<void>((resolve) => arrived.push(resolve));
async function nthRequest(n: number) {
  while (held.length < n) await request(n);
  return held[n - 1] as { req: IncomingMessage; res: ServerResponse };
}
const answer = (res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ items: [{ path: "integrations/a", version: 1 }], nextCursor: null }));
};

function serveScaivault(name: string) {
  const child = spawn(process.execPath, [BIN, "serve", "scaivault"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: tmpDir(name),
      SCAIVAULT_URL: url,
      SCAIVAULT_TOKEN: "t",
      SCAIVAULT_AUDIT: "false",
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const out = { stdout: "", stderr: "" };
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out.stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    out.stderr += chunk;
  });
  const waitFor = (ids: Array<number | string>) =>
    until(
      () => answered(out.stdout, ids),
      [child.stdout],
      () => `stderr:\n${out.stderr}\nstdout:\n${out.stdout}`,
    );
  /** stderr comes through its own pipe, read at times after stdout's answers: wait for its line. */
  const stderrLine = (pattern: RegExp) =>
    until(
      () => out.stderr.split("\n").find((l) => pattern.test(l)),
      [child.stderr],
      () => `stderr:\n${out.stderr}`,
    );
  const ended = closed(child);
  ended.catch(() => {});
  /** The MCP handshake (initialize, answered, then initialized). */
  const initialize = async () => {
    child.stdin.write(
      line({
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "c", version: "1" } },
      }) + line({ method: "notifications/initialized" }),
    );
    await waitFor([1]);
  };
  return { child, out, waitFor, stderrLine, ended, initialize };
}

describe("stdio: tools/call without the SDK's dispatch", () => {
  it("a cancelled call is aborted and unanswered; _meta or not, a call gets the same answer", async () => {
    const { child, out, waitFor, ended, initialize } = serveScaivault("stdio-calls");
    await initialize();
    const list = { name: "scaivault_list_secrets", arguments: { prefix: "integrations/" } };

    child.stdin.write(line({ id: 2, method: "tools/call", params: list }));
    const first = await nthRequest(1);
    // The server's abort closes the connection ('aborted' is an error event on the request, then 'close').
    const aborted = new Promise((resolve) => first.req.on("error", () => {}).once("close", resolve));
    child.stdin.write(line({ method: "notifications/cancelled", params: { requestId: 2, reason: "user" } }));
    await aborted;
    expect(first.res.writableEnded).toBe(false);

    child.stdin.write(line({ id: 3, method: "tools/call", params: list }));
    answer((await nthRequest(2)).res);
    child.stdin.write(line({ id: 4, method: "tools/call", params: { ...list, _meta: {} } }));
    answer((await nthRequest(3)).res);
    await waitFor([3, 4]);
    const direct = answerTo(out.stdout, 3);
    const viaSdk = answerTo(out.stdout, 4);
    expect(direct.result.isError).toBeUndefined();
    expect(direct.result.structuredContent.items).toEqual([{ path: "integrations/a", version: 1 }]);
    expect({ ...direct, id: 4 }).toEqual(viaSdk);
    expect(Object.keys(direct)).toEqual(Object.keys(viaSdk));

    child.stdin.end();
    const [code] = await ended;
    expect(code).toBe(0);
    expect(jsonLines(out.stdout).map((m) => m.id)).toEqual([1, 3, 4]);
  });

  it("a duplicate's id is shown cut short in its error and the log line (the answer carries it whole)", async () => {
    const { child, out, waitFor, stderrLine, ended, initialize } = serveScaivault("stdio-dup-long-id");
    await initialize();
    const before = held.length;
    const id = `id-${"é".repeat(20_000)}-end`;
    const list = { name: "scaivault_list_secrets", arguments: { prefix: "integrations/" } };
    child.stdin.write(line({ id, method: "tools/call", params: list }));
    const first = await nthRequest(before + 1);
    child.stdin.write(line({ id, method: "tools/list" }) + line({ id: 9, method: "ping" }));
    await waitFor([9]);
    const refused = jsonLines(out.stdout).find((m) => m.error !== undefined);
    expect(refused.id).toBe(id);
    expect(refused.error.message).toMatch(/^Invalid Request: request id "id-é+… is already in use/);
    expect(refused.error.message.length).toBeLessThan(300);
    const logged = await stderrLine(/is already in flight/);
    expect(logged).toMatch(/request id "id-é+… is already in flight/);
    expect(logged.length).toBeLessThan(300);
    answer(first.res);
    await until(
      () => jsonLines(out.stdout).some((m) => m.id === id && m.result !== undefined),
      [child.stdout],
      () => out.stdout,
    );
    child.stdin.end();
    expect((await ended)[0]).toBe(0);
  });

  it("a request reusing the id of one in flight is refused and never run, on the direct and the SDK path", async () => {
    const { child, out, waitFor, stderrLine, ended, initialize } = serveScaivault("stdio-dup-ids");
    await initialize();
    const before = held.length;
    const list = { name: "scaivault_list_secrets", arguments: { prefix: "integrations/" } };
    // "a" runs directly, "b" through the SDK (its _meta); each is then sent again under its id while in flight,
    // as a direct call, as an SDK-dispatched one and as another method.
    child.stdin.write(line({ id: "a", method: "tools/call", params: list }));
    const first = await nthRequest(before + 1);
    child.stdin.write(line({ id: "b", method: "tools/call", params: { ...list, _meta: {} } }));
    const second = await nthRequest(before + 2);
    child.stdin.write(
      line({ id: "a", method: "tools/call", params: list }) +
        line({ id: "a", method: "tools/call", params: { ...list, _meta: {} } }) +
        line({ id: "b", method: "tools/call", params: list }) +
        line({ id: "b", method: "tools/list" }) +
        line({ id: 9, method: "ping" }),
    );
    await waitFor([9]);
    const errors = jsonLines(out.stdout).filter((m) => m.error !== undefined);
    expect(errors.map((m) => [m.id, m.error.code])).toEqual([
      ["a", -32600],
      ["a", -32600],
      ["b", -32600],
      ["b", -32600],
    ]);
    expect(errors[0].error.message).toMatch(/request id "a" is already in use by a request still in flight/);
    await stderrLine(/request id "b" is already in flight; the duplicate was answered -32600/);
    // The originals are answered once each, and nothing else reached the upstream.
    answer(first.res);
    answer(second.res);
    await until(
      () => jsonLines(out.stdout).filter((m) => m.result !== undefined).length === 4,
      [child.stdout],
      () => out.stdout,
    );
    const results = jsonLines(out.stdout).filter((m) => m.result?.structuredContent !== undefined);
    expect(results.map((m) => m.id).sort()).toEqual(["a", "b"]);
    // Once answered, an id may be used again.
    child.stdin.write(line({ id: "a", method: "tools/call", params: list }));
    answer((await nthRequest(before + 3)).res);
    await until(
      () => jsonLines(out.stdout).filter((m) => m.result?.structuredContent !== undefined).length === 3,
      [child.stdout],
      () => out.stdout,
    );
    child.stdin.end();
    const [code] = await ended;
    expect(code).toBe(0);
    expect(held.length).toBe(before + 3);
  });
});
