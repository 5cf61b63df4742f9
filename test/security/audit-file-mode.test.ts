import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { baseEnv, serve, spawnRaw } from "./harness.js";

/**
 * An existing audit file with a looser mode than the 0600 toolwright creates: one others may write (they could
 * forge or erase its lines) stops the server at start (exit 2) before anything is appended; one others may read
 * is served, with one stderr line saying so (its lines hold fingerprints and shapes, no values).
 */

let upstream: ScaivaultUpstream;
beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});

const PRELUDE = '{"existing":"line"}\n';
function auditFileWithMode(mode: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "tw-audit-mode-")), "audit.jsonl");
  writeFileSync(file, PRELUDE);
  chmodSync(file, mode);
  expect(statSync(file).mode & 0o777).toBe(mode);
  return file;
}

describe("an existing audit file's mode", () => {
  it.each([
    ["0666", "every user"],
    ["0622", "every user"],
    ["0620", "its group"],
    ["0660", "its group"],
  ])("writable by others (mode %s) stops the server at start, naming the variable", async (shown, who) => {
    const file = auditFileWithMode(Number.parseInt(shown, 8));
    const raw = spawnRaw({ ...baseEnv(upstream, upstream.tokens.admin), SCAIVAULT_AUDIT_FILE: file });
    raw.child.stdin!.end();
    expect(await raw.exited).toBe(2);
    const stderr = raw.err.join("");
    expect(stderr).toContain(`SCAIVAULT_AUDIT_FILE: the audit file is writable by ${who} (mode ${shown})`);
    expect(stderr).toContain("chmod go-w");
    expect(stderr).not.toContain(file);
    expect(raw.out.join("")).toBe("");
    expect(readFileSync(file, "utf8")).toBe(PRELUDE);
    expect(upstream.requests).toHaveLength(0);
  });

  it.each([
    ["0644", "every user"],
    ["0640", "its group"],
  ])("readable by others (mode %s) is served with a warning; 0600 without one", async (shown, who) => {
    const file = auditFileWithMode(Number.parseInt(shown, 8));
    const s = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: file } });
    try {
      const result = await s.call("scaivault_list_secrets", { prefix: "integrations/" });
      expect(result.isError).toBeFalsy();
      expect(s.stderr()).toContain(`SCAIVAULT_AUDIT_FILE: the audit file is readable by ${who}`);
      const lines = readFileSync(file, "utf8").split("\n");
      expect(lines[0]).toBe(PRELUDE.trim());
      expect(JSON.parse(lines[1]!)).toMatchObject({ tool: "scaivault_list_secrets", decision: "allowed" });
    } finally {
      await s.close();
    }
    const tight = auditFileWithMode(0o600);
    const quiet = await serve({ upstream, env: { SCAIVAULT_AUDIT_FILE: tight } });
    try {
      await quiet.call("scaivault_list_secrets", { prefix: "integrations/" });
      expect(quiet.stderr()).not.toContain("the audit file is");
    } finally {
      await quiet.close();
    }
  });
});
