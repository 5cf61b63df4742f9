import { describe, expect, it } from "vitest";
import { safeArgName } from "../../codegen/plan/names.js";
import type { HttpBody } from "../../src/catalog.js";
import { buildBody } from "../../src/executors/body.js";

/**
 * A spec may name a parameter or a body property `__proto__`. As an argument name it is `proto` (on every side an
 * argument object's `__proto__` key sets a prototype: zod dropped the value unchecked); on the wire it stays
 * `__proto__`, an own member of the JSON body sent upstream.
 */
describe("parameters and body properties named __proto__", () => {
  it("are offered as the argument proto; other names of Object.prototype stay as they are", () => {
    expect(safeArgName("__proto__")).toBe("proto");
    expect(["constructor", "toString", "hasOwnProperty"].map(safeArgName)).toEqual([
      "constructor",
      "toString",
      "hasOwnProperty",
    ]);
  });

  it("are sent as a member of a JSON body, never as its prototype", () => {
    const body: HttpBody = {
      mediaType: "application/json",
      encoding: "json",
      required: true,
      mode: "fields",
      fields: [
        { arg: "proto", name: "__proto__" },
        { arg: "constructor", name: "constructor" },
      ],
    };
    expect(buildBody(body, { proto: "v", constructor: { prototype: "p" } })?.body).toBe(
      '{"__proto__":"v","constructor":{"prototype":"p"}}',
    );
    expect(buildBody(body, { proto: { injected: 1 } })?.body).toBe('{"__proto__":{"injected":1}}');
    expect(({} as Record<string, unknown>).injected).toBeUndefined();
  });
});
