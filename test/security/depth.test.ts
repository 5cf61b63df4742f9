import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ARGUMENT_DEPTH, nestingDepth } from "../../src/policy/depth.js";
import { until } from "../helpers/events.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { baseEnv, handshake, spawnRaw } from "./harness.js";

/**
 * Item 11: arguments nested deeper than MAX_ARGUMENT_DEPTH are refused up front (no upstream request), and every
 * call that reaches the chain leaves exactly one audit line, however deep its arguments (a few thousand levels
 * used to overflow the stack while fingerprinting, leaving none). The JSON is written by hand: the test's own
 * JSON.stringify would overflow too.
 */

let vault: ScaivaultUpstream;
beforeAll(async () => {
  vault = await startScaivaultUpstream();
});
afterAll(async () => {
  await vault.close();
});

/** `levels` nested objects (or arrays, alternating when mixed) around a canary string. */
function nested(levels: number, mixed = false): string {
  let open = "";
  let close = "";
  for (let i = 0; i < levels; i++) {
    const array = mixed && i % 2 === 1;
    open += array ? "[" : '{"k":';
    close = (array ? "]" : "}") + close;
  }
  return `${open}"DEPTH-CANARY"${close}`;
}

const call = (id: number, name: string, argumentsJson: string) =>
  `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":${argumentsJson}}}\n`;

describe("argument nesting depth", () => {
  it("counts without recursion and stops at the limit", () => {
    expect(nestingDepth("x", 5)).toBe(0);
    expect(nestingDepth({}, 5)).toBe(1);
    expect(nestingDepth({ a: [1, { b: [] }] }, 5)).toBe(4);
    expect(nestingDepth(JSON.parse(nested(200_000)), 10)).toBe(11);
  });

  it("refuses arguments over the bound with one audit line each, however deep, and keeps serving", async () => {
    const audit = join(mkdtempSync(join(tmpdir(), "tw-depth-")), "audit.jsonl");
    const run = spawnRaw({ ...baseEnv(vault, vault.tokens.admin), SCAIVAULT_AUDIT_FILE: audit });
    handshake(run);
    vault.requests.length = 0;
    // Just over the bound, a few thousand levels (the old overflow), and 100,000 mixed objects and arrays; in
    // a declared argument, in an undeclared one, and as the whole arguments object.
    const deep = [
      call(
        2,
        "scaivault_write_secret",
        `{"path":"apps/deep","value":"v","data":${nested(MAX_ARGUMENT_DEPTH)}}`,
      ),
      call(3, "scaivault_write_secret", `{"path":"apps/deep","value":"v","data":${nested(3_000)}}`),
      call(4, "scaivault_read_secret", `{"path":"apps/deep","extra":${nested(100_000, true)}}`),
      call(5, "scaivault_list_secrets", nested(MAX_ARGUMENT_DEPTH + 1)),
    ];
    for (const line of deep) run.child.stdin!.write(line);
    run.send({
      jsonrpc: "2.0",
      id: 6,
      method: "tools/call",
      params: { name: "scaivault_read_secret", arguments: { path: vault.seed.secrets.salesforce } },
    });
    const answers = () =>
      run.out
        .join("")
        .split("\n")
        .slice(0, -1)
        .map((line) => JSON.parse(line));
    await until(
      () => answers().filter((m) => m.id >= 2).length === 5 || undefined,
      [run.child.stdout!],
      () => run.err.join(""),
    );
    const byId = new Map(answers().map((m) => [m.id, m]));
    for (const id of [2, 3, 4, 5]) {
      const result = byId.get(id)?.result;
      expect(result?.isError, `call ${id}`).toBe(true);
      expect(result.content[0].text).toMatch(`nest deeper than ${MAX_ARGUMENT_DEPTH} levels`);
    }
    expect(byId.get(6)?.result.isError).toBeFalsy();
    expect(vault.requests.map((r) => r.operationId)).toEqual(["readSecret"]);
    run.child.stdin!.end();
    expect(await run.exited).toBe(0);

    const lines = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    const refused = lines.filter((l) => l.decision === "refused");
    expect(refused).toHaveLength(4);
    for (const line of refused) {
      expect(line).toMatchObject({
        policy: "arguments",
        reason: "nested too deep",
        upstream: { requests: 0 },
      });
      expect(line.args.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    const everything = run.out.join("") + run.err.join("") + readFileSync(audit, "utf8");
    expect(everything).not.toContain("DEPTH-CANARY");
    expect(run.err.join("")).not.toMatch(/RangeError|Maximum call stack/);
  });
});
