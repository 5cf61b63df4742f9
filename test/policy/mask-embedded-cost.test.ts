import { afterEach, describe, expect, it, vi } from "vitest";
import { maskEmbedded } from "../../src/policy/mask-embedded.js";

/**
 * What masking costs on hostile upstream strings, counted (never timed): text that starts like a document but
 * cannot be JSON is not handed to JSON.parse (each failure is an exception, ~20 us: 200k log lines cost seconds),
 * and text repeating a masked name is read in passes over the whole, not a copy and a test per occurrence.
 */

const words = new Set(["ssn"]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("masking reads hostile strings at bounded cost", () => {
  it("log lines and prose that start with a bracket or a brace are not parsed, and stay", () => {
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `[2024-01-01 10:00:${i % 60}] INFO request ${i} served`,
    );
    const prose = [
      "{ see the ssn section }",
      "[1] ssn rules, [2] others",
      '"quoted" she said',
      "[draft] {x} ]",
    ];
    const data = { lines, prose };
    const parse = vi.spyOn(JSON, "parse");
    const out = maskEmbedded(data, words);
    expect(parse).toHaveBeenCalledTimes(0);
    expect(out).toEqual({ data, count: 0 });
    expect(out.data).toBe(data);
  });

  it("JSON is still parsed and read, however it is spaced", () => {
    const parse = vi.spyOn(JSON, "parse");
    const docs = ['[{"ssn": 1}]', ' \n{ "a": {"SSN": "x"} }\t', '[ -1.5e3 , {"ssn": 2}]', '"{\\"ssn\\": 3}"'];
    const out = maskEmbedded(docs, words);
    expect(out.count).toBe(4);
    expect(parse.mock.calls.length).toBeGreaterThanOrEqual(4);
  });

  it("a long string repeating a masked name is read without a copy per occurrence", () => {
    const payload = `{${"ssn x, ".repeat(20_000)}`;
    const slice = vi.spyOn(String.prototype, "slice");
    const out = maskEmbedded({ payload }, words);
    const copies = slice.mock.calls.length;
    vi.restoreAllMocks();
    expect(out.count).toBe(0);
    expect(copies).toBeLessThan(10);
    // The same text naming the key still fails closed.
    expect(maskEmbedded({ payload: `${payload} ssn: 1` }, words).count).toBe(1);
    expect(maskEmbedded({ payload: `${payload} "s\\sn"` }, words).count).toBe(1);
  });

  it("a string of many words is searched once for words worth reading, not word by word", () => {
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(5_000);
    const replace = vi.spyOn(String.prototype, "replace");
    const out = maskEmbedded({ text }, words);
    const calls = replace.mock.calls.length;
    vi.restoreAllMocks();
    expect(out.count).toBe(0);
    expect(calls).toBeLessThan(10);
  });
});
