import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A spec's patterns cannot block the server. Patterns that backtrack exponentially (`^(a+)+$`) or polynomially
 * (an unanchored `[a-z]+_token_[0-9]+`) on JavaScript's engine are evaluated in linear time, for arguments and
 * for upstream results; a pattern RE2 cannot express runs only with a bounded input. On a backtracking engine
 * the attack strings below would run for longer than the universe is old: that each call returns at all, and the
 * server answers the next one, is the assertion (no timing).
 */

let upstream: RecordingServer;
let served: Served;
let owner = "alice@example";

beforeAll(async () => {
  const { dir } = await genToDisk(join(ROOT, "test/security/regex/tools.yaml"), tmpDir("regex"));
  upstream = await startRecordingServer((req, res) => {
    if (req.path.startsWith("/items/")) return sendJson(res, 200, { id: "aaa", owner });
  });
  served = await serveOverStdio(dir, { RX_URL: upstream.url });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});
beforeEach(() => {
  upstream.received.length = 0;
  owner = "alice@example";
});

const call = (args: Record<string, unknown>) =>
  served.client.callTool({ name: "rx_get_item", arguments: args });
const text = (result: { content?: unknown }) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

async function stillServing(): Promise<void> {
  const ok = await call({ id: "aaaa" });
  expect(ok.isError, text(ok)).toBeFalsy();
}

describe("spec patterns run in bounded time", () => {
  it.each([
    ["exponential, anchored (^(a+)+$)", { id: `${"a".repeat(80)}!` }, "id"],
    ["exponential, with \\s (^(\\w+\\s?)*$)", { id: "a", words: `${"word ".repeat(60)}!` }, "words"],
    ["polynomial, unanchored ([a-z]+_token_[0-9]+)", { id: "a", token: "a".repeat(200_000) }, "token"],
  ])("an argument against a %s pattern is refused, with no upstream request", async (_label, args, arg) => {
    const result = await call(args);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(arg);
    expect(upstream.received).toEqual([]);
    await stillServing();
  });

  it("matching arguments still pass, with JavaScript's meaning of the pattern", async () => {
    const result = await call({ id: "aaa", words: "two words", token: "x my_token_42 y", name: "a.b" });
    expect(result.isError, text(result)).toBeFalsy();
    expect(upstream.received.map((r) => r.path)).toEqual(["/items/aaa"]);
  });

  it("an upstream value against a super-linear result pattern does not block output validation", async () => {
    owner = `${"a".repeat(80)}!`;
    const result = await call({ id: "aaa" });
    // Whether a drifted result is an error or passes as text is the output policy's business; it returns.
    expect(result).toBeDefined();
    expect(upstream.received).toHaveLength(1);
    owner = "alice@example";
    await stillServing();
  });

  it("a pattern RE2 cannot express runs on strings of bounded length only", async () => {
    const refused = await call({ id: "a", name: ".hidden" });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("name");
    const long = await call({ id: "a", name: "a".repeat(20_000) });
    expect(long.isError).toBe(true);
    expect(upstream.received).toEqual([]);
    expect((await call({ id: "a", name: "ok.name" })).isError).toBeFalsy();
  });

  it("a super-linear pattern RE2 cannot express is not enforced rather than run", async () => {
    const result = await call({ id: "a", loose: `${"a".repeat(80)}!` });
    expect(result.isError, text(result)).toBeFalsy();
    expect(upstream.received[0]?.query.get("loose")).toBe(`${"a".repeat(80)}!`);
  });
});
