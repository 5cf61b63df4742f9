import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * The runtime writes multipart/form-data parts only (Content-Disposition: form-data; name=...). A body whose only
 * media type is multipart/mixed or multipart/related (RFC 2046, RFC 2387) was sent as form-data all the same, a
 * body its upstream misreads; now another media type the operation accepts is sent, or it is left out with a
 * located warning.
 */
const SPEC = `openapi: 3.0.3
info: { title: Parts, version: "1" }
servers: [{ url: https://parts.example.com }]
components:
  schemas:
    Parts: { type: object, properties: { meta: { type: object }, file: { type: string, format: binary } } }
paths:
  /mixed:
    post:
      operationId: mixed
      requestBody: { content: { multipart/mixed: { schema: { $ref: "#/components/schemas/Parts" } } } }
      responses: { "200": { description: ok } }
  /related:
    post:
      operationId: related
      requestBody: { content: { "multipart/related; type=application/json": { schema: { $ref: "#/components/schemas/Parts" } } } }
      responses: { "200": { description: ok } }
  /either:
    post:
      operationId: either
      requestBody:
        content:
          multipart/mixed: { schema: { $ref: "#/components/schemas/Parts" } }
          multipart/form-data: { schema: { $ref: "#/components/schemas/Parts" } }
      responses: { "200": { description: ok } }
`;

describe("multipart bodies other than form-data", () => {
  it("are never sent as form-data: another media type is, or the operation is left out, located", async () => {
    const dir = writeTree("multipart-kinds", { "openapi.yaml": SPEC });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "parts" },
      { root: ROOT, out: "test/.tmp/multipart-kinds-out" },
      diags,
    );
    expect(cat).toBeDefined();
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as {
      tools: { name: string; binding: { body?: { mediaType: string } } }[];
    };
    expect(doc.tools.map((t) => [t.name, t.binding.body?.mediaType])).toEqual([
      ["either", "multipart/form-data"],
    ]);
    const left = diags.items.filter((d) => d.code === "TW139" && d.severity === "warning");
    expect(left.map((d) => [d.message, d.source?.pointer])).toEqual([
      [
        "POST /mixed is left out: its request body's media type multipart/mixed is a multipart type other than multipart/form-data, whose parts toolwright cannot write (it writes form-data parts, named by Content-Disposition): its upstream would misread every call",
        "#/paths/~1mixed/post",
      ],
      [
        "POST /related is left out: its request body's media type multipart/related; type=application/json is a multipart type other than multipart/form-data, whose parts toolwright cannot write (it writes form-data parts, named by Content-Disposition): its upstream would misread every call",
        "#/paths/~1related/post",
      ],
    ]);
  });
});
