import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Patterns the runtime meets outside a generated schema cannot block the server: a `patternProperties` key of an
 * output schema (the masking allow list tests every upstream key against it) and the catalog's
 * `secret_key_pattern` (tested on every key a caller writes). The generator writes neither catastrophic (it
 * carries no `patternProperties`, and refuses a secret key pattern RE2 cannot express), so the catalog here is
 * generated and then given them, as an older or hand-edited catalog.json could hold them; its index is removed
 * (the loader then reads all of catalog.json). On JavaScript's backtracking engine `^(a+)+$` against thirty `a`s
 * and a `!` takes about 2^30 steps (minutes), and twice as long per further `a`: on main's code these calls do
 * not return and the tests fail at vitest's timeout (a failure bound, not a speed target). What is asserted is
 * that each returns, with the answer the pattern means, and that the server answers the next call.
 */

const ATTACK = `${"a".repeat(40)}!`;
/** Each test's failure bound (a call blocked on a backtracking engine never returns): not a speed target. */
const BOUND = 60_000;
let upstream: RecordingServer;
let served: Served;
let labels: Record<string, string> = {};

beforeAll(async () => {
  const { dir } = await genToDisk(join(ROOT, "test/security/regex-keys/tools.yaml"), tmpDir("regex-keys"));
  const file = join(dir, "catalog.json");
  const doc = JSON.parse(readFileSync(file, "utf8"));
  doc.policy.secretKeyPattern = "^(a+)+$";
  const tool = doc.tools.find((t: { name: string }) => t.name === "rk_get_labels");
  tool.outputSchema = {
    type: "object",
    properties: {
      labels: {
        type: "object",
        patternProperties: {
          "^(a+)+$": { type: "string" },
          "^(?=x)x-[a-z]+$": { type: "string" },
          "^ok-\\S+$": { type: "string" },
        },
      },
    },
  };
  writeFileSync(file, JSON.stringify(doc));
  rmSync(join(dir, "catalog.index.json"));
  upstream = await startRecordingServer((req, res) => {
    if (req.path === "/labels") return sendJson(res, 200, { labels });
    if (req.path === "/env") return sendJson(res, 200, { ok: true });
  });
  served = await serveOverStdio(dir, { RK_URL: upstream.url });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});
beforeEach(() => {
  upstream.received.length = 0;
});

type Result = { content?: unknown; structuredContent?: Record<string, any>; isError?: boolean };
const call = async (name: string, args: Record<string, unknown> = {}) =>
  (await served.client.callTool({ name, arguments: args })) as Result;
const text = (result: Result) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

describe("patterns from catalog text run on a linear engine", () => {
  it(
    "a patternProperties key against an upstream key built to backtrack: the call returns, the key dropped",
    async () => {
      labels = { [ATTACK]: "dropped", aaaa: "kept", "ok-é": "kept too", "x-lookahead": "dropped" };
      const result = await call("rk_get_labels");
      expect(result.isError, text(result)).toBeFalsy();
      // Declared: `aaaa` (^(a+)+$) and `ok-é` (JavaScript's \S, a non-ASCII letter). Dropped: the attack key, which
      // no pattern matches, and a key only a pattern RE2 cannot express would declare (fail closed).
      expect(result.structuredContent?.labels).toEqual({ aaaa: "kept", "ok-é": "kept too" });
      expect(upstream.received).toHaveLength(1);
    },
    BOUND,
  );

  it(
    "the secret-like key pattern against a key built to backtrack: the call returns, the key is not secret-like",
    async () => {
      const refused = await call("rk_set_env", { vars: { aaaaaaaa: "v" } });
      expect(refused.isError).toBe(true);
      expect(text(refused)).toContain("secret-like");
      expect(upstream.received).toEqual([]);
      const result = await call("rk_set_env", { vars: { [ATTACK]: "v" } });
      expect(result.isError, text(result)).toBeFalsy();
      expect(upstream.received.map((r) => r.path)).toEqual(["/env"]);
    },
    BOUND,
  );

  it(
    "still answers afterwards",
    async () => {
      labels = { aa: "x" };
      const result = await call("rk_get_labels");
      expect(result.structuredContent?.labels).toEqual({ aa: "x" });
    },
    BOUND,
  );
});
