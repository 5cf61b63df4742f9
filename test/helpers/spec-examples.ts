import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { CatalogDocument } from "../../src/catalog.js";

type Json = Record<string, any>;

function local(doc: Json, value: any): any {
  let v = value;
  for (let i = 0; i < 10 && typeof v?.$ref === "string" && v.$ref.startsWith("#/"); i++) {
    v = v.$ref
      .slice(2)
      .split("/")
      .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce((o: any, k: string) => o?.[k], doc);
  }
  return v;
}

/**
 * The examples a spec gives for the success response each tool returns (3.x `example`/`examples`, 2.0
 * `examples`, and inline schema `example`): realistic values to check the validators on.
 */
export function responseExamples(specFile: string): (tool: CatalogDocument["tools"][number]) => unknown[] {
  const text = readFileSync(specFile, "utf8");
  // JSON is YAML too, but the YAML parser takes many seconds on GitHub's 13 MB description.
  const doc = (specFile.endsWith(".json") ? JSON.parse(text) : parse(text, { maxAliasCount: -1 })) as Json;
  return (tool) => {
    const b = tool.binding;
    if (b.kind !== "http" || !b.success) return [];
    const op = doc.paths?.[b.path]?.[b.method.toLowerCase()];
    const response = local(doc, op?.responses?.[b.success.status]);
    if (!response) return [];
    const out: unknown[] = [];
    if (doc.swagger) {
      const ex = response.examples?.["application/json"];
      if (ex !== undefined) out.push(ex);
      const schema = local(doc, response.schema);
      if (schema?.example !== undefined) out.push(schema.example);
      return out;
    }
    const media = response.content?.[b.success.mediaType ?? "application/json"];
    if (!media) return out;
    if (media.example !== undefined) out.push(media.example);
    for (const ex of Object.values((media.examples ?? {}) as Json)) {
      const value = local(doc, ex)?.value;
      if (value !== undefined) out.push(value);
    }
    const schema = local(doc, media.schema);
    if (schema?.example !== undefined) out.push(schema.example);
    return out;
  };
}
