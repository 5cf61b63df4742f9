import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Keywords of one type written without a `type` (`maxLength` a string's, `properties` an object's) beside a `$ref`
 * or in an `allOf` with parts of another type: JSON Schema applies them to values of their own type only, so they
 * constrain nothing there. Adyen's Management API writes `name: {$ref: Name, maxLength: 80, minLength: 1}` (Name an
 * object) for its users: read as a string beside an object, no value satisfied it (TW134 "no value satisfies") and
 * every create_company_user call was refused. Where the other part is of their type, they apply.
 */
const SPEC = `openapi: 3.1.0
info: { title: Users, version: "1" }
servers: [{ url: https://users.example.com }]
components:
  schemas:
    Name:
      type: object
      additionalProperties: false
      required: [firstName]
      properties: { firstName: { type: string }, lastName: { type: string } }
    Code: { type: string }
paths:
  /users:
    post:
      operationId: createUser
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: { $ref: "#/components/schemas/Name", description: Full name., maxLength: 80, minLength: 1 }
                nick: { allOf: [{ $ref: "#/components/schemas/Name" }, { maxLength: 10 }] }
                alias: { allOf: [{ $ref: "#/components/schemas/Name" }], minLength: 2 }
                code: { $ref: "#/components/schemas/Code", maxLength: 4 }
      responses: { "200": { description: ok } }
`;

const spec = servedSpec(
  `${writeTree("untyped-siblings", { "users.yaml": SPEC })}/users.yaml`,
  "users",
  "untyped-siblings-out",
  (url) => ({ USERS_BASE_URL: url }),
);

describe("untyped keywords of another type than their intersection's", () => {
  it("constrain nothing, said as information where they are; no schema is said to take no value", () => {
    const said = spec.diags.items.filter((d) => d.code === "TW134");
    expect(said.map((d) => [d.severity, d.source?.pointer, d.message])).toEqual([
      [
        "info",
        "#/paths/~1users/post/requestBody/content/application~1json/schema/properties/name",
        "minLength, maxLength apply to string values only, and the rest of the schema takes object: they constrain nothing here",
      ],
      [
        "info",
        "#/paths/~1users/post/requestBody/content/application~1json/schema/properties/nick/allOf/1",
        "maxLength applies to string values only, and the rest of the schema takes object: it constrains nothing here",
      ],
      [
        "info",
        "#/paths/~1users/post/requestBody/content/application~1json/schema/properties/alias",
        "minLength applies to string values only, and the rest of the schema takes object: it constrains nothing here",
      ],
    ]);
  });

  it("a call with the referenced object is sent; the string's own bound still applies", async () => {
    const name = { firstName: "Ada", lastName: "Lovelace" };
    const ok = await spec.call("create_user", { name, nick: { firstName: "A" }, alias: name, code: "ab12" });
    expect(ok.result.isError).toBeFalsy();
    expect(JSON.parse(ok.sent[0]?.body.toString() ?? "")).toEqual({
      name,
      nick: { firstName: "A" },
      alias: name,
      code: "ab12",
    });
    const long = await spec.call("create_user", { name, code: "abcde" });
    expect(long.result.isError).toBe(true);
    expect(long.sent).toEqual([]);
  });
});
