import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { manifestSchema } from "../../../codegen/manifest/schema.js";
import { SEED_TOOLS } from "./seed-tools.js";

const specDir = join(dirname(fileURLToPath(import.meta.url)), "../../../specs/scaivault");
const manifest = parse(readFileSync(join(specDir, "tools.yaml"), "utf8"));
const spec = parse(readFileSync(join(specDir, "openapi.yaml"), "utf8"));

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const operations = new Map<string, { method: string; path: string; op: any }>();
for (const [path, item] of Object.entries<any>(spec.paths)) {
  for (const method of METHODS)
    if (item[method]) operations.set(item[method].operationId, { method, path, op: item[method] });
}

function paramsOf(op: any): any[] {
  return (op.parameters ?? []).map((p: any) =>
    p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p,
  );
}

describe("specs/scaivault/tools.yaml", () => {
  it("validates against the manifest JSON Schema", () => {
    const ajv = new Ajv2020({ allErrors: true });
    const validate = ajv.compile(manifestSchema);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it("has exactly the 67 seed tools, in seed order", () => {
    expect(SEED_TOOLS).toHaveLength(67);
    expect(Object.keys(manifest.tools)).toEqual(SEED_TOOLS);
  });

  it("binds every tool to an existing operation, each operation exactly once", () => {
    const used = Object.values<any>(manifest.tools).map((t) => t.from.replace(/^vault#/, ""));
    for (const id of used) expect(operations.has(id), id).toBe(true);
    expect(new Set(used).size).toBe(67);
    expect(operations.size).toBe(67);
  });

  it("names operations after their tools", () => {
    for (const [name, tool] of Object.entries<any>(manifest.tools)) {
      const camel = name.replace(/^scaivault_/, "").replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
      expect(tool.from.toLowerCase(), name).toBe(`vault#${camel}`.toLowerCase());
    }
  });

  it("states policy facts consistently with the spec", () => {
    for (const [name, tool] of Object.entries<any>(manifest.tools)) {
      const { op } = operations.get(tool.from.replace(/^vault#/, ""))!;
      const params = paramsOf(op);
      const names = params.map((p) => p.name);
      expect(names, name).toContain("X-ScaiVault-Tenant");
      expect(names, name).toContain("X-ScaiVault-Partner");
      expect(tool.tenant_arg, name).toBe("tenant");
      expect(tool.partner_arg, name).toBe("partner");
      const hasPathParam = params.some((p) => p.in === "path" && p.name === "path");
      expect(Boolean(tool.args?.path?.multi_segment), name).toBe(hasPathParam);
      // A vault path is scoped as itself, or (a path inside a federation backend) relative to its mount.
      if (hasPathParam)
        expect(
          tool.scoped_path ??
            tool.scoped_values?.find((v: any) => v.arg === "path" && v.kind === "path")?.arg,
          name,
        ).toBe("path");
      if (tool.scoped_list) expect(names, name).toContain(tool.scoped_list.prefix_arg);
      expect(typeof op["x-required-scope"], name).toBe("string");
      const safety =
        tool.safety ??
        ({ get: "read", delete: "destructive" } as Record<string, string>)[
          operations.get(tool.from.replace(/^vault#/, ""))!.method
        ] ??
        "write";
      if (safety === "destructive") expect(tool.confirm, name).toBe("required");
    }
  });

  it("ships prompt templates that render with their arguments", () => {
    for (const [name, prompt] of Object.entries<any>(manifest.prompts)) {
      const template = Handlebars.compile(readFileSync(join(specDir, prompt.file), "utf8"), {
        noEscape: true,
      });
      const args = Object.fromEntries(prompt.arguments.map((a: any) => [a.name, `<${a.name}>`]));
      const text = template(args);
      for (const a of prompt.arguments) expect(text, `${name} uses ${a.name}`).toContain(`<${a.name}>`);
      for (const tool of text.match(/scaivault_[a-z_]+/g) ?? [])
        expect(SEED_TOOLS, `${name}: ${tool}`).toContain(tool);
    }
  });

  it("binds resource templates to tools whose arguments cover the variables", () => {
    for (const rt of manifest.resource_templates) {
      const tool = manifest.tools[rt.tool];
      expect(tool, rt.uri_template).toBeDefined();
      const { op } = operations.get(tool.from.replace(/^vault#/, ""))!;
      const argNames = paramsOf(op).map((p) => tool.args?.[p.name]?.rename ?? p.name);
      for (const [, variable] of rt.uri_template.matchAll(/\{([^}]+)\}/g)) {
        expect(argNames, rt.uri_template).toContain(rt.args?.[variable] ?? variable);
      }
    }
  });
});
