import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { answered, jsonLines } from "../helpers/json-lines.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { baseEnv, spawnRaw } from "./harness.js";

/**
 * The process as a host sees it, with raw pipes: malformed JSON-RPC lines do not stop it, stdout carries
 * JSON-RPC only (the audit log defaults to stderr, one JSON line per call), and it exits 0 when stdin closes.
 */

let upstream: ScaivaultUpstream;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});

/** Sends initialize (id 1) and waits for its answer. */
async function initialized(run: ReturnType<typeof spawnRaw>): Promise<void> {
  run.send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
  await until(
    () => answered(run.out.join(""), [1]),
    [run.child.stdout!],
    () => run.err.join(""),
  );
}

describe("lifecycle", () => {
  it("survives malformed lines, keeps stdout pure, audits to stderr, exits 0 on stdin EOF", async () => {
    const run = spawnRaw({ ...baseEnv(upstream, upstream.tokens.admin), SCAIVAULT_READ_ONLY: "true" });
    const stdout = () => run.out.join("");
    await initialized(run);
    run.child.stdin!.write("this is not json\n");
    run.child.stdin!.write('{"jsonrpc":"2.0","id":2,"method":"tools/list"\n');
    run.child.stdin!.write(`${"[".repeat(5000)}\n`);
    run.child.stdin!.write('{"jsonrpc":"2.0","id":"x","method":"no/such/method"}\n');
    run.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    run.send({ jsonrpc: "2.0", id: 3, method: "tools/list" });
    run.send({
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "scaivault_read_secret", arguments: { path: upstream.seed.secrets.salesforce } },
    });
    run.send({
      jsonrpc: "2.0",
      id: 5,
      method: "tools/call",
      params: { name: "scaivault_delete_secret", arguments: { path: upstream.seed.secrets.salesforce } },
    });
    await until(
      () => answered(stdout(), [3, 4, 5]),
      [run.child.stdout!],
      () => run.err.join(""),
    );
    const messages = jsonLines(stdout());
    for (const message of messages) expect(message.jsonrpc).toBe("2.0");
    const byId = new Map(messages.map((m) => [m.id, m]));
    // Read-only: the 27 write and destructive tools are not listed (the delete below is refused by name).
    expect(byId.get(3)?.result.tools).toHaveLength(40);
    expect(byId.get(4)?.result.isError).toBeFalsy();
    expect(byId.get(5)?.result.isError).toBe(true);
    expect(byId.get("x")?.error.code).toBe(-32601);

    run.child.stdin!.end();
    expect(await run.exited).toBe(0);
    const audit = run.err
      .join("")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    // Lines are written as calls end; these two ran concurrently.
    expect(audit.map((a) => [a.tool, a.decision, a.policy]).sort()).toEqual([
      ["scaivault_delete_secret", "refused", "read-only"],
      ["scaivault_read_secret", "allowed", undefined],
    ]);
    expect(run.err.join("")).not.toContain(upstream.tokens.admin);
    expect(upstream.requests.map((r) => r.operationId)).toEqual(["readSecret"]);
  });

  it("answers a line that is JSON but no JSON-RPC message with -32600, naming its id when it has one", async () => {
    const run = spawnRaw(baseEnv(upstream, upstream.tokens.admin));
    const stdout = () => run.out.join("");
    await initialized(run);
    run.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    // A batch, an id that is an object, a method that is a number, another JSON-RPC version, a bare number.
    run.send([{ jsonrpc: "2.0", id: 2, method: "tools/list" }]);
    run.send({ jsonrpc: "2.0", id: { n: 3 }, method: "tools/list" });
    run.send({ jsonrpc: "2.0", id: 7, method: 42 });
    run.send({ jsonrpc: "1.0", id: "x", method: "ping" });
    run.send(5);
    run.send({ jsonrpc: "2.0", id: 8, method: "tools/call", params: "not an object" });
    run.send({ jsonrpc: "2.0", id: 9, method: "ping" });
    // stderr's line comes through its own pipe, which this process may read after stdout's answers: wait for both.
    const said =
      "a line that is not a JSON-RPC message was answered with -32600 Invalid Request (request id 7)";
    await until(
      () =>
        answered(stdout(), [7, "x", 8, 9]) &&
        jsonLines(stdout()).filter((m) => !("id" in m)).length >= 3 &&
        run.err.join("").includes(said),
      [run.child.stdout!, run.child.stderr!],
      () => run.err.join(""),
    );
    const messages = jsonLines(stdout());
    const byId = new Map(messages.map((m) => [m.id, m]));
    for (const id of [7, "x"]) {
      expect(byId.get(id)?.error.code).toBe(-32600);
      expect(byId.get(id)?.error.message).toMatch(/^Invalid Request: not a JSON-RPC 2\.0 request/);
    }
    // Params that are not an object: the message's shape is wrong, so it is the same answer.
    expect(byId.get(8)?.error.code).toBe(-32600);
    expect(byId.get(9)?.result).toEqual({});
    // The batch, the object id and the number: no id to name.
    const idless = messages.filter((m) => !("id" in m));
    expect(idless.map((m) => m.error.code)).toEqual([-32600, -32600, -32600]);
    // Nothing answers a request the client did not send, and stderr says what happened in a line, not a dump.
    expect(
      messages
        .filter((m) => "id" in m)
        .map((m) => m.id)
        .sort(),
    ).toEqual([1, 7, 8, 9, "x"].sort());
    const err = run.err.join("");
    expect(err).not.toContain("ZodError");
    expect(err).toContain(said);
    run.child.stdin!.end();
    expect(await run.exited).toBe(0);
  });

  it("exits on stdin EOF while idle, before any request", async () => {
    const run = spawnRaw(baseEnv(upstream, upstream.tokens.admin));
    await until(
      () => run.err.join("").includes("serving scaivault"),
      [run.child.stderr!],
      () => run.err.join(""),
    );
    run.child.stdin!.end();
    expect(await run.exited).toBe(0);
    expect(run.out.join("")).toBe("");
  });
});
