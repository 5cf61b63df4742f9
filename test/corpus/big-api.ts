import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import { expect } from "vitest";
import { classifyHttp } from "../../codegen/bind/classify.js";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import type { PublishSpec } from "../../codegen/manifest/types.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument, HttpMethod, Safety } from "../../src/catalog.js";
import { childEnv } from "../helpers/child-env.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";

/**
 * The largest real APIs, as a maintainer generates them with no manifest: generated in memory, written, served
 * over stdio to the v1 SDK client (which refuses messages over 10 MiB and compiles every output schema), every
 * published schema compiled by ajv 2020. Sizes are asserted as bytes, never times.
 */

export const MIB = 1024 * 1024;

export interface BigApi {
  name: string;
  spec: string;
  tools: number;
  publish?: PublishSpec;
}

export interface Listed {
  cat: GeneratedCatalog;
  /** Compact-JSON bytes of each tools/list result, as the server sent it. */
  pages: number[];
  /** The tools as the server sent them (before the client's own parsing). */
  tools: Array<{ name: string; inputSchema: object; outputSchema?: object; description?: string }>;
}

export async function generateBigApi(api: BigApi): Promise<GeneratedCatalog> {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: api.spec, name: api.name, ...(api.publish ? { publish: api.publish } : {}) },
    { root: ROOT, out: `test/.tmp/corpus-${api.name}` },
    diags,
  );
  expect(diags.items.filter((d) => d.severity === "error").slice(0, 5)).toEqual([]);
  if (!cat) throw new Error(`${api.name} did not generate`);
  expect(cat.stats.tools).toBe(api.tools);
  return cat;
}

/** TypeScript half type-checked in memory (the schemas and catalog modules; no handlers in bare catalogs). */
export function typeCheck(cat: GeneratedCatalog): void {
  expect(verifyCatalogs(ROOT, [cat]).slice(0, 5)).toEqual([]);
}

/** Writes the catalog and lists every page with the v1 SDK client over stdio. */
export async function serveAndList(cat: GeneratedCatalog): Promise<Listed> {
  writeCatalog(ROOT, cat);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "serve", join(ROOT, cat.dir)],
    cwd: ROOT,
    env: childEnv(),
    stderr: "pipe",
  });
  const client = new Client({ name: "corpus", version: "1.0.0" });
  await client.connect(transport);
  // Sizes and schemas as they came over the wire: the client's own parsing re-shapes what it returns.
  const pages: number[] = [];
  const tools: Listed["tools"] = [];
  const deliver = transport.onmessage;
  transport.onmessage = (message) => {
    const result = (message as { result?: { tools?: Listed["tools"] } }).result;
    if (result?.tools) {
      pages.push(Buffer.byteLength(JSON.stringify(result)));
      tools.push(...result.tools);
    }
    deliver?.(message);
  };
  try {
    let cursor: string | undefined;
    do {
      cursor = (await client.listTools(cursor ? { cursor } : {}, { timeout: 600_000 })).nextCursor;
    } while (cursor);
  } finally {
    await client.close();
  }
  return { cat, pages, tools };
}

/** Every published schema compiles in ajv 2020; no page is over 10 MiB; every tool is listed exactly once. */
export function checkListing(listed: Listed, expectedTools: number): void {
  expect(Math.max(...listed.pages)).toBeLessThan(10 * MIB);
  expect(listed.tools).toHaveLength(expectedTools);
  expect(new Set(listed.tools.map((t) => t.name)).size).toBe(expectedTools);
  checkSchemasCompile(listed.tools);
}

/**
 * Each tool's input and output schema (as published, `$schema` aside) compiles in ajv 2020. Schemas with the same
 * JSON text compile alike, so each text is compiled once (many tools share one, e.g. Microsoft Graph's outputs),
 * and dropped from ajv's cache after, so memory stays flat however many tools there are.
 */
export function checkSchemasCompile(
  tools: ReadonlyArray<{ name: string; inputSchema: object; outputSchema?: object | undefined }>,
): void {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const compiled = new Set<string>();
  for (const tool of tools) {
    for (const schema of [tool.inputSchema, tool.outputSchema]) {
      if (!schema) continue;
      const { $schema: _dialect, ...rest } = schema as Record<string, unknown>;
      const text = JSON.stringify(rest);
      if (compiled.has(text)) continue;
      compiled.add(text);
      expect(() => ajv.compile(rest), tool.name).not.toThrow();
      ajv.removeSchema(rest);
    }
  }
}

export function bytesOf(cat: GeneratedCatalog, file: string): number {
  return Buffer.byteLength(cat.files.get(file) ?? "");
}

/**
 * A deterministic sample: the `count` keys with the lowest salted SHA-256 (independent of order and of anyone's
 * choice), for checks too slow to sweep a whole big API with.
 */
export function sampleOf(keys: readonly string[], count: number): Set<string> {
  const hash = (k: string) => createHash("sha256").update(`toolwright-big-api:${k}`).digest("hex");
  return new Set(
    keys
      .map((k) => [hash(k), k] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .slice(0, count)
      .map(([, k]) => k),
  );
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

/** `METHOD path` -> the safety class the classifier gives the spec's operation, read from the spec itself. */
export function classifiedOperations(specFile: string): Map<string, Safety> {
  const doc = JSON.parse(readFileSync(specFile, "utf8")) as {
    paths: Record<string, Record<string, { operationId?: string; summary?: string; description?: string }>>;
  };
  const out = new Map<string, Safety>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const method = m.toUpperCase() as HttpMethod;
      const { operationId, summary, description } = op;
      out.set(
        `${method} ${path}`,
        classifyHttp({ method, path, operationId, summary, description }).proposed,
      );
    }
  }
  return out;
}

/** `METHOD path` -> safety of each generated HTTP tool, from catalog.json. */
export function catalogSafety(cat: GeneratedCatalog): Map<string, Safety> {
  const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
  const out = new Map<string, Safety>();
  for (const tool of doc.tools) {
    if (tool.binding.kind === "http") out.set(`${tool.binding.method} ${tool.binding.path}`, tool.safety);
  }
  return out;
}
