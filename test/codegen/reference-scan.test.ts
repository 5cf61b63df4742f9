import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { loadDocument } from "../../codegen/load/document.js";
import { ReferenceGuard } from "../../codegen/load/document-set.js";
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
