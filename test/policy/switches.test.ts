import { describe, expect, it } from "vitest";
import { MASK } from "../../src/policy/mask.js";
import { namedMask, namedMaskPaths, namedMaskStep } from "../../src/policy/switches.js";
import { ctxFor, runStep, tool } from "./helpers.js";

/** `serve --mask`: fields masked by name in every tool's results, whatever the schema says. */

const mask = (...fields: string[]) => {
  const problems: string[] = [];
  const m = namedMask({ label: "--mask", fields }, problems);
  expect(problems).toEqual([]);
  return m!;
};

describe("masking fields by name", () => {
  it("masks a named key at any depth, case-insensitively, in data no schema describes", async () => {
    const t = tool("t");
    const data = {
      user: { name: "ann", Password: "pw-1", nested: [{ password: { hash: "h", salt: 2 } }] },
      items: [{ token: "tk" }],
      password: null,
    };
    const { outcome } = await runStep(namedMaskStep(mask("password")), ctxFor(t, {}), { data });
    expect(outcome.data).toEqual({
      user: { name: "ann", Password: MASK, nested: [{ password: { hash: MASK, salt: MASK } }] },
      items: [{ token: "tk" }],
      password: null,
    });
  });

  it("leaves out a GraphQL response's extensions quoted in a note where they hold a named field", async () => {
    const t = tool("t");
    const charset = "the body was not valid UTF-8";
    const cost = 'GraphQL extensions: {"cost":{"requestedQueryCost":1}}';
    const held = [
      'GraphQL extensions: {"debug":{"request":{"Token":"s3cr3t"}}}',
      `GraphQL extensions: ${JSON.stringify({ trace: JSON.stringify({ token: "s3cr3t" }) })}`,
      'GraphQL extensions: (5012 characters, not shown; keys "tracing", "token")',
      // Summed up by its keys, one of them a document naming the field in base64: it mentions nothing.
      'GraphQL extensions: (5012 characters, not shown; keys "tracing", "eyJ0b2tlbiI6MX0")',
    ];
    for (const note of held) {
      const outcomes = [
        { data: { id: 1 }, notes: [charset, note, cost] },
        // A throttled call: an error with no data, its extensions beside it.
        { data: null, notes: [note], error: { message: "throttled", code: "upstream_error" } },
      ];
      const [withData, without] = await Promise.all(
        outcomes.map((o) => runStep(namedMaskStep(mask("token")), ctxFor(t, {}), o)),
      );
      expect(withData?.outcome.notes, note).toEqual([charset, cost]);
      expect(without?.outcome.notes, note).toBeUndefined();
    }
    const kept = await runStep(namedMaskStep(mask("password")), ctxFor(t, {}), {
      data: { id: 1 },
      notes: held,
    });
    expect(kept.outcome.notes).toEqual(held);
  });

  it("masks exact dot paths, error data too, and a text body that mentions a name as a whole", async () => {
    const t = tool("t");
    const paths = await runStep(namedMaskStep(mask("creds.*.value")), ctxFor(t, {}), {
      data: { creds: { a: { value: "x", id: 1 } }, value: "kept" },
      error: { message: "upstream said no", code: "http_400" },
    });
    expect(paths.outcome.data).toEqual({ creds: { a: { value: MASK, id: 1 } }, value: "kept" });
    const textual = await runStep(namedMaskStep(mask("api_key")), ctxFor(t, {}), { data: "api_key=abc" });
    expect(textual.outcome.data).toBe(MASK);
    const other = await runStep(namedMaskStep(mask("api_key")), ctxFor(t, {}), { data: "hello" });
    expect(other.outcome.data).toBe("hello");
  });

  it("finds the schema paths it reaches, relative to the data of wrapped tools", () => {
    const schema = {
      type: "object",
      properties: {
        result: {
          type: "array",
          items: { $ref: "#/$defs/Key" },
        },
      },
      $defs: { Key: { type: "object", properties: { id: { type: "string" }, secret: { type: "string" } } } },
    };
    expect(namedMaskPaths(mask("secret"), schema, true)).toEqual(["secret"]);
    expect(namedMaskPaths(mask("secret", "a.b"), schema, false)).toEqual(["result.secret", "a.b"]);
  });
});
