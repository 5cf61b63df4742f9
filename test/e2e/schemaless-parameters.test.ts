import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A parameter with neither `schema` nor `content`, as springdoc writes a global header or a customizer's parameter
 * declared without a type (`{name: X-Tenant, in: header}`; its own test results app184 and app244). OpenAPI 3
 * requires one of the two, and the structure check left the whole operation out (TW139 'missing "schema"'). Every
 * value in a path, query, header or cookie is text: each is read as a string, said at the parameter (TW133), and
 * sent as declared; a value of another type is refused before any request.
 */

const SPEC = (version: string) => `openapi: ${version}
info: { title: Schemaless, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true }
        - { name: X-Tenant, in: header, required: true, description: The tenant }
        - { name: q, in: query, examples: { first: { value: AAA } } }
        - $ref: "#/components/parameters/Trace"
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
components:
  parameters:
    Trace: { name: trace, in: cookie }
`;

describe.each([
  ["3.0.3", "schemaless30"],
  ["3.1.0", "schemaless31"],
])("parameters without schema or content, OpenAPI %s", (version, name) => {
  const fixture = servedSpec(
    `${writeTree(`schemaless-${name}`, { "spec.yaml": SPEC(version) })}/spec.yaml`,
    name,
    `${name}-out`,
    (url) => ({ [`${name.toUpperCase()}_BASE_URL`]: url }),
    (_req, res) => sendJson(res, 200, {}),
  );

  it("are string arguments, said at each parameter, sent as declared", async () => {
    // servedSpec's beforeAll found no error among the diagnostics.
    const { diags } = fixture;
    expect(diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    const said = diags.items.filter((d) => /neither schema nor content/.test(d.message));
    expect(said.map((d) => [d.code, d.severity, d.source?.pointer, d.source?.line])).toEqual([
      ["TW133", "warning", "#/paths/~1items~1{id}/get/parameters/0", 9],
      ["TW133", "warning", "#/paths/~1items~1{id}/get/parameters/1", 10],
      ["TW133", "warning", "#/paths/~1items~1{id}/get/parameters/2", 11],
      ["TW133", "warning", "#/components/parameters/Trace", 16],
    ]);
    const served = fixture.served();
    const upstream = fixture.upstream();

    const { tools } = await served.client.listTools();
    const input = tools.find((t) => t.name === "get_item")?.inputSchema as Record<string, any>;
    expect(input.required).toEqual(["id", "X-Tenant"]);
    for (const arg of ["id", "X-Tenant", "q", "trace"])
      expect(input.properties[arg]).toMatchObject({ type: "string" });

    const ok = await served.client.callTool({
      name: "get_item",
      arguments: { id: "a b", "X-Tenant": "t1", q: "AAA", trace: "x1" },
    });
    expect(ok.isError).toBeFalsy();
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]?.url).toBe("/items/a%20b?q=AAA");
    expect(upstream.received[0]?.headers["x-tenant"]).toBe("t1");
    expect(upstream.received[0]?.headers.cookie).toBe("trace=x1");

    const refused = await served.client.callTool({
      name: "get_item",
      arguments: { id: "a", "X-Tenant": { a: 1 } },
    });
    expect(refused.isError).toBe(true);
    expect(upstream.received).toHaveLength(1);
  });
});
