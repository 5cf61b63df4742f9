import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { answerTo } from "../helpers/json-lines.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { baseEnv, type Served, serve, spawnRaw, textOf } from "./harness.js";

/**
 * Item 12: the audit log fails closed. While the audit destination cannot be written (a full device, a file at
 * its size limit), calls are refused with a clear MCP error and reach no upstream; the call during which the log
 * failed has its result withheld; once a line can be written again, calls go on. `--audit-failure continue`
 * (TOOLWRIGHT_AUDIT_FAILURE) runs calls unaudited instead, saying so once on stderr.
 */

const CANARY = { path: "integrations/audit-canary/key", value: "audit-canary-value-3e8d71c0b2" };
/** The audit file's size limit (RLIMIT_FSIZE of the server process): writes past it fail with EFBIG. */
const LIMIT = 256 * 1024;

let upstream: ScaivaultUpstream;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(async () => {
  const response = await fetch(`${upstream.url}/v1/secrets/${CANARY.path}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${upstream.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({ value: CANARY.value }),
  });
  expect(response.status).toBeLessThan(300);
  upstream.requests.length = 0;
});

/** Fills an audit file up to the size limit the server runs under (whole filler lines, then a partial one). */
function fillToLimit(file: string): void {
  const used = existsSync(file) ? statSync(file).size : 0;
  const filler = `${JSON.stringify({ filler: "x".repeat(1000) })}\n`;
  const lines = Math.floor((LIMIT - used) / filler.length);
  appendFileSync(file, filler.repeat(lines) + "y".repeat(LIMIT - used - lines * filler.length));
}

/**
 * How this process can mount a tmpfs of its own over `dir`: `unshare -m` (root with CAP_SYS_ADMIN), else a user
 * namespace too (`unshare -rm`). `refused` only where the kernel says no to both (EPERM/EACCES: no capability,
 * unprivileged user namespaces turned off); any other failure (no unshare, no mount) is the test's to report.
 */
function mountNamespace(dir: string): { prefix: string[] } | { refused: string } {
  const tried =
    process.getuid?.() === 0
      ? [
          ["unshare", "-m"],
          ["unshare", "-rm"],
        ]
      : [["unshare", "-rm"]];
  const refusals: string[] = [];
  for (const prefix of tried) {
    const run = spawnSync(
      prefix[0]!,
      [...prefix.slice(1), "mount", "-t", "tmpfs", "-o", "size=4k", "tw-probe", dir],
      {
        encoding: "utf8",
      },
    );
    if (run.status === 0) return { prefix };
    const said = `${run.error?.message ?? ""}${run.stderr ?? ""}`.trim();
    if (!/Operation not permitted|Permission denied/.test(said)) return { prefix };
    refusals.push(`${prefix.join(" ")}: ${said}`);
  }
  return { refused: `the kernel refuses a mount namespace with a tmpfs (${refusals.join("; ")})` };
}

const read = (s: Served) => s.call("scaivault_read_secret", { path: CANARY.path });
const upstreamCalls = () => upstream.requests.map((r) => r.operationId);

function expectNoCanary(s: Served) {
  expect(s.traffic.join("\n")).not.toContain(CANARY.value);
  expect(s.stderr()).not.toContain(CANARY.value);
  // (The audit destination is /dev/full here, which reads as endless zeros: not read.)
}

describe("the audit log fails closed", () => {
  it("refuses the first call after the log fills up with zero upstream requests, and every later one, resuming when writable", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "tw-audit-fills-")), "audit.jsonl");
    const s = await serve({
      upstream,
      env: { SCAIVAULT_AUDIT_FILE: file },
      prefix: ["prlimit", `--fsize=${LIMIT}`],
    });
    try {
      // A call while the log has room: it runs and is audited.
      expect((await read(s)).isError).toBeFalsy();
      expect(upstreamCalls()).toEqual(["readSecret"]);
      expect(s.audit()).toHaveLength(1);

      // The log fills up between calls: the very next call is refused before it reaches the upstream.
      fillToLimit(file);
      upstream.requests.length = 0;
      const first = await read(s);
      expect(first.isError).toBe(true);
      expect(textOf(first)).toMatch(
        /refused: the audit log \(SCAIVAULT_AUDIT_FILE\) cannot be written \(EFBIG\)/,
      );
      expect(upstreamCalls()).toEqual([]);
      expect(s.traffic.filter((t) => t.includes(CANARY.value))).toHaveLength(1);

      // From now on nothing runs: a read and a write are refused before any upstream request.
      upstream.requests.length = 0;
      for (const [name, args] of [
        ["scaivault_read_secret", { path: CANARY.path }],
        ["scaivault_write_secret", { path: "apps/audit/new", value: "v" }],
      ] as const) {
        const refused = await s.call(name, args);
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(
          /refused: the audit log \(SCAIVAULT_AUDIT_FILE\) cannot be written \(EFBIG\)/,
        );
        expect(textOf(refused)).toContain("--audit-failure continue");
      }
      expect(upstreamCalls()).toEqual([]);
      // stderr is its own pipe: the failure's line may be read after the answers, so it is waited for.
      const efbig = /cannot write to the audit log \(EFBIG\)/g;
      expect((await s.waitForStderr(efbig)).match(efbig)).toHaveLength(1);

      // Room again: the next call is refused but its line is written, and the one after runs and is audited.
      truncateSync(file, 0);
      const refusedButLogged = await read(s);
      expect(refusedButLogged.isError).toBe(true);
      const ok = await read(s);
      expect(ok.isError).toBeFalsy();
      expect(upstreamCalls()).toEqual(["readSecret"]);
      const lines = s.audit();
      expect(lines.map((l) => [l.decision, l.error, l.policy])).toEqual([
        ["refused", "audit_unavailable", "audit"],
        ["allowed", undefined, undefined],
      ]);
      await s.waitForStderr("the audit log can be written again");
      // The value only ever reached the client in the two audited calls.
      expect(s.traffic.filter((t) => t.includes(CANARY.value))).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it("refuses the first call after the audit file's file system fills up (a 1 MiB tmpfs), and runs again once it has room", async (ctx) => {
    // The server runs in a mount namespace of its own with a 1 MiB tmpfs over `dir`; the test reaches that
    // file system through /proc/<pid>/root. Under the probe's margin, statfs is asked before every call.
    const dir = mkdtempSync(join(tmpdir(), "tw-audit-tmpfs-"));
    const file = join(dir, "audit.jsonl");
    const unshare = mountNamespace(dir);
    if ("refused" in unshare) return ctx.skip(unshare.refused);
    const s = await serve({
      upstream,
      env: { SCAIVAULT_AUDIT_FILE: file },
      prefix: [...unshare.prefix, "sh", "-c", 'mount -t tmpfs -o size=1m tw-audit "$0" && exec "$@"', dir],
    });
    const inside = (path: string) => `/proc/${s.pid}/root${path}`;
    const lines = () =>
      readFileSync(inside(file), "utf8")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l));
    try {
      expect((await read(s)).isError).toBeFalsy();
      expect(upstreamCalls()).toEqual(["readSecret"]);
      expect(lines()).toHaveLength(1);
      // Not the host's directory: the line went to the tmpfs.
      expect(existsSync(file)).toBe(false);

      // Someone else fills the file system between calls: the next call never reaches the upstream. (A filler
      // line first takes the rest of the audit file's last page, so no later line fits anywhere.)
      const size = statSync(inside(file)).size;
      const pad = 4096 - (size % 4096) + (4096 - (size % 4096) < 16 ? 4096 : 0);
      appendFileSync(inside(file), `${JSON.stringify({ filler: "x".repeat(pad - 14) })}\n`);
      expect(statSync(inside(file)).size % 4096).toBe(0);
      try {
        writeFileSync(inside(join(dir, "filler")), Buffer.alloc(2 * 1024 * 1024, 120));
      } catch (error) {
        expect((error as { code?: string }).code).toBe("ENOSPC");
      }
      upstream.requests.length = 0;
      for (let i = 0; i < 2; i++) {
        const refused = await read(s);
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(
          /refused: the audit log \(SCAIVAULT_AUDIT_FILE\) cannot be written \(ENOSPC\)/,
        );
      }
      expect(upstreamCalls()).toEqual([]);

      // Room again: the next call is refused but its line is written, and the one after runs.
      rmSync(inside(join(dir, "filler")));
      expect((await read(s)).isError).toBe(true);
      expect((await read(s)).isError).toBeFalsy();
      expect(upstreamCalls()).toEqual(["readSecret"]);
      expect(lines().map((l) => [l.decision ?? "filler", l.error])).toEqual([
        ["allowed", undefined],
        ["filler", undefined],
        ["refused", "audit_unavailable"],
        ["allowed", undefined],
      ]);
      const enospc = /cannot write to the audit log \(ENOSPC\)/g;
      expect((await s.waitForStderr(enospc)).match(enospc)).toHaveLength(1);
      expect(s.traffic.filter((t) => t.includes(CANARY.value))).toHaveLength(2);
    } finally {
      await s.close();
    }
  });

  it("refuses every call on a full device (/dev/full), never showing a value", async () => {
    const s = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: "/dev/full" } });
    try {
      // Even the first call: the probe before it finds the device full, so nothing reaches the upstream.
      for (let i = 0; i < 2; i++) {
        const refused = await read(s);
        expect(refused.isError).toBe(true);
        expect(textOf(refused)).toMatch(/refused: the audit log .* cannot be written \(ENOSPC\)/);
      }
      expect(upstreamCalls()).toEqual([]);
      expectNoCanary(s);
    } finally {
      await s.close();
    }
  });

  it("--audit-failure continue runs calls unaudited, saying so once", async () => {
    const s = await serve({
      upstream,
      env: { SCAIVAULT_AUDIT_FILE: "/dev/full", TOOLWRIGHT_AUDIT_FAILURE: "continue" },
    });
    try {
      for (let i = 0; i < 2; i++) expect((await read(s)).isError).toBeFalsy();
      expect(upstreamCalls()).toEqual(["readSecret", "readSecret"]);
      const enospc = /cannot write to the audit log \(ENOSPC\)/g;
      expect((await s.waitForStderr(enospc)).match(enospc)).toHaveLength(1);
      expect(s.stderr()).not.toContain(CANARY.value);
    } finally {
      await s.close();
    }
  });

  it("refuses calls once stderr, the default audit log, is a closed pipe, and keeps serving", async () => {
    const run = spawnRaw(baseEnv(upstream, upstream.tokens.admin));
    const stdout = () => run.out.join("");
    const answer = async (id: number) => {
      return (await until(
        () => answerTo(stdout(), id),
        [run.child.stdout!],
        () => run.err.join(""),
      )) as { result?: { isError?: boolean; content?: Array<{ text?: string }> } };
    };
    const call = (id: number) =>
      run.send({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name: "scaivault_read_secret", arguments: { path: CANARY.path } },
      });
    try {
      run.send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      });
      await answer(1);
      run.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      call(2);
      expect((await answer(2)).result?.isError).toBeFalsy();
      await until(
        () => run.err.join("").includes('"event":"tool_call"'),
        [run.child.stderr!],
        () => run.err.join(""),
      );
      // The host stops reading stderr: the next audit line meets a closed pipe (EPIPE).
      run.child.stderr!.destroy();
      call(3);
      await answer(3);
      upstream.requests.length = 0;
      for (const id of [4, 5]) {
        call(id);
        const refused = (await answer(id)).result;
        expect(refused?.isError).toBe(true);
        expect(refused?.content?.map((c) => c.text).join("")).toMatch(
          /audit log .*cannot be written \(EPIPE\)/,
        );
      }
      expect(upstreamCalls()).toEqual([]);
      expect(stdout()).not.toContain(`"id":3,"error"`);
    } finally {
      run.child.kill();
      await run.exited;
    }
  });
});
