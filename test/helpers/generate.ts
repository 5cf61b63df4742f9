import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { ROOT, tmpDir } from "./paths.js";

export interface GenOutcome {
  cat: GeneratedCatalog | undefined;
  diags: Diagnostics;
}

/** Generates the catalog of a manifest (absolute path), in memory. */
export async function genManifest(manifest: string, out = "test/.tmp/gen"): Promise<GenOutcome> {
  const diags = new Diagnostics();
  const cat = await generateCatalog({ kind: "manifest", manifest }, { root: ROOT, out }, diags);
  return { cat, diags };
}

/** Generates a bare spec (absolute path), in memory. */
export async function genSpec(spec: string, name: string, out: string): Promise<GenOutcome> {
  const diags = new Diagnostics();
  const cat = await generateCatalog({ kind: "spec", spec, name }, { root: ROOT, out }, diags);
  return { cat, diags };
}

/** Writes files (relative path -> text) into a fresh temp folder; returns the folder. */
export function writeTree(name: string, files: Record<string, string>): string {
  const dir = tmpDir(name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Generates and writes a catalog to disk; returns its absolute folder. */
export async function genToDisk(
  manifest: string,
  out: string,
): Promise<{ dir: string; cat: GeneratedCatalog }> {
  const { cat, diags } = await genManifest(manifest, relative(ROOT, out));
  if (!cat) throw new Error(`generation failed:\n${diags.items.map((d) => d.message).join("\n")}`);
  writeCatalog(ROOT, cat);
  return { dir: join(ROOT, cat.dir), cat };
}

export function errorsOf(diags: Diagnostics): string[] {
  return diags.items.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
}
