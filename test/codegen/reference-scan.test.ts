import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { loadDocument } from "../../codegen/load/document.js";
import { ReferenceGuard, referenceScans } from "../../codegen/load/document-set.js";
import { loadOpenApi } from "../../codegen/load/openapi.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * The reference guard's walk over a whole spec (structural, not timed): it reads each object's own keys without
 * building an array of entries per object (GitHub's 13 MB spec has ~1M objects), and still finds what it finds,
 * located where it is.
 */

afterEach(() => vi.restoreAllMocks());

const SPEC = {
  openapi: "3.1.0",
  info: { title: "Scan", version: "1" },
  paths: {
    "/items": {
      get: {
        parameters: [
          {
            name: "q",
            in: "query",
            schema: { type: "string" },
            examples: { remote: { $ref: "https://example.invalid/examples/q.json" } },
          },
        ],
        responses: {
          "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/x" } } } },
        },
      },
    },
  },
  // Data keywords are not walked: a `$ref` inside an example value is data.
  components: { schemas: { Item: { type: "object", example: { $ref: "https://example.invalid/data" } } } },
};

describe("reference guard walk", () => {
  it("builds no entries array per object and reports a remote example $ref where it sits", () => {
    const dir = tmpDir("reference-scan");
    const abs = join(dir, "spec.json");
    writeFileSync(abs, JSON.stringify(SPEC));
    const diags = new Diagnostics();
    const doc = loadDocument(abs, "spec.json", diags);
    if (!doc) throw new Error("the spec did not load");
    const guard = new ReferenceGuard(abs, [], dir, diags);
    const entries = vi.spyOn(Object, "entries");
    guard.scan(doc);
    expect(entries).not.toHaveBeenCalled();
    expect([...guard.remote.keys()]).toEqual(["https://example.invalid/examples/q.json"]);
    const warned = diags.items.filter((d) => d.code === "TW192");
    expect(warned.map((d) => d.source?.pointer)).toEqual([
      "#/paths/~1items/get/parameters/0/examples/remote/$ref",
    ]);
  });
});

/**
 * The guard acts only on a `$ref` that is not a pointer into the same document, an `$id`, a `$self` and an
 * `externalValue`; the load's nesting walk already visits every member, so it notes whether there is any, and the
 * guard does not walk a document with none (GitHub REST's 10,460 references all start with `#`). Each member the
 * guard acts on, wherever it sits (even where the guard itself ignores it: under an example value), makes it walk
 * as before, and a manifest's patch, which can add any of them, does too.
 */
describe("documents with only local references", () => {
  const LOCAL = {
    openapi: "3.0.3",
    info: { title: "Local", version: "1" },
    paths: {
      "/items": {
        get: {
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: { Item: { type: "object", properties: { next: { $ref: "#/components/schemas/Item" } } } },
    },
  };

  /** LOCAL with one more component schema, `Extra`. */
  const withExtra = (extra: object) => {
    const spec = structuredClone(LOCAL) as typeof LOCAL & {
      components: { schemas: Record<string, unknown> };
    };
    spec.components.schemas.Extra = extra;
    return spec;
  };

  /** Loads `spec` as a bare generate does, and how many documents the guard walked meanwhile. */
  async function load(spec: unknown, ext = "json", patch?: object[]) {
    const dir = tmpDir("reference-scan-local");
    const abs = join(dir, `spec.${ext}`);
    writeFileSync(abs, JSON.stringify(spec));
    const diags = new Diagnostics();
    const before = referenceScans.walked;
    const loaded = await loadOpenApi(abs, dir, diags, undefined, {
      ...(patch
        ? {
            patch: {
              files: [],
              operations: patch.map((op) => ({ op: op as never, at: { file: "toolwright.yaml" } })),
            },
          }
        : {}),
    });
    return { loaded, diags, walked: referenceScans.walked - before };
  }

  it("are not walked by the guard, in JSON and in YAML", async () => {
    for (const ext of ["json", "yaml"]) {
      const { loaded, diags, walked } = await load(LOCAL, ext);
      expect(loaded?.root.localRefsOnly).toBe(true);
      expect(walked).toBe(0);
      expect(diags.items).toEqual([]);
    }
  });

  it.each<[string, object]>([
    ["a remote $ref", { $ref: "https://example.invalid/item.json" }],
    ["a $ref to another file", { $ref: "other.json#/Item" }],
    ["a $ref of the document itself by its file name", { $ref: "spec.json#/components/schemas/Item" }],
    ["an $id", { type: "object", $id: "https://example.invalid/item" }],
    ["a $self", { type: "object", $self: "https://example.invalid/spec" }],
    ["an externalValue", { type: "object", externalValue: "https://example.invalid/ex.json" }],
  ])("are walked as before with %s anywhere, even under an example value", async (_label, member) => {
    for (const at of ["schema", "example"] as const) {
      const { loaded, walked } = await load(
        withExtra(at === "schema" ? member : { type: "object", example: member }),
      );
      expect(loaded?.root.localRefsOnly).toBe(false);
      expect(walked).toBe(1);
    }
  });

  it("are walked after a patch, which can add any reference: its remote $ref is found and located", async () => {
    const remote = "https://example.invalid/examples/item.json";
    const { loaded, diags, walked } = await load(LOCAL, "json", [
      {
        op: "add",
        path: "/paths/~1items/get/responses/200/content/application~1json/examples",
        value: { one: { $ref: remote } },
      },
    ]);
    expect(walked).toBe(1);
    expect(loaded?.docs.guard.remote.has(remote)).toBe(true);
    expect(diags.items.filter((d) => d.code === "TW192").map((d) => d.message)).toEqual([
      `example $ref "${remote}" is not fetched; the example is left out`,
    ]);
  });

  it("refuse a file reference outside the spec's folders as before (TW191, located)", async () => {
    const spec = withExtra({ $ref: "../outside.json" });
    const top = tmpDir("reference-scan-outside");
    const dir = join(top, "spec");
    mkdirSync(dir);
    writeFileSync(join(top, "outside.json"), "{}");
    const abs = join(dir, "spec.json");
    writeFileSync(abs, JSON.stringify(spec));
    const diags = new Diagnostics();
    expect(await loadOpenApi(abs, dir, diags)).toBeUndefined();
    expect(diags.items.map((d) => [d.code, d.source?.pointer])).toEqual([
      ["TW191", "#/components/schemas/Extra/$ref"],
    ]);
  });
});
