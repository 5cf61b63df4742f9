import { describe, expect, it } from "vitest";
import { couldHoldCredential, secretLookingFields } from "../../codegen/audit/findings.js";
import type { JsonSchema } from "../../src/catalog.js";

/**
 * `toolwright audit`'s "result fields named like credentials" finding judges a field by its name and its schema: a
 * field that cannot hold a credential's text (a flag, a nested object, a fixed set of values, a date) is not
 * reported, so the fields that can (GitHub's `temp_clone_token`) are not lost among GitHub's `secret_scanning`
 * objects and `read`/`write` permission levels.
 */

const PATTERN = /secret|token|passw(or)?d|api[_-]?key|private[_-]?key/i;

const defs: Record<string, JsonSchema> = {
  "security-and-analysis": {
    type: "object",
    properties: {
      secret_scanning: {
        type: "object",
        properties: { status: { type: "string", enum: ["enabled", "disabled"] } },
      },
    },
  },
  ApiKey: { type: "string", minLength: 20 },
  Level: { type: "string", enum: ["read", "write"] },
};

const repository: JsonSchema = {
  type: "object",
  properties: {
    temp_clone_token: { type: "string" },
    security_and_analysis: { anyOf: [{ $ref: "#/$defs/security-and-analysis" }, { type: "null" }] },
    permissions: { type: "object", properties: { secrets: { $ref: "#/$defs/Level" } } },
    send_secrets_and_variables: { type: "boolean" },
    secret_count: { type: "integer" },
    secrets: { type: "array", items: { type: "object", properties: { name: { type: "string" } } } },
    tokens: { type: "array", items: { type: "string" } },
    api_key: { $ref: "#/$defs/ApiKey", description: "The key." },
    private_key: { anyOf: [{ type: "string" }, { type: "null" }] },
    password_changed: { type: "string", format: "date-time" },
    token_kind: { const: "bearer" },
    session_token: {},
  },
};

describe("result fields named like credentials", () => {
  it("reports the fields that could hold a credential's text, and not flags, objects, fixed values or dates", () => {
    expect(secretLookingFields(repository, PATTERN, defs)).toEqual([
      "api_key",
      "private_key",
      "session_token",
      "temp_clone_token",
      "tokens",
    ]);
  });

  it.each([
    [{ type: "string" }, true],
    [{ type: ["string", "null"] }, true],
    [{}, true],
    [true, true],
    [{ $ref: "#/$defs/Missing" }, true],
    [{ type: "array" }, true],
    [{ type: "boolean" }, false],
    [{ type: ["integer", "null"] }, false],
    [{ type: "object", properties: {} }, false],
    [{ anyOf: [{ type: "boolean" }, { type: "null" }] }, false],
    [{ allOf: [{ $ref: "#/$defs/Level" }] }, false],
    [{ type: "string", enum: ["a", "b"] }, false],
    [{ type: "string", format: "date" }, false],
    [false, false],
  ])("%j could hold a credential: %s", (schema, expected) => {
    expect(couldHoldCredential(schema, defs)).toBe(expected);
  });
});
