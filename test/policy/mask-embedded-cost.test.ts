import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  embedsNamedWords,
  maskEmbedded,
  newReading,
  WORK_BASE,
  WORK_PER_CHAR,
} from "../../src/policy/mask-embedded.js";

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

describe("a word read once in a reading is not read again", () => {
  const unit =
    "Considering the Thursday schedule, Stephanie reviewed eNotice; Understanding acme/infra/db/password. ";
  const text = unit.repeat(5_000);

  it("a word that named nothing is decoded once, its work charged at every occurrence as before", () => {
    const from = vi.spyOn(Buffer, "from");
    const reading = newReading();
    const named = embedsNamedWords(text, words, reading);
    const decodings = from.mock.calls.length;
    vi.restoreAllMocks();
    expect(named).toBe(false);
    // Before: each word that starts as base64 of a document does was decoded at each occurrence (10,000 here).
    expect(decodings).toBeLessThan(10);
    // What reading every word costs, counted on the code that read each occurrence (so the budget masks the same).
    expect(reading.work).toBe(2_755_128);
  });

  it("a word seen before is still found when it names a word, and other words sets are read afresh", () => {
    const reading = newReading();
    expect(maskEmbedded({ a: text, b: [unit, unit] }, words)).toEqual({
      data: { a: text, b: [unit, unit] },
      count: 0,
    });
    expect(embedsNamedWords(text, words, reading)).toBe(false);
    const named = `${unit}${Buffer.from(`${unit} {"ssn": 1}`).toString("base64")} ${unit}`;
    expect(embedsNamedWords(named, words, reading)).toBe(true);
    expect(embedsNamedWords(text, new Set(["eNotice".toLowerCase(), "thursday"]), reading)).toBe(false);
    expect(
      embedsNamedWords(
        `x ${Buffer.from('{"thursday": 1}').toString("base64")} ${text}`,
        new Set(["thursday"]),
        reading,
      ),
    ).toBe(true);
  });
});

describe("text naming no masked word is not searched for pairs", () => {
  it("a text with `:`, `=` or `<` but no masked word is not tried as pairs; one with the word still is", () => {
    const texts = Array.from({ length: 1_000 }, (_, i) => `2026-09-12T22:14:${i % 60}Z id=${i} <b>x</b>`);
    const test = vi.spyOn(RegExp.prototype, "test");
    const out = maskEmbedded(texts, words);
    const pairTries = test.mock.contexts.filter((re) => (re as RegExp).source.includes("{0,63}=")).length;
    vi.restoreAllMocks();
    expect(out).toEqual({ data: texts, count: 0 });
    // Before: the pair pattern was tried on each of them (1,000).
    expect(pairTries).toBe(0);
    expect(maskEmbedded(["at 22:14 SSN=123-45-6789", "at 22:14 <ssn>1</ssn>", "ssn: 1"], words).count).toBe(
      3,
    );
  });
});

describe("reading a string's words has a budget linear in its length", () => {
  const encodedSsn = Buffer.from('{"ssn": "123-45-6789"}').toString("base64");
  const MB = 1_000_000;
  const fill = (unit: string, length = MB) => unit.repeat(Math.ceil(length / unit.length));
  const budget = (text: string) => WORK_PER_CHAR * text.length + WORK_BASE;

  it("a string whose words would cost more to read than the budget is masked whole, having spent at most it", () => {
    const hostile = {
      "short percent-encoded words": fill("a%41b "),
      "words percent-encoded eight times over": fill(`%${"25".repeat(7)}41 `),
      "stray percent signs before an escape": fill("%%41 "),
      "escapes of bytes that are no UTF-8": fill("a%FFb "),
    };
    for (const [name, text] of Object.entries(hostile)) {
      const reading = newReading();
      expect(embedsNamedWords(text, words, reading), name).toBe(true);
      // The budget is checked before each read, which then costs its text's length and a read's cost more.
      expect(reading.work, name).toBeLessThanOrEqual(budget(text) + 4 * 1024);
      expect(maskEmbedded({ text }, words), name).toEqual({ data: { text: "••••••" }, count: 1 });
    }
  });

  it("ordinary text full of encoded words is read within the budget and stays; a named key in it is still found", () => {
    const ordinary = {
      "an access log of percent-encoded URLs": fill("GET /files/a%20b?q=x%2Fy HTTP/1.1 200 "),
      "JSON of objects with URLs": JSON.stringify(
        Array.from({ length: 20_000 }, (_, i) => ({
          id: i,
          name: `item ${i}`,
          url: "https://x.example/a?b=c%20d",
        })),
      ),
      "query strings carrying base64 documents": fill(
        `cb?data=${Buffer.from('{"a":1,"b":"xyz"}').toString("base64")}&x=1 `,
      ),
      "a JSON list of short strings": JSON.stringify(
        Array.from({ length: 100_000 }, (_, i) => `tag${i % 10}`),
      ),
    };
    for (const [name, text] of Object.entries(ordinary)) {
      const reading = newReading();
      expect(embedsNamedWords(text, words, reading), name).toBe(false);
      expect(reading.work, name).toBeLessThanOrEqual(budget(text));
      expect(embedsNamedWords(`${text} cb?data=${encodedSsn}`, words), name).toBe(true);
    }
  });

  it("what a compressed document inflates to is read as the string's own characters are", () => {
    const doc = JSON.stringify({
      items: Array.from({ length: 30_000 }, (_, i) => ({ id: i, url: "/a%20b" })),
    });
    const gz = gzipSync(Buffer.from(`${doc.slice(0, -2)}, "ssn": 1}]}`)).toString("base64");
    expect(gz.length * WORK_PER_CHAR + WORK_BASE).toBeLessThan(doc.length * 20);
    expect(embedsNamedWords(gz, words)).toBe(true);
    expect(embedsNamedWords(gzipSync(Buffer.from(doc)).toString("base64"), words)).toBe(false);
  });

  it("percent-decoding throws no exception on a stray % or bytes that are no UTF-8 (each cost ~20 us)", () => {
    const decode = globalThis.decodeURIComponent;
    let thrown = 0;
    const spy = vi.spyOn(globalThis, "decodeURIComponent").mockImplementation((text) => {
      try {
        return decode(text);
      } catch (error) {
        thrown++;
        throw error;
      }
    });
    const text = "%%41 100% a%FFb %E2%82%AC %7B%22a%22%3A1%7D caf%C3%A9%";
    expect(embedsNamedWords(text, words)).toBe(false);
    expect(embedsNamedWords(`${text} x%3D%7B%22ssn%22%3A1%7D%ZZ`, words)).toBe(true);
    expect(spy).toHaveBeenCalled();
    expect(thrown).toBe(0);
  });
});
