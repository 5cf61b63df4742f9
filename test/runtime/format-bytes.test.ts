import { describe, expect, it } from "vitest";
import { formatBytes } from "../../src/telemetry/bytes.js";

const KiB = 1024;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * How errors (response and message limits, token and key documents) and generate's summary print a size: each
 * count in the largest unit of 1024 it holds, rounded half up (bytes and KiB whole, MiB and up to a tenth), and in
 * the next unit when rounding carries it to 1024 of its own. Units of 1024 are named so (KiB, MiB): a size printed
 * `MB` was read as 1,000,000 bytes (the issues' and the bench's unit), 4.9% off at 1 MiB and 10% at 1 TiB.
 */
describe("formatBytes", () => {
  it.each([
    [0, "0 bytes"],
    [1, "1 byte"],
    // The edges: below and at each unit of 1024, and the decimal counts a reader may take for one.
    [999, "999 bytes"],
    [1000, "1000 bytes"],
    [1023, "1023 bytes"],
    [1024, "1 KiB"],
    [1535, "1 KiB"],
    [1536, "2 KiB"],
    [64 * KiB, "64 KiB"],
    [999_999, "977 KiB"],
    [1023 * KiB + 511, "1023 KiB"],
    // Rounding carries these to 1024 KiB: they are a whole MiB.
    [1023 * KiB + 512, "1 MiB"],
    [1_048_575, "1 MiB"],
    [1_048_576, "1 MiB"],
    [9_950_000, "9.5 MiB"],
    // 9.95 MiB lies between two counts: below it a tenth down, from it a tenth up (to a whole 10, without `.0`).
    [Math.floor(9.95 * MiB), "9.9 MiB"],
    [Math.ceil(9.95 * MiB), "10 MiB"],
    [10 * MiB, "10 MiB"],
    [16 * MiB, "16 MiB"],
    [GiB - 1, "1 GiB"],
    [1.5 * GiB, "1.5 GiB"],
    [2048 * GiB, "2 TiB"],
  ])("%d bytes read %s", (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });

  it("names every unit as the divisor it is computed with: 1024s are KiB, MiB, GiB, TiB, never KB, MB, GB, TB", () => {
    for (let power = 1; power <= 4; power++) {
      const text = formatBytes(1024 ** power);
      expect(text).toBe(`1 ${["KiB", "MiB", "GiB", "TiB"][power - 1]}`);
      expect(formatBytes(1000 ** power)).not.toMatch(/\b[KMGT]B\b/);
    }
  });
});
