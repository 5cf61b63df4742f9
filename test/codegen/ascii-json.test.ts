import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { asciiJson, asciiJsonCounts } from "../../codegen/load/ascii-json.js";
import { loadDocument } from "../../codegen/load/document.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * A `.json` input is parsed from a one-byte text with its non-ASCII characters written as `\uXXXX` escapes
 * (`asciiJson`): the same value, the same diagnostics located in the file's own text, and the file's own text made
 * only when something asks for it.
 */

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]/;

/** `asciiJson` over a copy of `text`'s UTF-8 bytes with `spare` bytes of room after them. */
function escaped(text: string, spare = 4096) {
  const bytes = Buffer.from(text, "utf8");
  const room = Buffer.alloc(bytes.length + spare);
  bytes.copy(room);
  return { ascii: asciiJson(room, bytes.length), room, bytes };
}

function expectSame(text: string): void {
  const { ascii } = escaped(text, 65536);
  expect(ascii, text).toBeDefined();
  if (!ascii) return;
  expect(/^[\x00-\x7f]*$/.test(ascii.text), text).toBe(true);
  expect(JSON.parse(ascii.text), text).toEqual(JSON.parse(text));
  expect(ascii.original(), text).toBe(text);
  expect(ascii.matchesOwn(SURROGATE_ESCAPE), text).toBe(SURROGATE_ESCAPE.test(text));
}

const LONG = "é日\u{1f35c}".repeat(400);
const CASES = [
  '{"a":"plain"}',
  '{"é":"ü"}',
  '{"key ü":["x", "日本語", "\u{1f35c} ramen", "\u2028\u2029"]}',
  ' \n\t{"a":"é at the end é"}',
  '["é\\"", "\\\\ é", "\\n日", "\\u00e9é"]',
  `{"long":"${LONG}","after":"é"}`,
  '{"pair":"\\ud83d\\ude00 \u{1f600}", "lone escape": "\\ud800", "upper": "\\uDFFF é"}',
  '{"no":"\\\\ud800 written out, after é"}',
  '{"nbsp":"\u00a0", "bom inside":"\ufeff", "replacement":"\ufffd"}',
  `[${Array.from({ length: 300 }, (_, i) => `"${"x".repeat(i)}é${"y".repeat(300 - i)}"`).join(",")}]`,
];

/** A deterministic random JSON text (a linear congruential generator, so a failure reproduces). */
function randomText(seed: number): string {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const ALPHABET = [
    "a",
    " ",
    '"',
    "\\",
    "\n",
    "é",
    "ß",
    "日",
    "\u2028",
    "\u{1f35c}",
    "\ud800",
    "\udfff",
    "ü",
    "\u0000",
  ];
  const str = () => Array.from({ length: next(10) }, () => ALPHABET[next(ALPHABET.length)]).join("");
  const value = (depth: number): unknown => {
    const kind = next(depth > 4 ? 3 : 5);
    if (kind === 0) return str();
    if (kind === 1) return [0, -2.5, true, null][next(4)];
    if (kind === 2) return next(1000);
    if (kind === 3) return Array.from({ length: next(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: next(4) }, () => [str(), value(depth + 1)]));
  };
  const v = { root: value(0) };
  return seed % 2 ? JSON.stringify(v) : JSON.stringify(v, null, 2);
}

describe("asciiJson", () => {
  it.each(CASES)("%s: one-byte text, the same value, the file's own text and surrogate escapes", (text) => {
    expectSame(text);
  });

  it("500 random texts (non-ASCII in keys and values, escapes, surrogates, indented or not)", () => {
    for (let seed = 1; seed <= 500; seed++) expectSame(randomText(seed));
  });

  it("leaves the bytes untouched and declines where the ordinary decoding must be used", () => {
    for (const [text, spare] of [
      ['{"a":"\\é"}', 4096], // "\é" is not JSON; "\\u00e9" would be
      ['{"a":"\\\\é"}', 4096], // an escaped backslash before it: declined too (the plain decoding reads it)
      ['\u00a0{"a":"é"}', 4096], // /\s/ skips U+00A0, JSON does not
      ["a: é", 4096], // not JSON text: read as YAML
      [`{"a":"${"é".repeat(100)}"}`, 100], // 600 escape characters for 200 bytes: no room
    ] as const) {
      const { ascii, room, bytes } = escaped(text, spare);
      expect(ascii, text).toBeUndefined();
      expect(room.subarray(0, bytes.length).equals(bytes), text).toBe(true);
    }
  });

  it("an ASCII file is its own text", () => {
    const { ascii } = escaped('{"a":"\\u00e9"}');
    expect(ascii?.text).toBe('{"a":"\\u00e9"}');
    expect(ascii?.original()).toBe(ascii?.text);
  });
});

describe("loadDocument reads a .json file through asciiJson", () => {
  const dir = tmpDir("ascii-json");
  const load = (name: string, text: string | Buffer) => {
    const abs = join(dir, name);
    writeFileSync(abs, text);
    const diags = new Diagnostics();
    const before = { ...asciiJsonCounts };
    const doc = loadDocument(abs, name, diags);
    return {
      doc,
      diags: diags.items.map((d) => ({ code: d.code, message: d.message, ...d.source })),
      escaped: asciiJsonCounts.escaped - before.escaped,
      own: () => asciiJsonCounts.own - before.own,
    };
  };

  it("the same data and hash; the file's own text only when asked, then exact", () => {
    const text = '{\n  "titlé": "Ünïcode \u{1f35c}",\n  "list": ["日本", "\\u00e9", "\u2028"]\n}\n';
    const r = load("spec.json", text);
    expect(r.diags).toEqual([]);
    expect(r.escaped).toBe(1);
    expect(r.doc?.data).toEqual(JSON.parse(text));
    expect(r.doc?.sha256).toBe(createHash("sha256").update(Buffer.from(text)).digest("hex"));
    expect(r.own()).toBe(0);
    expect(r.doc?.text).toBe(text);
    expect(r.own()).toBe(1);
  });

  it("positions are the file's own: a pointer after non-ASCII characters on its line", () => {
    const text = '{"d": "ééé日\u{1f35c}", "x": {"y": 1}}';
    const r = load("pos.json", text);
    expect(r.doc?.ref("#/x/y")).toMatchObject({ line: 1, column: text.indexOf("1") + 1 });
    expect(r.doc?.ref("#/x", true)).toMatchObject({ line: 1, column: text.indexOf('"x"') + 1 });
  });

  /** What the plain decoding reports for `text`: JSON.parse's message, at its position in the file's own text. */
  const asBefore = (text: string, file: string) => {
    let message = "";
    try {
      JSON.parse(text);
    } catch (e) {
      message = (e as Error).message;
    }
    const at = /position (\d+)/.exec(message);
    const lines = text.slice(0, Number(at?.[1])).split("\n");
    return {
      code: "TW101",
      message: `invalid JSON: ${message}`,
      file,
      // Messages without a position are located too (the test below says where).
      ...(at
        ? { line: lines.length, column: (lines[lines.length - 1] as string).length + 1 }
        : { line: expect.any(Number), column: expect.any(Number) }),
    };
  };

  // Found by the generate fuzzer: V8 gives no position for a token it did not expect (`Unexpected token ',',
  // "[1, 2,, 3]" is not valid JSON`) nor for a text that ends early (`Unexpected end of JSON input`), so the
  // error named the file only. Now it names the character, or the end.
  it("a JSON error V8 gives no position for is located at the character, or at the end of a cut text", () => {
    const cases: [string, number, number][] = [
      ["[1, 2,, 3]", 1, 7],
      ['{"a": 1,\n "b": [true, flase]}', 2, 15],
      ['{"é": [1, 2,]}', 1, 13],
      ['{"a": "b", "c": nul, "d": 1}', 1, 20],
      ['{\n  "openapi": "3.0.0",\n  "deprecated": tru', 3, 20],
    ];
    for (const [text, line, column] of cases) {
      const r = load("where.json", text);
      expect(r.doc).toBeUndefined();
      expect(r.diags, text).toEqual([expect.objectContaining({ code: "TW101", line, column })]);
    }
  });

  it("a syntax error after a non-ASCII character: JSON.parse's message, at the character in the file", () => {
    for (const text of [
      '{\n  "a": "héllo",\n  "b": é\n}',
      '{"a": "日本", "b": 1 ü}',
      '{"a": "é"\n  "b": 2}',
      '{"a": "\u{1f35c}日", "b": tru}',
      '{"a": "\u{1f35c}日" "b": 2}',
      '{"é": [1, 2,]}',
      '{"é": "x"}\n\u00e9',
    ]) {
      const r = load("bad.json", text);
      expect(r.doc).toBeUndefined();
      expect(r.diags, text).toEqual([asBefore(text, "bad.json")]);
    }
    // Located ones, counted in characters of the file (the escaped text is longer before them).
    expect(load("bad.json", '{"a": "é"\n  "b": 2}').diags[0]).toMatchObject({ line: 2, column: 3 });
    expect(load("bad.json", '{"a": "\u{1f35c}日" "b": 2}').diags[0]).toMatchObject({ line: 1, column: 13 });
  });

  it("a backslash before a non-ASCII character is the invalid escape it is", () => {
    const r = load("escape.json", '{"a": "\\é"}');
    expect(r.escaped).toBe(0);
    expect(r.diags).toEqual([asBefore('{"a": "\\é"}', "escape.json")]);
  });

  it("a lone surrogate escape is found beside raw astral characters, and only then", () => {
    const spec = (s: string) => `{"a": "\u{1f35c}\u{1f600}", "b": {"c": "${s}"}}`;
    expect(load("ok.json", spec("\u{1f35c} \\ud83d\\ude00")).diags).toEqual([]);
    expect(load("lone.json", spec("x \\udc00")).diags).toEqual([
      expect.objectContaining({
        code: "TW101",
        pointer: "#/b/c",
        message: expect.stringMatching(/lone surrogate/),
      }),
    ]);
  });

  it("a repeated key after non-ASCII text is located in the file's own text", () => {
    const text = '{"é日": 1, "a": 1, "a": 2}';
    const r = load("twice.json", text);
    expect(r.diags).toEqual([
      expect.objectContaining({ code: "TW101", line: 1, column: text.lastIndexOf('"a"') + 1 }),
    ]);
  });

  it("what asciiJson declines is read as before: a byte order mark, U+00A0 before the brace, YAML in .json", () => {
    const bom = load("bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"é": 1}')]));
    expect(bom.escaped).toBe(0);
    expect(bom.doc?.data).toEqual({ é: 1 });
    const nbsp = load("nbsp.json", '\u00a0{"a": 1}');
    expect(nbsp.escaped).toBe(0);
    expect(nbsp.diags).toEqual([asBefore('\u00a0{"a": 1}', "nbsp.json")]);
    const yaml = load("yaml.json", "a: é\nb: [1]\n");
    expect(yaml.escaped).toBe(0);
    expect(yaml.doc?.data).toEqual({ a: "é", b: [1] });
  });
});
