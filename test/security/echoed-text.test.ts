import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec, genToDisk, writeTree } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

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

let upstream: RecordingServer;
let served: Served;
let keysServed: Served;

beforeAll(async () => {
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  const tree = writeTree("echoed-text", { "openapi.yaml": SPEC });
  const out = join(tree, "catalog");
  const { cat, diags } = await genSpec(join(tree, "openapi.yaml"), "echoes", out.slice(ROOT.length + 1));
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  served = await serveOverStdio(out, { ECHOES_BASE_URL: upstream.url });
  // A tool with a secret-like key policy (keys_arg: vars), as generated.
  const { dir } = await genToDisk(join(ROOT, "test/security/regex-keys/tools.yaml"), tmpDir("echoed-keys"));
  keysServed = await serveOverStdio(dir, { RK_URL: upstream.url });
});
afterAll(async () => {
  await Promise.all([served?.close(), keysServed?.close()]);
  await upstream?.close();
});

const text = (result: { content?: Array<{ text?: string }> }) => result.content?.[0]?.text ?? "";

describe("a refusal echoes a bounded part of what the client sent", () => {
  it("100,000 unknown keys: ten are named and the rest counted", async () => {
    const args: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) args[`k${i}`] = i;
    const { result, sent } = await callRecorded(served.client, upstream, "post_record", args);
    expect(sent).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result).length).toBeLessThan(BOUND);
    expect(text(result)).toContain('unknown properties "k0", "k1",');
    expect(text(result)).toContain('"k9", and 99990 more');
    expect(text(result)).not.toContain('"k10"');
    expect(text(result)).toContain("valid arguments: name, scores");
  });

  it("an unknown key of a megabyte is cut", async () => {
    const { result } = await callRecorded(served.client, upstream, "post_record", { [HUGE]: 1 });
    expect(result.isError).toBe(true);
    expect(text(result).length).toBeLessThan(BOUND);
    expect(text(result)).toContain(`unknown property "${"K".repeat(100)}…"`);
  });

  it("a value refused under a key of a megabyte: the path names it cut", async () => {
    const { result } = await callRecorded(served.client, upstream, "post_record", {
      scores: { [HUGE]: "x" },
    });
    expect(result.isError).toBe(true);
    expect(text(result).length).toBeLessThan(BOUND);
    expect(text(result)).toContain(`scores.${"K".repeat(100)}…: `);
  });

  it("prompts/get of an unknown prompt named by a megabyte", async () => {
    const error = await served.client.getPrompt({ name: HUGE }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toContain(`unknown prompt: ${"K".repeat(100)}…`);
    expect(error!.message.length).toBeLessThan(BOUND);
  });

  it("resources/read of an unknown URI of a megabyte, in the message and in data.uri", async () => {
    const uri = `echoes://${HUGE}`;
    const error = await served.client.readResource({ uri }).then(
      () => undefined,
      (e: Error & { data?: unknown }) => e,
    );
    expect(error?.message).toContain("Resource not found: echoes://KKK");
    expect(JSON.stringify({ message: error!.message, data: error!.data }).length).toBeLessThan(BOUND);
  });

  it("a secret-like key refusal names ten keys and counts the rest", async () => {
    const vars: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) vars[`password_${i}`] = "v";
    const { result, sent } = await callRecorded(keysServed.client, upstream, "rk_set_env", { vars });
    expect(sent).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("secret-like key policy: password_0, password_1,");
    expect(text(result)).toContain("password_9, and 9990 more look like a credential");
    expect(text(result).length).toBeLessThan(BOUND);
  });

  it("the servers kept serving", async () => {
    const { result, sent } = await callRecorded(served.client, upstream, "post_record", { name: "n" });
    expect(result.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
  });
});
