import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Spec text reaches the generated TypeScript and JavaScript (zod literals and enums, property names, the
 * openapi-typescript types' comments and literal types). It must stay data there: the files compile and load,
 * the values are exactly the spec's, and no character in them is one an editor or a code review acts on instead
 * of showing (bidi overrides and isolates reorder the rest of their line, Trojan Source; zero-width and tag
 * characters hide text; line and paragraph separators and controls break lines a reviewer reads as one).
 */

const SHOWN_OTHERWISE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

// Each a value a spec may hold: comment and string enders, template and script text, and hidden characters.
const HOSTILE = [
  "*/ process.exit(7) /*",
  `\`\${process.exit(7)}\` " ' \\`,
  "</script><img src=x onerror=alert(1)>",
  "access\u202e\u2066 // admin only\u2069\u2066",
  "line\u2028sep\u2029para\r\nnext\u0085",
  "zero\u200bwidth\u200d\ufeff soft\u00ad",
  "tag\u{e0041}\u{e0042}\u{e007f}",
  "esc\u001b[2J\u0007\u0000",
];
const JOINED = HOSTILE.join(" | ");

function spec(port: number) {
  return {
    openapi: "3.1.0",
    info: { title: "Code text", version: "1", description: JOINED },
    servers: [{ url: `http://127.0.0.1:${port}` }],
    tags: [{ name: "items", description: JOINED }],
    paths: {
      "/items": {
        get: {
          operationId: "listItems",
          tags: ["items"],
          summary: `List ${HOSTILE[3]}`,
          description: JOINED,
          parameters: [
            {
              name: "kind",
              in: "query",
              required: true,
              description: JOINED,
              schema: { type: "string", enum: HOSTILE, default: HOSTILE[3], title: JOINED },
            },
            {
              name: "note",
              in: "header",
              description: JOINED,
              schema: { type: "string", examples: HOSTILE },
            },
          ],
          responses: {
            "200": {
              description: JOINED,
              content: { "application/json": { schema: { $ref: "#/components/schemas/Item" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Item: {
          type: "object",
          title: JOINED,
          description: JOINED,
          required: ["kind"],
          properties: {
            kind: { enum: [...HOSTILE, 1, null], description: JOINED },
            [HOSTILE[3] as string]: { const: HOSTILE[4], description: JOINED },
            [HOSTILE[6] as string]: { type: "string", description: JOINED },
          },
          example: { kind: HOSTILE[0], [HOSTILE[3] as string]: HOSTILE[4] },
        },
      },
    },
  };
}

describe("spec text in generated code files", () => {
  it("is data: escaped where an editor would act on it, type-checks, loads, and keeps its exact values", async () => {
    const upstream = await startRecordingServer((req, res) =>
      sendJson(res, 200, {
        kind: req.query.get("kind"),
        [HOSTILE[3] as string]: HOSTILE[4],
        [HOSTILE[6] as string]: JOINED,
      }),
    );
    try {
      const dir = tmpDir("code-text");
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(spec(Number(new URL(upstream.url).port))));
      const diags = new Diagnostics();
      // types: the openapi-typescript file (its JSDoc comments carry every description) as handlers get it.
      const cat = await generateCatalog(
        { kind: "spec", spec: file, name: "codetext" },
        { root: ROOT, out: `${dir.slice(ROOT.length + 1)}/out`, types: true },
        diags,
      );
      expect(diags.items.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
      if (!cat) throw new Error("no catalog");
      writeCatalog(ROOT, cat);
      const out = join(ROOT, cat.dir);
      const code = readdirSync(out).filter((f) => /\.(ts|mjs)$/.test(f));
      expect(code.sort()).toEqual([
        "api.openapi.gen.ts",
        "catalog.gen.mjs",
        "catalog.gen.ts",
        "schemas.gen.mjs",
        "schemas.gen.ts",
      ]);
      for (const f of code) {
        const text = readFileSync(join(out, f), "utf8");
        const shown = [...text].filter((c) => c !== "\n" && c !== "\t" && SHOWN_OTHERWISE.test(c));
        expect(
          shown.map((c) => `U+${(c.codePointAt(0) as number).toString(16)}`),
          f,
        ).toEqual([]);
        // The spec's values are there, escaped: every file names the override as an escape.
        if (f !== "catalog.gen.mjs" && f !== "catalog.gen.ts") expect(text, f).toContain("\\u202e");
      }

      // The TypeScript files compile as they are (strict), the types holding the spec's exact literals: a file
      // of ours assigns each value (and one that is not) to the types' and the zod schema's enum.
      writeFileSync(
        join(out, "probe.ts"),
        [
          'import type { components } from "./api.openapi.gen.js";',
          'import type { z } from "zod";',
          'import { Item, tools } from "./schemas.gen.js";',
          'type Kind = components["schemas"]["Item"]["kind"];',
          'type Arg = z.input<ReturnType<(typeof tools)["list_items"]["input"]>>["kind"];',
          `export const kinds: Kind[] = ${JSON.stringify([...HOSTILE, 1, null])};`,
          `export const args: Arg[] = ${JSON.stringify(HOSTILE)};`,
          `export const item: z.output<typeof Item> = { kind: 1, ${JSON.stringify(HOSTILE[3])}: ${JSON.stringify(HOSTILE[4])} };`,
          "// @ts-expect-error: not one of the spec's values",
          'export const other: Kind = "access";',
          "// @ts-expect-error: not one of the spec's values",
          'export const otherArg: Arg = "access";',
        ].join("\n"),
      );
      const program = ts.createProgram([join(out, "probe.ts")], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
      });
      const problems = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
      expect(problems).toEqual([]);
      expect(program.getSourceFiles().map((f) => f.fileName.slice(out.length + 1))).toEqual(
        expect.arrayContaining(["api.openapi.gen.ts", "schemas.gen.ts", "probe.ts"]),
      );

      // Served: the published enum and every value sent and received are the spec's exact text.
      const catalog = await loadCatalog(out);
      const factory = createServer(catalog, resolveConfig(catalog.doc.env, {}), { policy: { audit: false } });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await factory({ era: "legacy" }).connect(serverSide);
      const client = new Client({ name: "code-text", version: "1.0.0" });
      await client.connect(clientSide);
      try {
        const { tools } = await client.listTools();
        const kindArg = tools[0]?.inputSchema.properties?.kind as { enum?: string[] } | undefined;
        expect(kindArg?.enum).toEqual(HOSTILE);
        for (const kind of HOSTILE) {
          const result = await client.callTool({ name: "list_items", arguments: { kind } });
          expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
          expect(upstream.received.at(-1)?.query.get("kind")).toBe(kind);
          expect(result.structuredContent).toEqual({
            kind,
            [HOSTILE[3] as string]: HOSTILE[4],
            [HOSTILE[6] as string]: JOINED,
          });
        }
        const off = await client.callTool({ name: "list_items", arguments: { kind: "access" } });
        expect(off.isError).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      await upstream.close();
    }
  });
});
