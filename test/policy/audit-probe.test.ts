import {
  closeSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  statfsSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AUDIT_LINE_ROOM,
  fileProbe,
  lineAppender,
  openAuditSink,
  SPACE_MARGIN,
  SPACE_RECHECK_MS,
  SPACE_WRITTEN_SHARE,
} from "../../src/policy/audit.js";
import type { PolicySettings } from "../../src/policy/settings.js";

/** The audit file's probe (run before every call in `refuse` mode): what it must still catch, and how often it asks. */

const settings = (file: string) => ({ audit: { enabled: true, file } }) as unknown as PolicySettings;
const freshFile = () => join(mkdtempSync(join(tmpdir(), "tw-audit-probe-")), "audit.jsonl");

/** The descriptor this process holds on `file` (the sink's). */
function descriptorOf(file: string): number {
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
  return fd;
}

const GiB = 1024 * 1024 * 1024;

/** A probe of a real regular file whose statfs answers `free()` and whose fstat and statfs are counted. */
function countedProbe(free: () => number, options: { sizeLimit?: number; size?: number } = {}) {
  const file = freshFile();
  const fd = openSync(file, "a");
  const written = { bytes: 0 };
  const counts = { fstat: 0, statfs: 0 };
  let clock = 1000;
  const probe = fileProbe(fd, file, written, {
    fstat: (n) => {
      counts.fstat++;
      const stat = fstatSync(n);
      return { size: options.size ?? stat.size, isFile: () => stat.isFile() };
    },
    statfs: (path) => {
      counts.statfs++;
      statfsSync(path);
      return { bavail: free(), bsize: 1 };
    },
    now: () => clock,
    sizeLimit: options.sizeLimit,
  });
  const tick = (ms: number) => {
    clock += ms;
  };
  return { probe, counts, written, tick, close: () => closeSync(fd) };
}

describe("the audit file's probe", () => {
  it("reports a revoked descriptor: by the line's write (no size limit), then the sink is failing", () => {
    const file = freshFile();
    const sink = openAuditSink(settings(file));
    if (!sink) throw new Error("no sink");
    expect(sink.probe()).toBeUndefined();
    expect(sink.write('{"a":1}')).toBe(true);
    // Close the sink's descriptor behind its back, as a revoked one would be.
    closeSync(descriptorOf(file));
    expect(sink.write('{"a":2}')).toBe(false);
    expect(sink.failing()).toBe("EBADF");
  });

  it("reports a revoked descriptor before the call when a file size limit applies (fstat before every call)", () => {
    const { probe, counts, close } = countedProbe(() => 10 * GiB, { sizeLimit: 1024 * 1024 });
    expect(counts.fstat).toBe(1); // the file's type, at open
    probe();
    probe();
    expect(counts.fstat).toBe(3);
    close();
    expect(() => probe()).toThrow(expect.objectContaining({ code: "EBADF" }));
  });

  it("refuses at the file size limit before the call (EFBIG)", () => {
    const { probe, close } = countedProbe(() => 10 * GiB, {
      sizeLimit: 1024 * 1024,
      size: 1024 * 1024 - AUDIT_LINE_ROOM + 1,
    });
    expect(() => probe()).toThrow(expect.objectContaining({ code: "EFBIG" }));
    close();
  });

  it("reads a regular file's type once and, with no size limit, makes no fstat per call", () => {
    const { probe, counts, close } = countedProbe(() => 10 * GiB);
    for (let i = 0; i < 20; i++) probe();
    expect(counts.fstat).toBe(1);
    close();
  });

  it("asks statfs before every call while the free space is under the margin", () => {
    const { probe, counts, close } = countedProbe(() => SPACE_MARGIN - 1);
    for (let i = 0; i < 5; i++) probe();
    expect(counts.statfs).toBe(5);
    close();
  });

  it("above the margin, asks again after the interval, after a share of it is written, and after a failed write", () => {
    let free = 10 * GiB;
    const { probe, counts, written, tick, close } = countedProbe(() => free);
    probe();
    expect(counts.statfs).toBe(1);
    for (let i = 0; i < 10; i++) {
      tick(SPACE_RECHECK_MS / 20);
      written.bytes += 1000;
      probe();
    }
    expect(counts.statfs).toBe(1);
    tick(SPACE_RECHECK_MS);
    probe();
    expect(counts.statfs).toBe(2);
    expect(written.bytes).toBe(0);
    // Lines written since the last ask reach the share of what it reported.
    written.bytes = free * SPACE_WRITTEN_SHARE;
    probe();
    expect(counts.statfs).toBe(3);
    probe();
    expect(counts.statfs).toBe(3);
    // A write that failed (the appender counts it as infinite) makes the next probe ask.
    written.bytes = Number.POSITIVE_INFINITY;
    free = AUDIT_LINE_ROOM - 1;
    expect(() => probe()).toThrow(expect.objectContaining({ code: "ENOSPC" }));
    // While it reports no room, every call asks (and is refused) until there is room again.
    expect(() => probe()).toThrow(expect.objectContaining({ code: "ENOSPC" }));
    expect(counts.statfs).toBe(5);
    free = 10 * GiB;
    probe();
    expect(counts.statfs).toBe(6);
    probe();
    expect(counts.statfs).toBe(6);
    close();
  });

  it("counts the bytes the lines take for the space check, and a failed write as infinite", () => {
    const file = freshFile();
    const fd = openSync(file, "a");
    const written = { bytes: 0 };
    const append = lineAppender(fd, written);
    append('{"a":1}');
    append('{"b":22}');
    expect(written.bytes).toBe(8 + 9);
    expect(statSync(file).size).toBe(17);
    closeSync(fd);
    expect(() => append('{"c":3}')).toThrow(expect.objectContaining({ code: "EBADF" }));
    expect(written.bytes).toBe(Number.POSITIVE_INFINITY);
  });

  it("reports a device that takes no write (/dev/full)", () => {
    const sink = openAuditSink(settings("/dev/full"));
    if (!sink) throw new Error("no sink");
    expect(sink.probe()).toBe("ENOSPC");
    sink.close();
  });
});
