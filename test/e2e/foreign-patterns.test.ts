import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Patterns written for another regex engine, as Spring's @Pattern (springdoc), Django and pydantic
 * (drf-spectacular) and AWS's models publish them: `\-` and `\_` outside a class, `\,` `\:` `\#` anywhere, `-`
 * beside `\w` in a class. ECMA-262 compiles each without the `u` flag only; ajv and toolwright read patterns with
 * it, so each was left unenforced with a TW135 saying it was "not a valid ECMA-262 regex", and the model could send
 * any string. Each is now read as it matches without the flag and published so `u` compiles it: a call the spec's
 * pattern refuses is refused before any request, one it takes goes on the wire.
 */

const SPEC_30 = `openapi: 3.0.3
info: { title: Foreign, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /periods/{period}:
    put:
      operationId: setPeriod
      parameters:
        - { name: period, in: path, required: true, schema: { type: string, pattern: '^\\d{4}\\-\\d{2}$' } }
        - { name: code, in: query, schema: { type: string, pattern: '^[A-Z\\_]+$' } }
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: { type: string, pattern: '^[\\w-.+]+\\@[\\w-.]+$' }
                amount: { type: string, pattern: '^-?\\d{0,2}(?:\\,\\d{0,2})?$' }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

const SPEC_20 = `swagger: "2.0"
info: { title: Foreign, version: "1" }
host: api.example.com
schemes: [https]
paths:
  /periods/{period}:
    put:
      operationId: setPeriod
      parameters:
        - { name: period, in: path, required: true, type: string, pattern: '^\\d{4}\\-\\d{2}$' }
        - { name: code, in: query, type: string, pattern: '^[A-Z\\_]+$' }
        - name: body
          in: body
          schema:
            type: object
            properties:
              email: { type: string, pattern: '^[\\w-.+]+\\@[\\w-.]+$' }
              amount: { type: string, pattern: '^-?\\d{0,2}(?:\\,\\d{0,2})?$' }
      responses: { "200": { description: ok, schema: { type: object } } }
`;

describe.each([
  ["3.0", "fpat30", SPEC_30],
  ["2.0", "fpat20", SPEC_20],
])("patterns valid without the u flag only, OpenAPI %s", (_version, name, spec) => {
  const fixture = servedSpec(
    `${writeTree(`foreign-patterns-${name}`, { "spec.yaml": spec })}/spec.yaml`,
    name,
    `${name}-out`,
    (url) => ({ [`${name.toUpperCase()}_BASE_URL`]: url }),
    (_req, res) => sendJson(res, 200, {}),
  );

  it("are published as u reads them and enforced on the wire", async () => {
    // servedSpec's beforeAll found no error among the diagnostics.
    expect(fixture.diags.items.filter((d) => d.code === "TW135")).toEqual([]);
    const served = fixture.served();
    const upstream = fixture.upstream();

    const { tools } = await served.client.listTools();
    const input = tools.find((t) => t.name === "set_period")?.inputSchema as Record<string, any>;
    expect(input.properties.period.pattern).toBe("^\\d{4}-\\d{2}$");
    expect(input.properties.code.pattern).toBe("^[A-Z_]+$");
    const ajv = new Ajv2020({ strict: false });
    expect(() => ajv.compile(input)).not.toThrow();

    const ok = await served.client.callTool({
      name: "set_period",
      arguments: { period: "2024-05", code: "A_B", email: "a-b.c@d.e", amount: "-1,5" },
    });
    expect(ok.isError).toBeFalsy();
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]?.url).toBe("/periods/2024-05?code=A_B");
    expect(JSON.parse(upstream.received[0]?.body.toString() ?? "{}")).toEqual({
      email: "a-b.c@d.e",
      amount: "-1,5",
    });

    for (const bad of [
      { period: "2024\\-05" },
      { period: "2024-05", code: "a-b" },
      { period: "2024-05", email: "a b@c" },
      { period: "2024-05", amount: "1.5" },
    ]) {
      const refused = await served.client.callTool({ name: "set_period", arguments: bad });
      expect(refused.isError, JSON.stringify(bad)).toBe(true);
    }
    expect(upstream.received).toHaveLength(1);
  });
});
