import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { idsOf } from "../helpers/json-lines.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { stdioServer } from "../helpers/stdio-server.js";

/**
 * A client that writes many large requests before any is answered: the message limit bounds each line, and the
 * server read them all, every call's message held in memory at once (40 lines of 4 MB held ~160 MB). What the
 * requests in flight hold is now bounded by the same setting: past it stdin waits until answers come, and every
 * request is still answered. The upstream holds every call until the server says it stopped reading, so what the
 * server read is what reached the upstream.
 */

const BIN = join(ROOT, "dist/toolwright.js");
const BOUND = 1024 * 1024;
const CALLS = 20;
let upstream: ReturnType<typeof createServer>;
let url = "";
const held: ServerResponse[] = [];
let answering = false;
let reached = 0;
let mostAtOnce = 0;
let inUpstream = 0;

const answer = (res: ServerResponse) => {
  // Counted out before the answer leaves: the server can send the next call only once it has this one's answer.
  inUpstream--;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ items: [], nextCursor: null }));
};

beforeAll(async () => {
  upstream = createServer((_req, res) => {
    reached++;
    inUpstream++;
    mostAtOnce = Math.max(mostAtOnce, inUpstream);
    if (answering) answer(res);
    else held.push(res);
  });
  upstream.listen(0, "127.0.0.1");
  await once(upstream, "listening");
  url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => upstream.close());

const message = (id: number | undefined, method: string, params: object = {}) =>
  `${JSON.stringify({ jsonrpc: "2.0", ...(id === undefined ? {} : { id }), method, params })}\n`;

it("reads no more requests while those in flight hold over the bound, and answers every one", async () => {
  const { child, ended, stderr } = stdioServer(BIN, ["scaivault"], {
    PATH: process.env.PATH ?? "",
    HOME: tmpDir("stdio-inflight"),
    SCAIVAULT_URL: url,
    SCAIVAULT_TOKEN: "t",
    TOOLWRIGHT_MAX_MESSAGE_BYTES: String(BOUND),
  });
  const ids = idsOf(child.stdout);
  child.stdin.write(
    message(0, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "burst", version: "1" },
    }) + message(undefined, "notifications/initialized"),
  );
  // Each call's message carries 300 KB the call holds while it runs (in `_meta`, which the server keeps as sent).
  const pad = "x".repeat(300_000);
  const call = (id: number) =>
    message(id, "tools/call", { name: "scaivault_list_secrets", arguments: {}, _meta: { pad } });
  const lineBytes = Buffer.byteLength(call(1));
  for (let id = 1; id <= CALLS; id++) child.stdin.write(call(id));
  const paused = "no more requests are read until some are answered";
  // Before the bound, every call was read and reached the upstream at once: waiting for all of them ends this too.
  await until(() => stderr().includes(paused) || reached === CALLS, [child.stderr, upstream], stderr);
  expect(stderr()).toContain(paused);
  // What the server holds, as it says when it stops reading: within the bound and the one line that crossed it.
  const said = /stdio: (\d+) requests in flight hold (\d+) bytes, over the (\d+)-byte bound/.exec(stderr());
  expect(said).not.toBeNull();
  const [, requests, bytes, bound] = (said as RegExpExecArray).map(Number);
  expect(bound).toBe(BOUND);
  expect(bytes).toBeGreaterThan(BOUND);
  expect(bytes).toBeLessThanOrEqual(BOUND + lineBytes);
  expect(requests).toBe(Math.floor(BOUND / lineBytes) + 1);
  // The upstream answers: the waiting requests are read and answered too, never more in flight than the bound lets.
  answering = true;
  for (const res of held.splice(0)) answer(res);
  await until(() => ids.length === CALLS + 1, [child.stdout], stderr);
  expect(ids.map(Number).sort((a, b) => a - b)).toEqual([...Array(CALLS + 1).keys()]);
  expect(reached).toBe(CALLS);
  expect(mostAtOnce).toBeLessThanOrEqual(Math.floor(BOUND / lineBytes) + 1);
  expect(stderr()).toContain("requests in flight are within the bound again; reading requests again");
  child.stdin.end();
  expect((await ended)[0]).toBe(0);
});
