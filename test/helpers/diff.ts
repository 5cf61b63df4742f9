import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { compareCatalogs } from "../../codegen/diff/compare.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { genManifest, writeTree } from "./generate.js";
import { BIN } from "./mcp.js";
import { ROOT } from "./paths.js";
import { spawnSync } from "./spawn-sync.js";
import { specWith } from "./spec-text.js";

/** An OpenAPI 3.1 spec, Notes at https://notes.example.com, whose `paths:` are `paths` (lines indented two spaces). */
export const notesSpec = (paths: string) =>
  specWith(paths, "", { title: "Notes", version: "1.0", url: "https://notes.example.com" });

/** notesSpec of one operation: GET /notes, `listNotes`, answering 200 with no content. */
export const LIST_NOTES_SPEC = notesSpec(`  /notes:
    get:
      operationId: listNotes
      responses: { "200": { description: ok } }
`);

/**
 * The catalog.json of `openapi.yaml` (`spec`) and `tools.yaml` (`manifest`), and any `extra` files beside them (a
 * prompt, a GraphQL schema), generated in a folder of its own (`name`), with no error; returns the file's path, for
 * `toolwright diff`.
 */
export async function catalogFileOf(
  name: string,
  spec: string,
  manifest: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const dir = writeTree(name, { "openapi.yaml": spec, ...extra, "tools.yaml": manifest });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
  const file = join(dir, "catalog.json");
  writeFileSync(file, cat?.files.get("catalog.json") ?? "");
  return file;
}

/** `toolwright diff <args>` run from the repository root. */
export function runDiff(...args: string[]) {
  return spawnSync(process.execPath, [BIN, "diff", ...args], { cwd: ROOT, encoding: "utf8" });
}

/**
 * Catalogs of one spec (and `extra` files) to compare, each generated in a numbered folder of its own
 * (`prefix-0`, `prefix-1`, …): `fileOf` gives catalog.json's path, `docOf` the catalog read, `folder` an empty
 * numbered folder for a catalog written by hand.
 */
export function numberedCatalogs(prefix: string, spec: string, extra: Record<string, string> = {}) {
  let n = 0;
  const fileOf = (manifest: string, text = spec) => catalogFileOf(`${prefix}-${n++}`, text, manifest, extra);
  const docOf = async (manifest: string, text = spec) =>
    JSON.parse(readFileSync(await fileOf(manifest, text), "utf8")) as CatalogDocument;
  const folder = () => writeTree(`${prefix}-${n++}`, {});
  return { fileOf, docOf, folder };
}

/** What `compareCatalogs` says, a line a change: `subject kind: detail`, ` [widens]` after a widening one. */
export const changeLines = (before: CatalogDocument, after: CatalogDocument) =>
  compareCatalogs(before, after).map(
    (c) => `${c.subject} ${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`,
  );
