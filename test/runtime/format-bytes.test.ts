import { describe, expect, it } from "vitest";
import { formatBytes } from "../../src/telemetry/bytes.js";

const KB = 1024;
const MB = 1024 * 1024;
const GB = 1024 * MB;

/**
 * How errors (response and message limits, token and key documents) and generate's summary print a size: each
 * count in the largest unit of 1024 it holds, rounded half up (bytes and KB whole, MB and up to a tenth), and in
 * the next unit when rounding carries it to 1024 of its own.
 */
describe("formatBytes", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    [1023, "1023 bytes"],
    [KB, "1 KB"],
    [1535, "1 KB"],
    [1536, "2 KB"],
    [64 * KB, "64 KB"],
    [999_999, "977 KB"],
    [1023 * KB + 511, "1023 KB"],
    // Rounding carries these to 1024 KB: they are a whole MB.
    [1023 * KB + 512, "1 MB"],
    [MB - 1, "1 MB"],
    [MB, "1 MB"],
    [9_950_000, "9.5 MB"],
    // 9.95 MB lies between two counts: below it a tenth down, from it a tenth up (to a whole 10, without `.0`).
    [Math.floor(9.95 * MB), "9.9 MB"],
    [Math.ceil(9.95 * MB), "10 MB"],
    [10 * MB, "10 MB"],
    [16 * MB, "16 MB"],
    [GB - 1, "1 GB"],
    [1.5 * GB, "1.5 GB"],
    [2048 * GB, "2 TB"],
  ])("%d bytes read %s", (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
