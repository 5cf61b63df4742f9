import { describe, expect, it } from "vitest";
import { compose, upstreamRequestSent } from "../../src/chain.js";
import { auditStep, trackedSink } from "../../src/policy/audit.js";
import { ctxFor, docWith, runStep, settingsFor, tool } from "./helpers.js";

// The audit step's per-call work: a line is the record JSON.stringify writes (reading order, absent facts left
// out), its per-tool head serialised once, and the fingerprint key imported into a KeyObject once for every line.

const READING_ORDER = [
  "time",
  "event",
  "catalog",
  "tool",
  "called_as",
  "entry",
  "correlation_id",
  "depth",
  "parent",
  "client",
  "args",
  "decision",
  "policy",
  "rule",
  "reason",
  "error",
  "applied",
  "upstream",
  "duration_ms",
];

function stepWithLines() {
  const settings = settingsFor(docWith([tool("app_read_secret"), tool("app_write")]));
  let keyReads = 0;
  const key = settings.fingerprintKey;
  const counted = Object.create(settings, {
    fingerprintKey: {
      get: () => {
        keyReads += 1;
        return key;
      },
    },
  }) as typeof settings;
  const lines: string[] = [];
  const step = auditStep(
    counted,
    trackedSink(
      (line) => lines.push(line),
      () => {},
    ),
    "refuse",
  );
  return { step, lines, keyReads: () => keyReads };
}

describe("the audit line", () => {
  it("is the record as JSON.stringify writes it, in reading order, for plain, aliased, nested and refused calls", async () => {
    const { step, lines } = stepWithLines();
    const read = tool("app_read_secret");
    const parent = ctxFor(tool("app_write"), {});
    await runStep(step, ctxFor(read, { path: "a/b", extra: 1 }));
    await runStep(step, { ...ctxFor(read, { path: "a/b" }), calledAs: "app_get_secret", depth: 1, parent });
    const refused = ctxFor(read, { path: 5 });
    refused.upstream.lastStatus = 404;
    refused.notes.set("policy.applied", ["mask"]);
    await runStep(step, refused, { data: null, error: { message: "no", code: "invalid_arguments" } });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(JSON.stringify(record)).toBe(line);
      const keys = Object.keys(record);
      expect(keys).toEqual(READING_ORDER.filter((k) => keys.includes(k)));
      expect(record).toMatchObject({ event: "tool_call", catalog: "app", tool: "app_read_secret" });
      expect(Date.parse(record.time as string)).not.toBeNaN();
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({
      entry: "tools/call",
      correlation_id: "c0ffee000000",
      client: { era: "legacy" },
      args: { shape: { path: "string", "(undeclared)": "1 key" } },
      decision: "allowed",
      upstream: { requests: 0 },
    });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      called_as: "app_get_secret",
      depth: 1,
      parent: "app_write",
    });
    expect(JSON.parse(lines[2]!)).toMatchObject({
      decision: "refused",
      policy: "arguments",
      error: "invalid_arguments",
      applied: ["mask"],
      upstream: { requests: 0, status: 404 },
    });
  });

  it("imports the fingerprint key once for any number of lines, and fingerprints alike", async () => {
    const { step, lines, keyReads } = stepWithLines();
    const read = tool("app_read_secret");
    for (let i = 0; i < 5; i++) await runStep(step, ctxFor(read, { path: "a/b" }));
    await runStep(step, ctxFor(read, { path: "a/c" }));
    expect(keyReads()).toBe(1);
    const prints = lines.map((line) => JSON.parse(line).args.fingerprint as string);
    expect(new Set(prints.slice(0, 5)).size).toBe(1);
    expect(prints[5]).not.toBe(prints[0]);
    expect(prints[0]).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is started while the upstream answers a call that sends a request, and reads the same as one made at the end", async () => {
    const { step, lines, keyReads } = stepWithLines();
    const read = tool("app_read_secret");
    const ctx = ctxFor(read, { path: "a/b" });
    let readsWhenAnswered = -1;
    await compose([step], async () => {
      upstreamRequestSent(); // what the executor does once its request is on the connection
      await new Promise<void>((resolve) => setImmediate(resolve)); // the upstream's wait
      readsWhenAnswered = keyReads();
      return { data: { ok: true } };
    })(ctx);
    // The start (with the fingerprint, the only reader of the key) was made during the wait, not after it.
    expect(readsWhenAnswered).toBe(1);
    // A call that sends nothing makes its line at the end: the same members, the same fingerprint.
    await runStep(step, { ...ctx, correlationId: ctx.correlationId });
    const [waited, ended] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const { time: _t1, duration_ms: _d1, ...w } = waited!;
    const { time: _t2, duration_ms: _d2, ...e } = ended!;
    expect(w).toEqual(e);
    expect(Object.keys(waited!)).toEqual(Object.keys(ended!));
  });
});
