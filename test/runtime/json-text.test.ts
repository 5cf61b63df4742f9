import { describe, expect, it } from "vitest";
import { exactNumber, isExactNumber } from "../../src/catalog.js";
import {
  charsetOf,
  decodeText,
  exactArgumentsOf,
  integerText,
  mayHoldLongNumber,
  parseClientJson,
  parseJson,
} from "../../src/executors/json-text.js";
import { canonicalJson } from "../../src/policy/canonical.js";

/** What JSON.stringify writes for a number token read by parseJson. */
const written = (token: string) => JSON.stringify(parseJson(`{"n":${token}}`)).slice(5, -1);

describe("upstream JSON numbers are written back as the upstream wrote them", () => {
  it.each([
    // beyond 2^53: rounded by JSON.parse
    ["9007199254740993", "9007199254740993"],
    ["-12345678901234567890", "-12345678901234567890"],
    ["1790000000000000001", "1790000000000000001"],
    // more digits than a double keeps
    ["0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827"],
    ["19.999999999999999999", "19.999999999999999999"],
    // out of a double's range
    ["1e400", "1e400"],
    ["-1E400", "-1E400"],
    ["1e-400", "1e-400"],
    // a double holds these: its shortest form (the same decimal value) is written
    ["9007199254740991", "9007199254740991"],
    ["0.1", "0.1"],
    ["1.0", "1"],
    ["1.50", "1.5"],
    ["1e2", "100"],
    ["1.5e300", "1.5e+300"],
    ["100000000000000000000000", "1e+23"],
    ["-0", "0"],
    ["0.000000000000000000001", "1e-21"],
  ])("%s is written as %s", (token, out) => {
    expect(written(token)).toBe(out);
    expect(written(` ${token}`)).toBe(out);
  });

  it("only numbers a double does not hold become exact numbers, at any depth; strings are untouched", () => {
    const value = parseJson(
      '[{"a":[1,12345678901234567890,"12345678901234567890"]},\n 1e999, 3.14, "x:1234567890123456789"]',
    ) as unknown[];
    const first = value[0] as { a: unknown[] };
    expect(first.a[0]).toBe(1);
    expect(isExactNumber(first.a[1])).toBe(true);
    expect(first.a[2]).toBe("12345678901234567890");
    expect(isExactNumber(value[1])).toBe(true);
    expect(value[2]).toBe(3.14);
    expect(value[3]).toBe("x:1234567890123456789");
    expect(isExactNumber(parseJson("12345678901234567890"))).toBe(true);
  });

  it("integerText tells integers from fractions however they are written", () => {
    for (const t of ["12345678901234567890", "1.5e30", "10.0", "-1e400", "0"])
      expect(integerText(t)).toBe(true);
    for (const t of ["0.1000000000000000055", "1e-400", "12345678901234567.5"])
      expect(integerText(t)).toBe(false);
  });
});

describe("client JSON: only a tools/call's arguments keep exact numbers", () => {
  const line = `{"jsonrpc":"2.0","id":12345678901234567890,"method":"tools/call","params":{"name":"t","arguments":{"id":12345678901234567890,"n":1}}}`;

  it("parseClientJson grafts the exact arguments; the request id stays a number", () => {
    const message = parseClientJson(line) as {
      id: unknown;
      params: { arguments: { id: unknown; n: number } };
    };
    expect(typeof message.id).toBe("number");
    expect(isExactNumber(message.params.arguments.id)).toBe(true);
    expect(message.params.arguments.n).toBe(1);
    const batch = parseClientJson(`[${line},{"jsonrpc":"2.0","id":2,"method":"ping"}]`) as unknown[];
    expect(isExactNumber((batch[0] as typeof message).params.arguments.id)).toBe(true);
  });

  it("the audit fingerprint and confirmation binding read an exact number as its digits", () => {
    expect(canonicalJson({ b: exactNumber("12345678901234567890"), a: [1] })).toBe(
      '{"a":[1],"b":12345678901234567890}',
    );
  });

  it("exactArgumentsOf finds them only when a number needs it", () => {
    expect(JSON.stringify(exactArgumentsOf(line)?.arguments)).toBe('{"id":12345678901234567890,"n":1}');
    expect(exactArgumentsOf(line.replace(/12345678901234567890/g, "12"))).toBeUndefined();
    expect(exactArgumentsOf(line.replace("tools/call", "tools/list"))).toBeUndefined();
  });
});

describe("the byte check before a stdio line is read exactly (mayHoldLongNumber)", () => {
  /** LONG_NUMBER's spelling, as exactArgumentsOf asks it of the decoded text. */
  const LONG = /[:,[]\s*-?\d(?:[\d.]{15}|[\d.]*[eE])/;
  const tokens = [
    "0",
    "-0",
    "12",
    "-7",
    "0.5",
    "1.25e3",
    "1E-7",
    "-2e+2",
    "9007199254740991",
    "9007199254740993",
    "123456789012345",
    "1234567890123456",
    "-123456789012345",
    "12345678901234.5",
    "123456789012345.6",
    "0.1000000000000000055511151231257827",
    "1e400",
    "19.999999999999999999",
    "-12345678901234567890",
  ];
  const spaces = ["", " ", "\t", "\r\n ", "  \n"];
  const pick = <T>(items: readonly T[], r: () => number) => items[Math.floor(r() * items.length)] as T;

  /** A tools/call line (JSON text, every number token after a structural character and JSON whitespace). */
  function line(r: () => number): string {
    const ws = () => pick(spaces, r);
    const value = (depth: number): string => {
      const k = r();
      if (depth > 2 || k < 0.45) return pick(tokens, r);
      if (k < 0.6) return JSON.stringify(pick(["a:1234567890123456", "v2e", "é,12", "ß", "x"], r));
      if (k < 0.8) return `[${ws()}${value(depth + 1)}${ws()},${ws()}${value(depth + 1)}${ws()}]`;
      return `{${ws()}"k":${ws()}${value(depth + 1)}${ws()},"ü":${ws()}${value(depth + 1)}}`;
    };
    return `{"jsonrpc":"2.0","id":${pick(["1", "12345678901234567890", '"a"'], r)},"method":"tools/call","params":{"name":"t","arguments":{"n":${ws()}${value(0)}}}}`;
  }

  it("says yes to every line LONG_NUMBER matches on a number token, and so to every line read exactly", () => {
    let seed = 7;
    const r = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let exact = 0;
    for (let i = 0; i < 4000; i++) {
      const text = line(r);
      JSON.parse(text); // every generated line is JSON
      const bytes = Buffer.from(text);
      const found = mayHoldLongNumber(bytes);
      if (exactArgumentsOf(text) !== undefined) {
        exact++;
        expect(found, text).toBe(true);
      }
      // Outside strings the two agree token for token: blank out the strings and compare.
      const bare = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      expect(mayHoldLongNumber(Buffer.from(bare)), bare).toBe(LONG.test(bare));
    }
    expect(exact).toBeGreaterThan(200);
  });

  it("reads tokens at a line's end and after a minus, and nothing in a line without one", () => {
    expect(mayHoldLongNumber(Buffer.from('{"a":[1,2,1234567890123456'))).toBe(true);
    expect(mayHoldLongNumber(Buffer.from('{"a":-1e5}'))).toBe(true);
    expect(mayHoldLongNumber(Buffer.from('{"a":\n -1.5E'))).toBe(true);
    expect(mayHoldLongNumber(Buffer.from('{"a":-\n 1.5E'))).toBe(false);
    expect(mayHoldLongNumber(Buffer.from('{"a":123456789012345}'))).toBe(false);
    expect(mayHoldLongNumber(Buffer.from('{"a":"1234567890123456","b":-'))).toBe(false);
    expect(mayHoldLongNumber(Buffer.from('{"path":"integrations/salesforce/api-key","v":2}'))).toBe(false);
    expect(mayHoldLongNumber(Buffer.from(""))).toBe(false);
  });
});

describe("upstream text in its charset", () => {
  it("reads the charset parameter, quoted or not", () => {
    expect(charsetOf('application/json; Charset="UTF-16"')).toBe("utf-16");
    expect(charsetOf("text/plain;charset=latin1")).toBe("latin1");
    expect(charsetOf("application/json")).toBeUndefined();
  });

  it("notes what it could not decode, and names no charset that does not look like one", () => {
    expect(decodeText(Buffer.from([0x61, 0xff]), null)).toMatchObject({ text: "a\uFFFD" });
    expect(decodeText(Buffer.from([0x61, 0xff]), null).note).toMatch(/not valid utf-8/);
    expect(decodeText(Buffer.from("ok"), "text/plain; charset=x<script>").note).toMatch(
      /declares a charset this server cannot decode/,
    );
    expect(decodeText(Buffer.from("\ufeffok"), "text/plain")).toEqual({ text: "ok" });
  });

  it("a byte order mark decides over the declared charset, as WHATWG decode (browsers) reads a body", () => {
    const be = Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d, 0x00, 0xe9]);
    expect(decodeText(be, "application/json; charset=utf-16")).toEqual({ text: "{}\u00e9" });
    expect(
      decodeText(Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), "application/json; charset=utf-16be"),
    ).toEqual({
      text: "{}",
    });
    const utf8 = Buffer.from("\ufeffcafé", "utf8");
    expect(decodeText(utf8, "text/plain; charset=iso-8859-1")).toEqual({ text: "café" });
    expect(decodeText(utf8, "text/plain; charset=utf-16le")).toEqual({ text: "café" });
  });

  it("US-ASCII is ASCII: a byte past 0x7f is U+FFFD with a note, never a windows-1252 letter", () => {
    for (const label of ["us-ascii", "US-ASCII", "ascii", "ANSI_X3.4-1968"])
      expect(decodeText(Buffer.from('{"a":"b"}'), `application/json; charset=${label}`)).toEqual({
        text: '{"a":"b"}',
      });
    const sent = decodeText(Buffer.from("café", "utf8"), "application/json; charset=us-ascii");
    expect(sent.text).toBe("caf\uFFFD\uFFFD");
    expect(sent.note).toMatch(/not valid us-ascii/);
  });
});
