import { describe, expect, it } from "vitest";
import type { HttpParam, ParamLocation, ParamStyle } from "../../src/catalog.js";
import { ArgumentError } from "../../src/executors/errors.js";
import {
  encodeAllowReserved,
  encodeStrict,
  hasDotSegment,
  serializeCookieParam,
  serializeHeaderParam,
  serializePathParam,
  serializeQueryParam,
} from "../../src/executors/serialize.js";

const param = (
  inLoc: ParamLocation,
  style: ParamStyle,
  explode: boolean,
  extra: Partial<HttpParam> = {},
): HttpParam => ({
  arg: "color",
  name: "color",
  in: inLoc,
  style,
  explode,
  required: false,
  ...extra,
});

const EMPTY = "";
const STRING = "blue";
const ARRAY = ["blue", "black", "brown"];
const OBJECT = { R: 100, G: 200, B: 150 };

// The OpenAPI "Style Examples" table (as corrected in 3.0.4/3.1.1 to follow RFC 6570: non-exploded label and
// matrix lists use commas). Query rows show the whole query string, joined with `&`.
describe("OpenAPI style examples", () => {
  const path = (style: ParamStyle, explode: boolean, value: unknown) =>
    serializePathParam(param("path", style, explode), value);
  const query = (style: ParamStyle, explode: boolean, value: unknown) =>
    serializeQueryParam(param("query", style, explode), value).join("&");

  it.each([
    // style, explode, empty, string, array, object
    ["matrix", false, ";color", ";color=blue", ";color=blue,black,brown", ";color=R,100,G,200,B,150"],
    ["matrix", true, ";color", ";color=blue", ";color=blue;color=black;color=brown", ";R=100;G=200;B=150"],
    ["label", false, ".", ".blue", ".blue,black,brown", ".R,100,G,200,B,150"],
    ["label", true, ".", ".blue", ".blue.black.brown", ".R=100.G=200.B=150"],
  ] as const)("path %s explode=%s", (style, explode, empty, string, array, object) => {
    expect(path(style, explode, EMPTY)).toBe(empty);
    expect(path(style, explode, STRING)).toBe(string);
    expect(path(style, explode, ARRAY)).toBe(array);
    expect(path(style, explode, OBJECT)).toBe(object);
  });

  it.each([
    ["simple", false, "blue", "blue,black,brown", "R,100,G,200,B,150"],
    ["simple", true, "blue", "blue,black,brown", "R=100,G=200,B=150"],
  ] as const)("path %s explode=%s", (style, explode, string, array, object) => {
    expect(path(style, explode, STRING)).toBe(string);
    expect(path(style, explode, ARRAY)).toBe(array);
    expect(path(style, explode, OBJECT)).toBe(object);
  });

  it("path simple refuses an empty value (it would be an empty segment)", () => {
    expect(() => path("simple", false, EMPTY)).toThrow(ArgumentError);
    expect(() => path("simple", false, [])).toThrow(ArgumentError);
  });

  it.each([
    ["form", false, "color=", "color=blue", "color=blue,black,brown", "color=R,100,G,200,B,150"],
    ["form", true, "color=", "color=blue", "color=blue&color=black&color=brown", "R=100&G=200&B=150"],
  ] as const)("query %s explode=%s", (style, explode, empty, string, array, object) => {
    expect(query(style, explode, EMPTY)).toBe(empty);
    expect(query(style, explode, STRING)).toBe(string);
    expect(query(style, explode, ARRAY)).toBe(array);
    expect(query(style, explode, OBJECT)).toBe(object);
  });

  it.each([
    ["spaceDelimited", "color=blue%20black%20brown", "color=R%20100%20G%20200%20B%20150"],
    ["pipeDelimited", "color=blue|black|brown", "color=R|100|G|200|B|150"],
  ] as const)("query %s explode=false", (style, array, object) => {
    expect(query(style, false, ARRAY)).toBe(array);
    expect(query(style, false, OBJECT)).toBe(object);
  });

  it("query spaceDelimited/pipeDelimited explode=true repeat the key like form", () => {
    expect(query("spaceDelimited", true, ARRAY)).toBe("color=blue&color=black&color=brown");
    expect(query("pipeDelimited", true, ARRAY)).toBe("color=blue&color=black&color=brown");
  });

  it("query deepObject", () => {
    expect(query("deepObject", true, OBJECT)).toBe("color[R]=100&color[G]=200&color[B]=150");
    expect(query("deepObject", true, { a: { b: "c" }, list: [1, 2] })).toBe(
      "color[a][b]=c&color[list][]=1&color[list][]=2",
    );
  });

  it("query deepObject: an object inside an array takes its index, at the top and nested", () => {
    expect(query("deepObject", true, [{ price: "p1", quantity: 2 }, { price: "p2" }])).toBe(
      "color[0][price]=p1&color[0][quantity]=2&color[1][price]=p2",
    );
    expect(query("deepObject", true, { items: [{ price: "p1", tax: ["t1", "t2"] }, "x"] })).toBe(
      "color[items][0][price]=p1&color[items][0][tax][]=t1&color[items][0][tax][]=t2&color[items][]=x",
    );
    expect(query("deepObject", true, { items: [{ "a]&b=c": "v" }] })).toBe("color[items][0][a%5D%26b%3Dc]=v");
    // A scalar item takes empty brackets, as Stripe's `expand[]=` (a repeated bare key is its last value to Rack).
    expect(query("deepObject", true, ["a", "b"])).toBe("color[]=a&color[]=b");
    expect(query("deepObject", true, [])).toBe("");
  });

  it("header simple", () => {
    const header = (explode: boolean, value: unknown) =>
      serializeHeaderParam(param("header", "simple", explode), value);
    expect(header(false, STRING)).toBe("blue");
    expect(header(false, ARRAY)).toBe("blue,black,brown");
    expect(header(false, OBJECT)).toBe("R,100,G,200,B,150");
    expect(header(true, OBJECT)).toBe("R=100,G=200,B=150");
    expect(header(false, undefined)).toBeUndefined();
  });

  it("cookie form", () => {
    const cookie = (explode: boolean, value: unknown) =>
      serializeCookieParam(param("cookie", "form", explode), value);
    expect(cookie(true, STRING)).toEqual(["color=blue"]);
    expect(cookie(false, ARRAY)).toEqual(["color=blue,black,brown"]);
    expect(cookie(true, ARRAY)).toEqual(["color=blue", "color=black", "color=brown"]);
    // Exploded objects would take cookie names from the value's keys: refused (see request building).
    expect(() => cookie(true, OBJECT)).toThrow(/keys would become cookie names/);
    expect(cookie(false, OBJECT)).toEqual(["color=R,100,G,200,B,150"]);
    expect(cookie(true, "a; admin=1")).toEqual(["color=a%3B%20admin%3D1"]);
  });
});

describe("encoding", () => {
  it("encodes every value before delimiters are added", () => {
    const q = param("query", "form", true, { name: "q" });
    expect(serializeQueryParam(q, "x&admin=true")).toEqual(["q=x%26admin%3Dtrue"]);
    expect(serializeQueryParam({ ...q, explode: false }, ["a,b", "c"])).toEqual(["q=a%2Cb,c"]);
    expect(serializeQueryParam(q, "100% #1 + more")).toEqual(["q=100%25%20%231%20%2B%20more"]);
  });

  it("absent values (undefined, null, empty arrays) produce no parameter", () => {
    const q = param("query", "form", true);
    expect(serializeQueryParam(q, undefined)).toEqual([]);
    expect(serializeQueryParam(q, null)).toEqual([]);
    expect(serializeQueryParam(q, [])).toEqual([]);
  });

  it("scalars are rendered as text", () => {
    const q = param("query", "form", true, { name: "n" });
    expect(serializeQueryParam(q, 5)).toEqual(["n=5"]);
    expect(serializeQueryParam(q, false)).toEqual(["n=false"]);
  });

  it("allowReserved leaves reserved characters, but never & = # +", () => {
    expect(encodeAllowReserved("a/b:c?d@e[f]!$'()*,;")).toBe("a/b:c?d@e[f]!$'()*,;");
    expect(encodeAllowReserved("x&admin=true#frag+1")).toBe("x%26admin%3Dtrue%23frag%2B1");
    const q = param("query", "form", true, { name: "path", allowReserved: true });
    expect(serializeQueryParam(q, "dir/file.txt")).toEqual(["path=dir/file.txt"]);
  });

  it("strict encoding also covers !'()*", () => {
    expect(encodeStrict("a!b'c(d)e*f")).toBe("a%21b%27c%28d%29e%2Af");
  });

  it("content parameters are serialised as JSON", () => {
    const q = param("query", "form", true, { name: "filter", contentType: "application/json" });
    expect(serializeQueryParam(q, { a: 1 })).toEqual(["filter=%7B%22a%22%3A1%7D"]);
  });

  it("an exploded form object repeats a property's name for each item of its array (Spring's Pageable)", () => {
    // springdoc publishes Pageable as one required object query parameter; Spring reads sort=a&sort=b. Before,
    // the array went out as its JSON text (sort=%5B%22email%2Casc%22%2C%22id%2Cdesc%22%5D). Nested objects stay JSON.
    const q = param("query", "form", true, { name: "pageable" });
    const value = {
      page: 0,
      size: 20,
      sort: ["email,asc", "id,desc"],
      empty: [],
      none: null,
      nested: { a: 1 },
    };
    expect(serializeQueryParam(q, value)).toEqual([
      "page=0",
      "size=20",
      "sort=email%2Casc",
      "sort=id%2Cdesc",
      "nested=%7B%22a%22%3A1%7D",
    ]);
    // Not exploded, the object is one value as before.
    expect(serializeQueryParam(param("query", "form", false, { name: "p" }), { page: 0 })).toEqual([
      "p=page,0",
    ]);
  });
});

describe("path values", () => {
  const p = param("path", "simple", false, { arg: "id", name: "id" });

  it.each([
    ["a/b", "a%2Fb"],
    ["a?x=1", "a%3Fx%3D1"],
    ["a#f", "a%23f"],
    ["a\\b", "a%5Cb"],
    ["v1.2", "v1.2"],
    ["...x", "...x"],
    ["ä b", "%C3%A4%20b"],
  ])("%s is one encoded segment: %s", (value, expected) => {
    expect(serializePathParam(p, value)).toBe(expected);
  });

  it.each([
    ".",
    "..",
    "%2e%2e",
    ".%2e",
    "%2E.",
    "%252e%252e",
    "a/../b",
    "..\\x",
    "",
    "../x",
    "...",
    ".. ",
    "..%20",
    "..:x",
    "..::$DATA",
    "a/..%3A%3A$DATA/b",
    ". .:$I30",
    ".:x",
  ])("refuses %j", (value) => {
    expect(() => serializePathParam(p, value)).toThrow(ArgumentError);
  });

  it("refuses a missing value", () => {
    expect(() => serializePathParam(p, undefined)).toThrow(/required/);
  });

  it("label style cannot form '..' from a '.' value", () => {
    expect(() => serializePathParam({ ...p, style: "label" }, ".")).toThrow(ArgumentError);
  });

  it("multiSegment validates and encodes each segment", () => {
    const m = { ...p, multiSegment: true };
    expect(serializePathParam(m, "team/db passwords/prod")).toBe("team/db%20passwords/prod");
    expect(serializePathParam(m, "a/b%2Fc")).toBe("a/b%252Fc");
    for (const bad of ["a//b", "/a", "a/", "a/../b", "a/./b", "..", "a/%2e%2e/b", "a\\b", "a/b\\..", ""]) {
      expect(() => serializePathParam(m, bad), bad).toThrow(ArgumentError);
    }
  });

  it("hasDotSegment sees through repeated encoding", () => {
    expect(hasDotSegment("%252e%252e")).toBe(true);
    expect(hasDotSegment("a%2F..")).toBe(true);
    expect(hasDotSegment("a.b")).toBe(false);
  });
});

describe("header values", () => {
  const h = param("header", "simple", false, { arg: "trace", name: "X-Trace" });
  it.each(["a\r\nX-Admin: 1", "a\nb", "a\rb", "a\u0000b", "a\u007fb"])("refuses %j", (value) => {
    expect(() => serializeHeaderParam(h, value)).toThrow(ArgumentError);
  });
  it("refuses non-ASCII (headers are bytes; a silent re-encoding would change the value)", () => {
    expect(() => serializeHeaderParam(h, "café")).toThrow(/ASCII/);
  });
  it("keeps tabs and printable text", () => {
    expect(serializeHeaderParam(h, "a\tb c;d=e")).toBe("a\tb c;d=e");
  });
  // A header is sent as it is: a member holding its separator would reach the upstream as two (or as a key the
  // arguments never had), so it is refused; one without is sent joined.
  it.each([
    ["simple", false, ["a,b", "c"], /item 1 holds ','/],
    ["simple", true, { role: "user,admin=true" }, /the value of "role" holds ','/],
    ["simple", true, { "admin=true,x": "y" }, /the key "admin=true,x" holds ','/],
    ["simple", true, { "a=b": "c" }, /the key "a=b" holds '='/],
    ["simple", false, { "a,b": "c" }, /the key "a,b" holds ','/],
    ["spaceDelimited", false, ["a b", "c"], /item 1 holds a space/],
    ["pipeDelimited", false, ["a", "b|c"], /item 2 holds '\|'/],
    ["tabDelimited", false, ["a\tb"], /item 1 holds a tab/],
  ] as const)("%s (explode %s) refuses %j", (style, explode, value, message) => {
    const header = param("header", style, explode, { arg: "trace", name: "X-Trace" });
    expect(() => serializeHeaderParam(header, value)).toThrow(message);
  });
  it("sends members without their separator joined, a `=` in an object's value and a `,` under another delimiter", () => {
    expect(serializeHeaderParam(param("header", "simple", true), { t: "a=b" })).toBe("t=a=b");
    expect(serializeHeaderParam(param("header", "simple", false), { "a=b": "c" })).toBe("a=b,c");
    expect(serializeHeaderParam(param("header", "pipeDelimited", false), ["a,b", "c"])).toBe("a,b|c");
  });
});

describe("members holding a delimiter no encoding tells apart", () => {
  it("spaceDelimited and tabDelimited: a space or tab in a member is refused (it is encoded as the delimiter is)", () => {
    expect(() => serializeQueryParam(param("query", "spaceDelimited", false), ["a b", "c"])).toThrow(
      /member 1 holds a space/,
    );
    expect(() => serializeQueryParam(param("query", "tabDelimited", false), ["a", "b\tc"])).toThrow(
      /member 2 holds a tab/,
    );
    expect(serializeQueryParam(param("query", "spaceDelimited", true), ["a b", "c"])).toEqual([
      "color=a%20b",
      "color=c",
    ]);
  });
  it("exploded label: a `.` in a member is refused; unexploded label encodes `,`", () => {
    expect(() => serializePathParam(param("path", "label", true), ["1.2", "3"])).toThrow(
      /member 1 holds '\.'/,
    );
    expect(() => serializePathParam(param("path", "label", true), { v: "1.2" })).toThrow(
      /member 2 holds '\.'/,
    );
    expect(serializePathParam(param("path", "label", false), ["1.2", "a,b"])).toBe(".1.2,a%2Cb");
  });
});

// encodeStrict, hasDotSegment and serializeHeaderParam answer the usual value (unreserved characters, no `.` or `%`,
// printable ASCII) without their general pass; every character must still come out as the general rule says.
describe("the usual-value shortcuts follow the general rules", () => {
  const strict = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const chars = [...Array.from({ length: 0x180 }, (_, i) => String.fromCharCode(i)), "\u2028", "😀"];
  const h = param("header", "simple", false, { arg: "h", name: "X-H" });
  const headerRule = (text: string) =>
    /[\r\n]/.test(text)
      ? "CR or LF"
      : /[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)
        ? "control characters"
        : /[^\u0000-\u007f]/.test(text)
          ? "ASCII"
          : text;
  const headerOutcome = (text: string) => {
    try {
      return serializeHeaderParam(h, text);
    } catch (error) {
      return (error as Error).message.match(/(CR or LF|control characters|ASCII)$/)?.[1];
    }
  };

  it("encodeStrict: each character alone and inside unreserved text, and lone surrogates refused", () => {
    for (const c of chars) {
      for (const text of [c, `ab${c}`, `${c}-z_9.~`])
        expect(encodeStrict(text), JSON.stringify(text)).toBe(strict(text));
    }
    expect(encodeStrict("")).toBe("");
    expect(() => encodeStrict("a\ud800")).toThrow(URIError);
  });

  it("serializeHeaderParam: each character refused or kept as the three rules say", () => {
    for (const c of chars) {
      for (const text of [c, `v${c}`, `${c}v 1`])
        expect(headerOutcome(text), JSON.stringify(text)).toBe(headerRule(text));
    }
  });

  it("hasDotSegment: values without `.` or `%` hold no dot segment; with them, the decoded rule applies", () => {
    expect(hasDotSegment("integrations/salesforce\\api-key")).toBe(false);
    for (const text of [
      "..",
      ".",
      "a/./b",
      "a\\..\\b",
      "%2e%2E",
      ".%2e",
      "%252e%252e",
      "x/%2e",
      "...",
      ". ",
      "a/.. /b",
    ]) {
      expect(hasDotSegment(text), text).toBe(true);
    }
    for (const text of ["a.b", "...x", " ..", "%41", "a/.b./c", "%2ex", ":x", "x..:y", "fe80::1", "..x:y"])
      expect(hasDotSegment(text), text).toBe(false);
  });
});
