import { afterEach, describe, expect, it } from "vitest";
import {
  logRepeated,
  SAID_IN_FULL,
  SUMMARY_INTERVAL_MS,
  sayCounts,
  setLogSink,
} from "../../src/telemetry/log.js";
import { childEnv } from "../helpers/child-env.js";
import { BIN } from "../helpers/mcp.js";
import { stdioServer } from "../helpers/stdio-server.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

// Every bad request wrote one stderr line: a client sending 100,000 of them wrote 100,000 lines (a disk, a CI log).
// The first ten of a kind are said in full, the rest counted and summed up once a minute and at exit. No sleeps:
// many requests are driven and the lines counted; the interval is driven by the clock given to logRepeated.

const BAD = 300;
const count = (text: string, wanted: string) =>
  text.split("\n").filter((line) => line.includes(wanted)).length;
const counted = (text: string) =>
  [...text.matchAll(/: (\d+) more in the last \d+ s \(counted/g)].reduce((sum, m) => sum + Number(m[1]), 0);

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe("logRepeated", () => {
  it("says the first of a kind in full, counts the rest, and sums them up once an interval has passed", () => {
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    restore = () => setLogSink(previous);
    const start = 1_000_000;
    for (let i = 0; i < 1000; i++) logRepeated("unit kind", `unit line ${i}`, start + i);
    expect(lines.length).toBe(SAID_IN_FULL);
    expect(lines[0]).toBe("toolwright: unit line 0");
    // The first line after the interval says the count and begins the next interval in full: a long-lived server
    // still shows what its later bad requests were.
    logRepeated("unit kind", "unit line late", start + SUMMARY_INTERVAL_MS + 9);
    expect(lines.at(-2)).toMatch(/^toolwright: unit kind: 990 more in the last 60 s /);
    expect(lines.at(-1)).toBe("toolwright: unit line late");
    for (let i = 1; i < SAID_IN_FULL; i++)
      logRepeated("unit kind", `next ${i}`, start + SUMMARY_INTERVAL_MS + 10 + i);
    expect(lines.length).toBe(2 * SAID_IN_FULL + 1);
    logRepeated("unit kind", "one more", start + SUMMARY_INTERVAL_MS + 30);
    expect(lines.length).toBe(2 * SAID_IN_FULL + 1);
    sayCounts();
    expect(lines.at(-1)).toMatch(/^toolwright: unit kind: 1 more in the last /);
    expect(lines.length).toBe(2 * SAID_IN_FULL + 2);
  });
});

describe("a flood of bad requests", () => {
  it("over HTTP writes ten lines and the count, and is answered every time", async () => {
    const served = await serveHttp(await fixtureCatalog(), fixtureEnv());
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${FIXTURE_KEY}` };
    for (let i = 0; i < BAD; i++) {
      const res = await raw(served.url, {
        headers,
        body: JSON.stringify({ jsonrpc: "2.0", id: null, method: "x" }),
      });
      expect(res.status).toBe(400);
    }
    expect(await served.stop()).toBe(0);
    const stderr = served.stderr();
    expect(count(stderr, "Rejected inbound request")).toBe(SAID_IN_FULL);
    expect(counted(stderr)).toBe(BAD - SAID_IN_FULL);
  });

  it("over stdio writes ten lines and the count, and answers every line", async () => {
    const { child, ended, stderr } = stdioServer(BIN, [await fixtureCatalog()], childEnv({}));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    child.stdin.end(`${JSON.stringify({ jsonrpc: "2.0", id: true, method: "ping" })}\n`.repeat(BAD));
    await ended;
    expect(count(out, '"code":-32600')).toBe(BAD);
    expect(count(stderr(), "a line that is not a JSON-RPC message")).toBe(SAID_IN_FULL);
    expect(counted(stderr())).toBe(BAD - SAID_IN_FULL);
  });
});
