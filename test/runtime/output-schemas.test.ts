import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { CatalogModule } from "../../src/catalog.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createSchemaCache, flatIntersection } from "../../src/runtime/schemas.js";

// The result check's schemas, built once per tool: an intersection of open objects with disjoint keys (a spec's
// allOf, ScaiVault's Secret) is checked as one object, which accepts and refuses exactly what the intersection
// does, at the same paths.

let scaivault: LoadedCatalog;
beforeAll(async () => {
  scaivault = await loadCatalog("scaivault");
});

const TOOL = "scaivault_read_secret";

const secret = () => ({
  path: "integrations/salesforce/oauth",
  tenant: "acme",
  version: 3,
  description: "Salesforce connected app",
  tags: ["crm", "oauth"],
  rotation_policy_id: "rpol_quarterly_integrations",
  created_at: "2026-05-17T20:04:32.734Z",
  updated_at: "2026-09-09T20:04:32.734Z",
  created_by: "user:admin@acme.example",
  updated_by: "user:admin@acme.example",
  value: "s3cr3t",
  data: { client_id: "abc", client_secret: "def" },
});

/** Whether a value passes, and the paths of its issues (each once, sorted). */
function verdict(schema: z.ZodType, value: unknown) {
  const checked = schema.safeParse(value);
  const paths = checked.success ? [] : checked.error.issues.map((i) => JSON.stringify(i.path));
  return { success: checked.success, paths: [...new Set(paths)].sort() };
}

describe("output schemas", () => {
  it("builds each tool's output schema once, and a ScaiVault secret's allOf as one object", () => {
    let builds = 0;
    const entry = scaivault.module.tools[TOOL]!;
    const counting: CatalogModule = {
      ...scaivault.module,
      tools: {
        ...scaivault.module.tools,
        [TOOL]: {
          ...entry,
          output: () => {
            builds += 1;
            return entry.output!();
          },
        },
      },
    };
    const cache = createSchemaCache(counting);
    const first = cache.output(TOOL);
    for (let i = 0; i < 50; i++) expect(cache.output(TOOL)).toBe(first);
    expect(builds).toBe(1);
    const def = (first as unknown as { def: { type: string } }).def;
    expect(def.type).toBe("object");
    expect(Object.keys((first as unknown as z.ZodObject).shape)).toEqual(
      expect.arrayContaining(["path", "tenant", "tags", "created_by", "value", "data"]),
    );
  });

  it("accepts and refuses what the generated intersection does, at the same paths", () => {
    const generated = scaivault.module.tools[TOOL]!.output!();
    expect((generated as unknown as { def: { type: string } }).def.type).toBe("intersection");
    const flat = flatIntersection(generated);
    const { created_by: _, ...noCreator } = secret();
    const { value: _v, ...noValue } = secret();
    const values: unknown[] = [
      secret(),
      { ...secret(), unknown_field: { any: "thing" } },
      noCreator,
      noValue,
      { ...secret(), tags: ["crm", "Not A Tag!"] },
      { ...secret(), data: { client_id: 7 } },
      { ...secret(), version: 0, value: 12 },
      { ...secret(), constructor: "x" },
      {},
    ];
    for (const value of values) expect(verdict(flat, value)).toEqual(verdict(generated, value));
    expect(verdict(flat, secret()).success).toBe(true);
    expect(verdict(flat, noCreator)).toEqual({ success: false, paths: ['["created_by"]'] });
    // No object at all: refused alike (the intersection says so once per side, the object once).
    for (const value of ["text", null, [secret()], 3]) {
      expect(flat.safeParse(value).success).toBe(false);
      expect(generated.safeParse(value).success).toBe(false);
    }
  });

  it("flattens the intersection under a nullable (a tool that may answer without content), null still accepted", () => {
    const generated = scaivault.module.tools[TOOL]!.output!().nullable();
    const flat = flatIntersection(generated);
    const inner = (flat as unknown as { def: { type: string; innerType: { def: { type: string } } } }).def;
    expect([inner.type, inner.innerType.def.type]).toEqual(["nullable", "object"]);
    const { created_by: _, ...noCreator } = secret();
    for (const value of [secret(), noCreator, null, "text", {}])
      expect(verdict(flat, value)).toEqual(verdict(generated, value));
    expect(verdict(flat, null).success).toBe(true);
    const kept = z
      .intersection(z.looseObject({ a: z.string() }), z.strictObject({ b: z.string() }))
      .nullable();
    expect(flatIntersection(kept)).toBe(kept);
  });

  it("keeps intersections whose sides are closed, overlap or carry refinements as generated", () => {
    const open = z.looseObject({ a: z.string() });
    const kept = [
      z.intersection(open, z.strictObject({ b: z.string() })),
      z.intersection(open, z.looseObject({ a: z.string().min(2) })),
      z.intersection(
        open,
        z.looseObject({ b: z.string() }).refine(() => true),
      ),
      z.intersection(open, z.looseObject({ b: z.string() })).superRefine(() => {}),
      z.intersection(open, z.object({}).catchall(z.number())),
      z.intersection(open, z.union([z.looseObject({ b: z.string() }), z.looseObject({ c: z.string() })])),
    ];
    for (const schema of kept) expect(flatIntersection(schema)).toBe(schema);
    // Nested allOf of three open objects: one object with all three shapes.
    const three = flatIntersection(
      z.intersection(z.intersection(open, z.looseObject({ b: z.number() })), z.object({ c: z.boolean() })),
    );
    expect(Object.keys((three as unknown as z.ZodObject).shape)).toEqual(["a", "b", "c"]);
    expect(verdict(three, { a: "x", b: 1, c: true, d: null }).success).toBe(true);
    expect(verdict(three, { a: 1, b: "1", c: true })).toEqual({
      success: false,
      paths: ['["a"]', '["b"]'],
    });
  });
});
