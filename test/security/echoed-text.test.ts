import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { callRecorded } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { servedInBlock, servedSpec } from "../helpers/served-fixture.js";

/**
 * What a client sends, echoed in the error that refuses it, is bounded: a refusal names at most ten of the keys
 * it refuses, each cut at 100 characters, and says how many more there were. Before, arguments with 100,000
 * unknown keys were answered with every one of them (1.2 MB of error text, into the model's context), a key of a
 * megabyte came back whole (in the unknown-property list, or in the path of a value refused under it), as did a
 * megabyte-long prompt name (`prompts/get`), a resource URI (`resources/read`, twice: message and `data.uri`) and
 * every key a secret-like key refusal named. Tool names were already cut so.
 */

const SPEC = `openapi: 3.0.3
info: { title: Echoes, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /records:
    post:
      operationId: postRecord
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string }
                scores: { type: object, additionalProperties: { type: number } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

const HUGE = "K".repeat(1_000_000);
/** Far above any bounded refusal here, far below what echoing the input gave. */
const BOUND = 4_000;

const { call, client, upstream } = servedSpec(
  join(writeTree("echoed-text", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "echoes",
  "echoed-text-catalog",
  (url) => ({ ECHOES_BASE_URL: url }),
);
// A tool with a secret-like key policy (keys_arg: vars), as generated, served in front of the same upstream.
let keysDir: string | undefined;
beforeAll(async () => {
  ({ dir: keysDir } = await genToDisk(
    join(ROOT, "test/security/regex-keys/tools.yaml"),
    tmpDir("echoed-keys"),
  ));
});
const keysServed = servedInBlock(
  () => keysDir!,
  () => ({ RK_URL: upstream().url }),
);

const text = (result: { content?: Array<{ text?: string }> }) => result.content?.[0]?.text ?? "";

describe("a refusal echoes a bounded part of what the client sent", () => {
  it("100,000 unknown keys: ten are named and the rest counted", async () => {
    const args: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) args[`k${i}`] = i;
    const { result, sent } = await call("post_record", args);
    expect(sent).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result).length).toBeLessThan(BOUND);
    expect(text(result)).toContain('unknown properties "k0", "k1",');
    expect(text(result)).toContain('"k9", and 99990 more');
    expect(text(result)).not.toContain('"k10"');
    expect(text(result)).toContain("valid arguments: name, scores");
  });

  it("an unknown key of a megabyte is cut", async () => {
    const { result } = await call("post_record", { [HUGE]: 1 });
    expect(result.isError).toBe(true);
    expect(text(result).length).toBeLessThan(BOUND);
    expect(text(result)).toContain(`unknown property "${"K".repeat(100)}…"`);
  });

  it("a value refused under a key of a megabyte: the path names it cut", async () => {
    const { result } = await call("post_record", {
      scores: { [HUGE]: "x" },
    });
    expect(result.isError).toBe(true);
    expect(text(result).length).toBeLessThan(BOUND);
    expect(text(result)).toContain(`scores.${"K".repeat(100)}…: `);
  });

  it("prompts/get of an unknown prompt named by a megabyte", async () => {
    const error = await client()
      .getPrompt({ name: HUGE })
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toContain(`unknown prompt: ${"K".repeat(100)}…`);
    expect(error!.message.length).toBeLessThan(BOUND);
  });

  it("resources/read of an unknown URI of a megabyte, in the message and in data.uri", async () => {
    const uri = `echoes://${HUGE}`;
    const error = await client()
      .readResource({ uri })
      .then(
        () => undefined,
        (e: Error & { data?: unknown }) => e,
      );
    expect(error?.message).toContain("Resource not found: echoes://KKK");
    expect(JSON.stringify({ message: error!.message, data: error!.data }).length).toBeLessThan(BOUND);
  });

  it("a secret-like key refusal names ten keys and counts the rest", async () => {
    const vars: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) vars[`password_${i}`] = "v";
    const { result, sent } = await callRecorded(keysServed().client, upstream(), "rk_set_env", { vars });
    expect(sent).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("secret-like key policy: password_0, password_1,");
    expect(text(result)).toContain("password_9, and 9990 more look like a credential");
    expect(text(result).length).toBeLessThan(BOUND);
  });

  it("the servers kept serving", async () => {
    const { result, sent } = await call("post_record", { name: "n" });
    expect(result.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
  });
});
