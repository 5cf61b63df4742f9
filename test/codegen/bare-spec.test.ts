import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

const spec = (servers: string) => `openapi: 3.0.3
info: { title: Rel, version: "1" }
${servers}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

async function catalogOf(text: string): Promise<CatalogDocument> {
  const dir = writeTree("bare", { "openapi.yaml": text });
  const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "rel", "test/.tmp/bare-out");
  expect(errorsOf(diags)).toEqual([]);
  return JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
}

describe("a bare spec's servers", () => {
  it("a relative server path is part of every binding, and the host must be configured", async () => {
    const doc = await catalogOf(spec("servers: [{ url: /api/v2 }]"));
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/api/v2/things/{id}"');
    const base = doc.env.find((e) => e.name === "REL_BASE_URL");
    expect(base?.required).toBe(true);
    expect(base?.description).toContain("/api/v2");
  });

  it("an absolute server URL is the default base URL and the binding path stays the spec's", async () => {
    const doc = await catalogOf(spec("servers: [{ url: https://rel.example.com/api/v2 }]"));
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/things/{id}"');
    const base = doc.env.find((e) => e.name === "REL_BASE_URL");
    expect(base?.default).toBe("https://rel.example.com/api/v2");
  });
});
