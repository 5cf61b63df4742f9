import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogIndexJson } from "../../codegen/emit/catalog-index.js";
import { asciiJsonBytes, asciiJsonFile, asciiOnly, compactJsonBytes, jsonFile } from "../../codegen/util.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";

/**
 * catalog.json is written by `asciiJsonFile` (compact JSON's bytes laid out and escaped in one pass), which
 * must give exactly the text of `asciiOnly(jsonFile(value))`, V8's own indented JSON, for every value.
 */
const VALUES: [string, unknown][] = [
  ["scalars", [0, -1.5, 1e21, true, false, null, "", "a"]],
  ["empty containers, nested", { a: {}, b: [], c: [{}, []], d: { e: { f: [] } } }],
  ["structural characters inside strings", { "k:{[,]}": 'v "q" {a: [1, 2]}, \\', "\\": "\\\\", '"': '\\"' }],
  ["escapes", { s: 'line\nbreak\ttab\u0000\u001f"end\\', t: "\\\\\\" }],
  ["non-ASCII, a surrogate pair and lone surrogates", { größe: "Café ‘x’ • 日本語 🍜", l: "\ud800x\udfff" }],
  ["undefined, functions and toJSON", { u: undefined, f: () => 1, d: new Date(0), a: [undefined, () => 1] }],
  ["objects whose every value is left out", { a: { u: undefined }, b: [{ f: () => 1 }] }],
  ["deep", JSON.parse(`${"[".repeat(40)}1${"]".repeat(40)}`)],
  ["a bare string", "text"],
  ["a bare number", 42],
  [
    "backslashes and escaped quotes at a string's ends, and a key's",
    {
      "\\": "\\",
      'a\\"': '"\\',
      x: ["\\\\", '\\"', '"', '""', '\\"\\'],
      '"': ["{", "}", "[", "]", ",", ":"],
    },
  ],
  [
    "non-ASCII of every UTF-8 length, at a string's ends and beside escapes",
    [
      "\u0080",
      "\u00ff",
      "é\\",
      "\\é",
      '"é"',
      "\u07ff\u0800",
      "\uffff",
      "\u{10000}",
      "\u{1f35c}\\",
      "\u{10ffff}",
      "a\u{1f35c}b\u2028\u2029",
    ],
  ],
  [
    "non-ASCII keys and empty containers beside them",
    { ключ: {}, "": [], "😀": [{}, [[]], ""], é: { "": {} } },
  ],
  [
    "strings longer than a short run, with and without non-ASCII",
    { long: "x".repeat(300), mixed: `${"y".repeat(200)}é${"\\".repeat(50)}` },
  ],
  ["more escaped output than the compact JSON's room (astral characters)", ["\u{1f35c}".repeat(1000)]],
];

/** Characters the serialiser treats differently: structural, escaped by JSON, non-ASCII of each UTF-8 length. */
const ALPHABET = [
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  " ",
  "a",
  "\n",
  "\u0001",
  "é",
  "\u2028",
  "日",
  "\u{1f35c}",
  "\ud800",
];

/** A deterministic random JSON value (a linear congruential generator, so a failure reproduces). */
function randomValue(seed: number): unknown {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const text = () => Array.from({ length: next(12) }, () => ALPHABET[next(ALPHABET.length)]).join("");
  const value = (depth: number): unknown => {
    const kind = next(depth > 5 ? 3 : 6);
    if (kind === 0) return text();
    if (kind === 1) return [0, -2.5, true, false, null][next(5)];
    if (kind === 2) return next(1000);
    if (kind === 3) return Array.from({ length: next(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: next(4) }, () => [text(), value(depth + 1)]));
  };
  return value(0);
}

describe("catalog.json's serialiser writes V8's indented JSON, in ASCII", () => {
  it.each(VALUES)("%s", (_, value) => {
    expect(asciiJsonFile(value)).toBe(asciiOnly(jsonFile(value)));
  });

  it("500 random values mixing strings, escapes, non-ASCII and nesting", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const value = randomValue(seed);
      expect(asciiJsonFile(value), `seed ${seed}`).toBe(asciiOnly(jsonFile(value)));
    }
  });

  it("the generated catalogs' catalog.json, read back and written again: the same bytes", () => {
    for (const name of ["scaivault", "scaly"]) {
      const text = readFileSync(join(ROOT, "generated", name, "catalog.json"), "utf8");
      expect(asciiJsonFile(JSON.parse(text))).toBe(text);
    }
  });

  it.each(VALUES)("%s: the bytes are the text's, one byte per character", (_, value) => {
    const bytes = asciiJsonBytes(value);
    expect(bytes.equals(Buffer.from(asciiJsonFile(value), "latin1"))).toBe(true);
    expect(bytes.length).toBe(asciiJsonFile(value).length);
  });

  it("catalog.index.json from the serialiser's bytes is the one from the text (generated catalogs)", () => {
    for (const name of ["scaivault", "scaly"]) {
      const text = readFileSync(join(ROOT, "generated", name, "catalog.json"), "utf8");
      const doc = JSON.parse(text) as CatalogDocument;
      const index = readFileSync(join(ROOT, "generated", name, "catalog.index.json"), "utf8");
      const published = readFileSync(join(ROOT, "generated", name, "published.gen.txt")).length;
      expect(catalogIndexJson(doc, asciiJsonBytes(doc), published)).toBe(index);
      expect(catalogIndexJson(doc, text, published)).toBe(index);
    }
  });
});

/**
 * `compactJsonBytes` serialises the top two levels member by member (a catalog's tools and named schemas one by
 * one): what `JSON.stringify` decides per member (`toJSON` with the member's key, what it leaves out or writes
 * `null`, which objects it writes as their members) must come out the same at those levels and below them.
 */
/** An array of `length` with only `values`' indexes set (the others are holes). */
function holey(length: number, values: Record<number, unknown>): unknown[] {
  const array: unknown[] = new Array(length);
  for (const [i, v] of Object.entries(values)) array[Number(i)] = v;
  return array;
}

const MEMBER_CASES: [string, unknown][] = [
  ["toJSON at the top", { toJSON: (key: string) => ({ key, n: 1 }) }],
  [
    "toJSON at the first and second levels, given the member's key",
    {
      a: { toJSON: (key: string) => `key ${key}` },
      list: [{ toJSON: (key: string) => ({ at: key }) }, 1],
      nested: { b: { toJSON: (key: string) => [key] }, d: new Date(0) },
      deeper: { c: { d: { toJSON: (key: string) => key } } },
    },
  ],
  [
    "toJSON giving undefined, a function or a symbol",
    {
      gone: { toJSON: () => undefined },
      list: [{ toJSON: () => undefined }, { toJSON: () => () => 1 }, { toJSON: () => Symbol("s") }],
      inner: { gone: { toJSON: () => undefined }, kept: 1 },
    },
  ],
  [
    "undefined, functions and symbols in objects and arrays at each level",
    {
      u: undefined,
      f: () => 1,
      s: Symbol("s"),
      list: [undefined, () => 1, Symbol("s"), 1],
      inner: { u: undefined, list: [undefined, () => 1], f: () => 1, kept: [1] },
    },
  ],
  ["arrays with holes", holey(4, { 0: 1, 2: holey(2, { 1: 2 }), 3: { a: holey(2, {}) } })],
  [
    "an object whose every member is left out, at each level",
    { a: { u: undefined }, b: [{ f: () => 1 }], c: {} },
  ],
  [
    "objects that are not plain: class instances, Map, Set, boxed primitives, null prototypes",
    {
      instance: new (class {
        x = 1;
        y = [2];
      })(),
      map: new Map([["k", 1]]),
      set: new Set([1]),
      boxed: [new String("s"), new Number(2), new Boolean(false)],
      bare: Object.assign(Object.create(null), { z: 1, y: { x: 2 } }),
    },
  ],
  ["integer-like keys first, as JSON.stringify orders them", { b: 1, 2: 2, a: 3, 1: { z: 1, 0: 0 } }],
  ["a __proto__ key of its own", JSON.parse('{"__proto__": {"x": 1}, "a": {"__proto__": [1]}}')],
  ["numbers JSON cannot write", { a: Number.NaN, b: [Number.POSITIVE_INFINITY, -0], c: { d: -0 } }],
  ["non-ASCII keys and values at each level", { ключ: { 日本: ["🍜", "é"] }, "\u2028": "\u2029" }],
  ["a bare array", [{ a: 1 }, [2, [3]], "x"]],
  ["a bare string", "text"],
  ["null", null],
];

describe("compactJsonBytes: JSON.stringify's UTF-8 bytes, serialised member by member", () => {
  it.each([...VALUES, ...MEMBER_CASES])("%s", (_, value) => {
    expect(compactJsonBytes(value).toString("utf8")).toBe(JSON.stringify(value));
  });

  it("500 random values", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const value = randomValue(seed);
      expect(compactJsonBytes(value).equals(Buffer.from(JSON.stringify(value), "utf8")), `seed ${seed}`).toBe(
        true,
      );
    }
  });

  it("a getter is read once, as JSON.stringify reads it", () => {
    let reads = 0;
    const value = {
      get a() {
        reads++;
        return { b: reads };
      },
    };
    expect(compactJsonBytes(value).toString("utf8")).toBe('{"a":{"b":1}}');
    expect(reads).toBe(1);
  });

  it("the generated catalogs: the bytes of JSON.stringify of their documents", () => {
    for (const name of ["scaivault", "scaly"]) {
      const doc = JSON.parse(readFileSync(join(ROOT, "generated", name, "catalog.json"), "utf8"));
      expect(compactJsonBytes(doc).equals(Buffer.from(JSON.stringify(doc), "utf8"))).toBe(true);
    }
  });

  it("what JSON.stringify refuses is refused (a cycle, a BigInt)", () => {
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic.a as Record<string, unknown>).self = cyclic;
    expect(() => compactJsonBytes(cyclic)).toThrow(TypeError);
    expect(() => compactJsonBytes({ a: { b: 1n } })).toThrow(TypeError);
  });
});
