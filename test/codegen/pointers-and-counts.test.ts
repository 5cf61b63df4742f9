import { describe, expect, it } from "vitest";
import { encodePointer, type LoadedDocument } from "../../codegen/load/document.js";
import { child } from "../../codegen/normalize/openapi/schema.js";
import { codeText, count } from "../../codegen/util.js";

/**
 * Two helpers generate calls often, written to allocate less: `child` (the pointer of every schema and property a
 * spec has) escapes a segment only when it holds `~` or `/`, and `count` (stage labels) groups digits itself
 * instead of asking ICU. Both must give exactly what the plain versions gave.
 */
describe("child pointers", () => {
  const doc = {} as LoadedDocument;
  it.each([
    [["components", "schemas", "Pet"]],
    [["paths", "/repos/{owner}/{repo}", "get"]],
    [["a~b", "~1", "/", "~", "", 0, 12]],
    [["properties", "x/y~z", "items", 3]],
  ] as (string | number)[][][])("%j", (segments) => {
    expect(child({ doc, pointer: "#" }, ...segments)).toEqual({ doc, pointer: encodePointer(segments) });
    expect(child({ doc, pointer: "#/a" }, ...segments).pointer).toBe(
      `#/a${encodePointer(segments).slice(1)}`,
    );
  });
});

describe("count labels", () => {
  it("group digits as toLocaleString('en-US') does", () => {
    for (const n of [0, 1, 2, 12, 123, 999, 1000, 1223, 12345, 123456, 1234567, 10000000, 2 ** 31]) {
      expect(count(n, "tool")).toBe(`${n.toLocaleString("en-US")} tool${n === 1 ? "" : "s"}`);
    }
  });
});

/** `codeText` as it was written before line feed and tab left its class: every match replaced, those two kept. */
function codeTextPlain(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (char) => {
    if (char === "\n" || char === "\t") return char;
    let out = "";
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return out;
  });
}

describe("code text", () => {
  it("escapes what the plain replace escaped, and leaves line feeds and tabs", () => {
    const cases = [
      "",
      "const a = 1;\n\tconst b = 2;\n",
      "\n\n\t\t",
      "x \u202e y \u2066 z\u200b\u2028\u2029\r\u0000\u001b[31m\u007f\u0085\udb40\udc41 \ud800 lone \udc00",
      "// \u{1f600} emoji and caf\u00e9 stay\n\t// tab \u00ad soft hyphen",
    ];
    // Random texts over the interesting characters and plain ones.
    const alphabet = [
      "a",
      " ",
      "\n",
      "\t",
      "\r",
      "\u202e",
      "\u200b",
      "\u2028",
      "\ud83d",
      "\ude00",
      "\u00e9",
      "\u0085",
    ];
    let seed = 7;
    for (let n = 0; n < 300; n++) {
      let text = "";
      for (let i = 0; i < 40; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        text += alphabet[seed % alphabet.length];
      }
      cases.push(text);
    }
    for (const text of cases) expect(codeText(text)).toBe(codeTextPlain(text));
    expect(codeText("a\n\tb\n")).toBe("a\n\tb\n");
  });
});
