import { describe, expect, it } from "vitest";
import { encodePointer, type LoadedDocument } from "../../codegen/load/document.js";
import { child } from "../../codegen/normalize/openapi/schema.js";
import { count } from "../../codegen/util.js";

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
