import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { type Served, serve, textOf } from "./harness.js";

/**
 * A sibling of item 11: an upstream response nested tens of thousands of levels deep must not crash or stall
 * masking, output validation, drift tolerance or audit: the call gets a clear MCP error, leaves one audit line,
 * and the server keeps serving.
 */

const CANARY = "deep-canary-51c0e9";
const PATH = "integrations/deep/key";
const LEVELS = 50_000;

const nested = (key: string) => `${`{"${key}":`.repeat(LEVELS)}"${CANARY}"${"}".repeat(LEVELS)}`;
const nestedArray = () => `${"[".repeat(LEVELS)}"${CANARY}"${"]".repeat(LEVELS)}`;

let upstream: ScaivaultUpstream;
let servers: Array<[string, Served]> = [];

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  const put = await fetch(`${upstream.url}/v1/secrets/${PATH}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${upstream.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({ value: "v" }),
  });
  expect(put.status).toBeLessThan(300);
  servers = [
    ["masking on", await serve({ upstream, env: { SCAIVAULT_MASK_VALUES: "true" } })],
    ["masking off", await serve({ upstream })],
  ];
});
afterAll(async () => {
  for (const [, s] of servers) await s.close();
  await upstream?.close();
});

describe("an upstream response nested tens of thousands of levels deep", () => {
  it("gets a clear error, one audit line, and the server keeps serving", async () => {
    const read = await fetch(`${upstream.url}/v1/secrets/${PATH}`, {
      headers: { authorization: `Bearer ${upstream.tokens.admin}` },
    });
    const body = (await read.json()) as Record<string, unknown>;
    const prefix = JSON.stringify(body).slice(0, -1);
    const bodies: Array<[string, string]> = [
      ["an undeclared deep object", `${prefix},"extra":${nested("a")}}`],
      [
        "a deep object under a masked path",
        `${prefix.replace(/,"data":\{[^}]*\}/, "")},"data":${nested("k")}}`,
      ],
      ["a deep array at the root", nestedArray()],
    ];
    for (const [mode, s] of servers) {
      for (const [label, text] of bodies) {
        upstream.injectFault({ operationId: "readSecret", status: 200, body: text });
        const result = await s.call("scaivault_read_secret", { path: PATH });
        const shown = JSON.stringify(result);
        expect(shown, `${mode}, ${label}`).not.toContain(CANARY);
        expect(result.isError, `${mode}, ${label}: ${textOf(result)}`).toBe(true);
        expect(textOf(result), `${mode}, ${label}`).toMatch(/nested deeper than/);
      }
      // Still serving.
      const ok = await s.call("scaivault_read_secret", { path: PATH });
      expect(ok.isError, mode).toBeFalsy();
      expect(s.audit(), mode).toHaveLength(bodies.length + 1);
      expect(s.auditText(), mode).not.toContain(CANARY);
      // stderr read whole, once the server has exited: before, a line it wrote may not have been read yet.
      expect(await s.stderrAtExit(), mode).not.toContain(CANARY);
    }
  });
});
