import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";
import type { Diagnostics } from "../../codegen/diagnostics.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument, CatalogModule } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { errorsOf, genSpec, writeTree } from "./generate.js";
import { ROOT } from "./paths.js";

/** A bare spec generated without an error, written, and loaded in-process (no server). */
export interface BuiltSpec {
  /** The folder the catalog was written to. */
  dir: string;
  /** catalog.json as written. */
  doc: CatalogDocument;
  /** The generated module, as the runtime loads it. */
  mod: CatalogModule;
  diags: Diagnostics;
}

/**
 * `files` written under test/.tmp (`fixture`), the spec among them at `root` generated as catalog `name` into
 * `out` beside it; no error among its diagnostics.
 */
export async function buildSpec(
  fixture: string,
  name: string,
  files: Record<string, string>,
  root: string,
): Promise<BuiltSpec> {
  const src = writeTree(fixture, files);
  const { cat, diags } = await genSpec(join(src, root), name, relative(ROOT, join(src, "out")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  const dir = join(ROOT, cat.dir);
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
  return { dir, doc, mod: (await loadCatalog(dir)).module, diags };
}

type Thunk = () => { safeParse(v: unknown): { success: boolean } };

/** Whether the tool's zod input (what the server checks) and its published tools/list schema (ajv) take `args`. */
export function takes(b: BuiltSpec, tool: string, args: unknown): { zod: boolean; published: boolean } {
  const t = b.doc.tools.find((x) => x.name === tool);
  if (!t) throw new Error(`no tool ${tool}: ${b.doc.tools.map((x) => x.name).join(", ")}`);
  const input = b.mod.tools[tool]?.input as Thunk | undefined;
  if (!input) throw new Error(`no input for ${tool}`);
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  return {
    zod: input().safeParse(args).success,
    published: ajv.validate(createPublisher(b.doc).input(t), args),
  };
}

/** Whether the tool's zod output schema takes `value`. */
export function output(b: BuiltSpec, tool: string, value: unknown): boolean {
  const out = b.mod.tools[tool]?.output as Thunk | undefined;
  if (!out) throw new Error(`no output for ${tool}`);
  return out().safeParse(value).success;
}

/** `takes`' answer when zod and the published schema both say `v`. */
export const both = (v: boolean) => ({ zod: v, published: v });
