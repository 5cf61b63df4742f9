import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

/**
 * OpenAPI 3.2 read as 3.1 is, with its new path item fields where they belong: `query` and `additionalOperations`
 * are operations of a 3.2 document only, an `additionalOperations` key naming a fixed method is left out with a
 * located warning, and the version field is read as the other versions' are.
 */
const ok = { description: "ok" };

async function gen(name: string, doc: string) {
  const dir = writeTree(`oas32-${name}`, { "openapi.yaml": doc });
  const out = await genSpec(`${dir}/openapi.yaml`, "v32", `test/.tmp/oas32-${name}-out`);
  const doc2 = out.cat ? (JSON.parse(out.cat.files.get("catalog.json") ?? "{}") as CatalogDoc) : undefined;
  return {
    ...out,
    tools: doc2?.tools.map((t) => `${t.name} ${t.binding.method} ${t.safety}`) ?? [],
    shown: out.diags.items.map(formatDiagnostic),
  };
}

interface CatalogDoc {
  tools: { name: string; safety: string; binding: { method: string } }[];
}

const paths = (item: string) => `
info: { title: v32, version: "1" }
servers: [{ url: "https://v32.example.com" }]
paths:
  /things:
${item}`;

describe("OpenAPI 3.2 documents", () => {
  it("an unquoted openapi: 3.2 is read as 3.2.0, with a located warning", async () => {
    const out = await gen(
      "number",
      `openapi: 3.2\n${paths("    query:\n      operationId: findThings\n      responses: { 200: { description: ok } }")}`,
    );
    expect(errorsOf(out.diags)).toEqual([]);
    expect(out.tools).toEqual(["find_things QUERY read"]);
    expect(out.shown).toContainEqual(
      expect.stringMatching(
        /openapi\.yaml:1:10 \(#\/openapi\) warning TW133: openapi is the number 3\.2, not a string \(YAML reads an unquoted 3\.2 as a number\); read as OpenAPI 3\.2\.0/,
      ),
    );
  });

  it("query and additionalOperations are no operations of a 3.1 document", async () => {
    const out = await gen(
      "31",
      `openapi: 3.1.0\n${paths(`    get: { operationId: listThings, responses: { 200: ${JSON.stringify(ok)} } }
    query: { operationId: findThings, responses: { 200: ${JSON.stringify(ok)} } }
    additionalOperations:
      LINK: { operationId: linkThing, responses: { 200: ${JSON.stringify(ok)} } }`)}`,
    );
    expect(errorsOf(out.diags)).toEqual([]);
    expect(out.tools).toEqual(["list_things GET read"]);
    expect(out.shown).toContainEqual(
      expect.stringMatching(
        /openapi\.yaml:8:5 \(#\/paths\/~1things\/query\) warning TW133: .*unknown key "query" \(ignored: toolwright does not read it\)/,
      ),
    );
  });

  it("before 3.2, the registered x-oai-additionalOperations extension holds the other methods, QUERY among them", async () => {
    const out = await gen(
      "xoai",
      `openapi: 3.0.3\n${paths(`    get: { operationId: listThings, responses: { 200: ${JSON.stringify(ok)} } }
    x-oai-additionalOperations:
      QUERY: { operationId: findThings, responses: { 200: ${JSON.stringify(ok)} } }
      LINK: { operationId: linkThing, responses: { 200: ${JSON.stringify(ok)} } }
      GET: { operationId: listAgain, responses: { 200: ${JSON.stringify(ok)} } }
      "no method": { operationId: nothing, responses: { 200: ${JSON.stringify(ok)} } }`)}`,
    );
    expect(errorsOf(out.diags)).toEqual([]);
    expect(out.tools).toEqual(["list_things GET read", "find_things QUERY read", "link_thing LINK write"]);
    expect(out.shown).toEqual([
      expect.stringMatching(
        /openapi\.yaml:11:7 \(#\/paths\/~1things\/x-oai-additionalOperations\/GET\) warning TW139: x-oai-additionalOperations "GET" is left out: GET is a fixed field of the path item/,
      ),
      expect.stringMatching(
        /openapi\.yaml:12:7 \(#\/paths\/~1things\/x-oai-additionalOperations\/no method\) warning TW139: x-oai-additionalOperations "no method" is left out: it is no HTTP method/,
      ),
    ]);
  });

  it("additionalOperations: other methods are tools (write, unless their words say more); a fixed method is left out, located", async () => {
    const out = await gen(
      "additional",
      `openapi: 3.2.0\n${paths(`    get: { operationId: listThings, responses: { 200: ${JSON.stringify(ok)} } }
    additionalOperations:
      PROPFIND: { operationId: propsOfThings, responses: { 200: ${JSON.stringify(ok)} } }
      PURGE: { operationId: purgeThings, summary: Purge every thing, responses: { 200: ${JSON.stringify(ok)} } }
      get: { operationId: listAgain, responses: { 200: ${JSON.stringify(ok)} } }`)}`,
    );
    expect(errorsOf(out.diags)).toEqual([]);
    expect(out.tools).toEqual([
      "list_things GET read",
      "props_of_things PROPFIND write",
      "purge_things PURGE destructive",
    ]);
    expect(out.shown).toContainEqual(
      expect.stringMatching(
        /openapi\.yaml:11:7 \(#\/paths\/~1things\/additionalOperations\/get\) warning TW139: additionalOperations "get" is left out: GET is a fixed field of the path item/,
      ),
    );
  });

  it("a parameter's content may be a media type $ref (components.mediaTypes): its schema is the argument's", async () => {
    const out = await gen(
      "param-media",
      `openapi: 3.2.0\n${paths(`    get:
      operationId: listThings
      parameters:
        - name: filter
          in: query
          content:
            application/json: { $ref: "#/components/mediaTypes/Filter" }
      responses: { 200: ${JSON.stringify(ok)} }`)}
components:
  mediaTypes:
    Filter:
      schema: { type: object, properties: { color: { type: string } }, required: [color] }
`,
    );
    expect(errorsOf(out.diags)).toEqual([]);
    const doc = JSON.parse(out.cat?.files.get("catalog.json") ?? "{}") as {
      tools: { inputSchema: { properties: Record<string, unknown> } }[];
    };
    expect(doc.tools[0]?.inputSchema.properties.filter).toMatchObject({
      type: "object",
      properties: { color: { type: "string" } },
      required: ["color"],
    });
  });

  it("a structure problem in one additionalOperations entry costs that operation only", async () => {
    const out = await gen(
      "confined",
      `openapi: 3.2.0\n${paths(`    get: { operationId: listThings, responses: { 200: ${JSON.stringify(ok)} } }
    additionalOperations:
      LINK: { operationId: linkThing, responses: { 200: { description: 7 } } }`)}`,
    );
    expect(errorsOf(out.diags)).toEqual([]);
    expect(out.tools).toEqual(["list_things GET read"]);
    expect(out.shown).toContainEqual(
      expect.stringMatching(/warning TW139: LINK \/things is left out: .*description.*must be string/),
    );
  });
});
