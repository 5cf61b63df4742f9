import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Spec and manifest text is data. Hostile strings in every place a spec or manifest can put text (descriptions,
 * titles, summaries, property names, enum values, patterns, defaults, examples, operation ids, server URLs, tag
 * names) must come out of the generator as the same data: the generated code type-checks, importing it runs
 * nothing, and catalog.json carries the strings byte for byte.
 */
const HOSTILE = [
  "*/ globalThis.__pwned = 1; /*",
  '"); globalThis.__pwned = 2; ("',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the attack being tested
  "`; globalThis.__pwned = 3; `${globalThis.__pwned = 4}`",
  "\n} ; globalThis.__pwned = 5; {\n// ",
  "</script><img src=x onerror=alert(1)>",
  "{{#each this}}{{{this}}}{{/each}} {{> partial}}",
  "line\u2028separator\u2029paragraph",
  "\\u0022 \\\\ \\n",
].join(" | ");

// biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the attack being tested
const key = 'we"ird\\key*/`${x}`';

const SPEC = {
  openapi: "3.1.0",
  info: { title: `Evil ${HOSTILE}`, version: "1.0", description: HOSTILE },
  servers: [{ url: "https://evil.example.com/*/x" }],
  tags: [{ name: `tag ${HOSTILE}` }],
  paths: {
    "/things/{id}": {
      get: {
        operationId: "getThing",
        summary: `Summary ${HOSTILE}`,
        description: HOSTILE,
        tags: [`tag ${HOSTILE}`],
        parameters: [
          {
            name: "id",
            in: "path",
            required: true,
            description: HOSTILE,
            schema: { type: "string", pattern: "^[a-z*/]+$" },
          },
          {
            name: `q*/${HOSTILE.slice(0, 20)}`,
            in: "query",
            schema: { type: "string", default: HOSTILE, examples: [HOSTILE] },
          },
        ],
        responses: {
          "200": {
            description: HOSTILE,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: "object",
        title: HOSTILE,
        description: HOSTILE,
        properties: {
          [key]: { type: "string", description: HOSTILE, enum: [HOSTILE, "plain"] },
          __proto__x: { type: "string" },
          constructor: { type: "string", const: HOSTILE },
          "*/": { type: "integer", description: "*/" },
        },
        required: [key],
      },
      "Evil.Name_x-y": { type: "object", properties: { a: { type: "string", description: HOSTILE } } },
    },
  },
};

const MANIFEST = `catalog: evil
server: { name: evil, instructions: ${JSON.stringify(HOSTILE)} }
env:
  EVIL_URL: { description: ${JSON.stringify(HOSTILE)}, type: url, default: "https://evil.example.com" }
sources:
  api: { openapi: ./openapi.json, base_url: { env: EVIL_URL } }
tools:
  evil_get_thing:
    from: getThing
    title: ${JSON.stringify(`Title ${HOSTILE}`)}
    aliases: [evil_thing]
  evil_handled:
    handler: ./handler.ts
    safety: read
    description: ${JSON.stringify(HOSTILE)}
    input: { type: object, properties: { x: { type: string, description: ${JSON.stringify(HOSTILE)} } } }
resources:
  - { uri: "evil://guide", file: ./guide.md, title: ${JSON.stringify(HOSTILE)}, description: ${JSON.stringify(HOSTILE)} }
prompts:
  evil:
    file: ./prompt.md
    description: ${JSON.stringify(HOSTILE)}
    arguments: [{ name: x, description: ${JSON.stringify(HOSTILE)} }]
`;

describe("spec and manifest text is data, never code", () => {
  it("hostile strings generate code that type-checks, runs nothing when imported, and round-trips exactly", async () => {
    const dir = writeTree("injection", {
      "openapi.json": JSON.stringify(SPEC),
      "tools.yaml": MANIFEST,
      "guide.md": `# Guide\n\n${HOSTILE}\n`,
      "prompt.md": "Look at {{x}}.",
      // A handler makes the catalog carry the spec's request/response types (openapi-typescript's JSDoc).
      "handler.ts": "export default async () => ({ data: null });\n",
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), `${dir.slice(ROOT.length + 1)}/out`);
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    if (!cat) return;
    expect(verifyCatalogs(ROOT, [cat])).toEqual([]);
    writeCatalog(ROOT, cat);
    const out = join(ROOT, cat.dir);

    const g = globalThis as { __pwned?: number };
    delete g.__pwned;
    const mod = (await loadCatalog(out)).module;
    await import(pathToFileURL(join(out, "catalog.gen.ts")).href);
    await import(pathToFileURL(join(out, "api.openapi.gen.ts")).href);
    const input = mod.tools.evil_get_thing?.input() as { safeParse(v: unknown): { success: boolean } };
    const output = mod.tools.evil_get_thing?.output?.() as { safeParse(v: unknown): { success: boolean } };
    expect(g.__pwned).toBeUndefined();

    // The zod schemas mean what the spec says, hostile enum values and odd keys included.
    expect(input.safeParse({ id: "abc" }).success).toBe(true);
    expect(output.safeParse({ [key]: HOSTILE, constructor: HOSTILE }).success).toBe(true);
    expect(output.safeParse({ [key]: "other", constructor: HOSTILE }).success).toBe(false);
    expect(output.safeParse({ constructor: HOSTILE }).success).toBe(false);

    const doc = JSON.parse(readFileSync(join(out, "catalog.json"), "utf8")) as CatalogDocument;
    const tool = doc.tools[0];
    expect(tool?.description).toContain(HOSTILE);
    expect(tool?.title).toBe(`Title ${HOSTILE}`);
    expect(doc.server.instructions).toBe(HOSTILE);
    const thing = tool?.outputSchema as { properties: Record<string, { enum?: unknown[] }> };
    expect(thing.properties[key]?.enum).toEqual([HOSTILE, "plain"]);

    // No generated line starts code that the spec wrote: spec text appears only inside string literals or
    // (openapi-typescript's) JSDoc, where a `*/` cannot end the comment.
    for (const [path, text] of cat.files) {
      if (!path.endsWith(".ts")) continue;
      for (const line of text.split("\n")) {
        expect(line.trimStart().startsWith("globalThis"), `${path}: ${line}`).toBe(false);
        if (line.trimStart().startsWith("*") || line.trimStart().startsWith("/*")) {
          expect(
            line.replace(/^\s*\/?\*+/, "").includes("*/") && !line.trimEnd().endsWith("*/"),
            `${path}: ${line}`,
          ).toBe(false);
        }
      }
    }
    const md = cat.files.get("CATALOG.md") ?? "";
    expect(md).not.toContain("<script>");
    expect(md).not.toContain("<img");
    expect(md).toContain("&lt;/script&gt;");
  });
});

describe("a handler reference is a path and an identifier, never code", () => {
  // An ES module may export any string as a name, so a module can satisfy the bundler while its export name
  // carries code: the name must be refused before it reaches any generated file.
  const EVIL_NAME = 'x } from "./h.ts"; globalThis.__pwned = 6; import { y';
  const MODULE = `const x = async () => ({ data: { ok: true } });\nexport { x as ${JSON.stringify(EVIL_NAME)}, x as y, x as $ok_1 };\n`;

  function manifest(handler: string): string {
    return `catalog: evilh
tools:
  evilh_do:
    handler: ${JSON.stringify(handler)}
    safety: read
    description: Does a thing.
    input: { type: object, properties: {} }
`;
  }

  it.each([
    ["an export name carrying code", `./h.ts#${EVIL_NAME}`],
    ["an export name that is not an identifier", "./h.ts#not-an-identifier"],
    ["two export names", "./h.ts#x#y"],
    ["a path with a line break", "./h.ts\nglobalThis.__pwned = 7;#x"],
  ])("%s is refused at the manifest's line (TW118), nothing generated", async (_label, handler) => {
    const dir = writeTree("injection-handler", { "h.ts": MODULE, "tools.yaml": manifest(handler) });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), `${dir.slice(ROOT.length + 1)}/out`);
    expect(cat).toBeUndefined();
    const refused = diags.items.filter((d) => d.code === "TW118" && d.severity === "error");
    expect(refused).toHaveLength(1);
    expect(refused[0]?.source).toMatchObject({ file: expect.stringMatching(/tools\.yaml$/), line: 4 });
  });

  it("identifier export names (with $ and _) generate and load", async () => {
    const dir = writeTree("injection-handler-ok", { "h.ts": MODULE, "tools.yaml": manifest("./h.ts#$ok_1") });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), `${dir.slice(ROOT.length + 1)}/out`);
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    expect(cat?.files.get("catalog.gen.ts")).toContain("import { $ok_1 as handler0 }");
    expect(verifyCatalogs(ROOT, [cat!])).toEqual([]);
  });
});
