import { statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GeneratedCatalog } from "../../codegen/index.js";
import { ROOT } from "../helpers/paths.js";
import {
  bytesOf,
  catalogSafety,
  checkListing,
  classifiedOperations,
  generateBigApi,
  MIB,
  serveAndList,
} from "./big-api.js";

/**
 * GitHub's fully dereferenced description (@octokit/openapi's api.github.com.deref.json, 73 MB: every `$ref`
 * replaced by its target, so no schema has a name): the largest public spec seen, and one a user may well bring
 * instead of the referenced one. It was refused whole by the 64 MiB input limit; it generates, serves and lists.
 */
const SPEC = join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.deref.json");

describe("corpus: GitHub REST fully dereferenced (73 MB, no named schemas)", () => {
  let cat: GeneratedCatalog;
  beforeAll(async () => {
    cat = await generateBigApi({ name: "github-deref", spec: SPEC, tools: 1223 });
  }, 400_000);

  it("holds every operation, each in the class the classifier gives it; catalog.json stays under the spec's size", () => {
    const expected = classifiedOperations(SPEC);
    const got = catalogSafety(cat);
    expect(got.size).toBe(1223);
    expect([...got].filter(([op, safety]) => expected.get(op) !== safety)).toEqual([]);
    // Inlined schemas are stored where they occur (34 MB), but never more than once per occurrence in the spec.
    expect(statSync(SPEC).size).toBeGreaterThan(64 * MIB);
    expect(bytesOf(cat, "catalog.json")).toBeLessThan(statSync(SPEC).size * 0.6);
  });

  it("serves every tool to the v1 SDK client, every schema compiling, in pages under 10 MiB", async () => {
    const listed = await serveAndList(cat);
    checkListing(listed, 1223);
    expect(cat.size.listBytes).toBeLessThanOrEqual(1.7 * MIB);
  }, 400_000);
});
