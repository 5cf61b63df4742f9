import { closeSync, mkdtempSync, readdirSync, readlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openAuditSink } from "../../src/policy/audit.js";
import type { PolicySettings } from "../../src/policy/settings.js";

/** The audit file's probe (run before every call in `refuse` mode): what it must still catch. */

const settings = (file: string) => ({ audit: { enabled: true, file } }) as unknown as PolicySettings;

describe("the audit file's probe", () => {
  it("passes on a writable regular file and reports a revoked descriptor", () => {
    const file = join(mkdtempSync(join(tmpdir(), "tw-audit-probe-")), "audit.jsonl");
    const sink = openAuditSink(settings(file));
    if (!sink) throw new Error("no sink");
    expect(sink.probe()).toBeUndefined();
    expect(sink.write('{"a":1}\n')).toBe(true);
    // Close the sink's descriptor behind its back, as a revoked one would be.
    const fd = readdirSync("/proc/self/fd")
      .map(Number)
      .find((n) => {
        try {
          return readlinkSync(`/proc/self/fd/${n}`) === file;
        } catch {
          return false;
        }
      });
    if (fd === undefined) throw new Error("the sink's descriptor was not found");
    closeSync(fd);
    expect(sink.probe()).toBe("EBADF");
  });

  it("reports a device that takes no write (/dev/full)", () => {
    const sink = openAuditSink(settings("/dev/full"));
    if (!sink) throw new Error("no sink");
    expect(sink.probe()).toBe("ENOSPC");
    sink.close();
  });
});
