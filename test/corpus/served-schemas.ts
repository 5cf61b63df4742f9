import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";

/** A failure bound per request (start, each page), not a speed target: a busy 2-core machine is slow. */
const BOUND_MS = 300_000;

const JSON_TYPE: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === "string",
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === "number",
  boolean: (v) => typeof v === "boolean",
  null: (v) => v === null,
  object: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};

/**
 * Published examples and defaults of another JSON type than the `type` beside them (`type: string` with the
 * example 137: a model copying it is refused), each as `<path> <value>`.
 */
export function misTypedValues(schema: unknown, path = "", out: string[] = []): string[] {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => {
      misTypedValues(s, `${path}/${i}`, out);
    });
  }
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return out;
  const s = schema as Record<string, unknown>;
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  if (types.length > 0) {
    const values = [...(Array.isArray(s.examples) ? s.examples : []), ...("default" in s ? [s.default] : [])];
    for (const v of values)
      if (!types.some((t) => JSON_TYPE[t]?.(v) ?? true)) out.push(`${path} ${JSON.stringify(v)}`);
  }
  for (const [k, v] of Object.entries(s))
    if (k !== "examples" && k !== "default" && k !== "enum" && k !== "const")
      misTypedValues(v, `${path}/${k}`, out);
  return out;
}

/**
 * Serves a generated catalog over stdio as a host would (required variables set to placeholders), lists every
 * page with the v2 client and compiles every published schema with ajv. Returns the problems, each naming `id`
 * (a server that does not start, a schema ajv refuses, an example or default of another type than its schema, a
 * count of listed tools other than `tools`).
 */
export async function servedSchemaProblems(id: string, dir: string, tools: number): Promise<string[]> {
  const problems: string[] = [];
  const abs = join(ROOT, dir);
  const doc = JSON.parse(readFileSync(join(abs, "catalog.json"), "utf8")) as {
    env: { name: string; type: string; required: boolean; default?: string }[];
  };
  const env: Record<string, string> = {};
  for (const e of doc.env)
    if (e.required && e.default === undefined) env[e.name] = e.type === "url" ? "http://127.0.0.1:9" : "x";
  const served = await serveOverStdio(abs, env, {}, [], BOUND_MS).catch((e: Error) => {
    problems.push(`${id}: does not start: ${e.message}`);
    return undefined;
  });
  if (!served) return problems;
  try {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    let listed = 0;
    let cursor: string | undefined;
    do {
      const page = await served.client.listTools(cursor ? { cursor } : {}, { timeout: BOUND_MS });
      for (const tool of page.tools) {
        for (const schema of [tool.inputSchema, tool.outputSchema]) {
          if (!schema) continue;
          try {
            ajv.compile(schema);
          } catch (e) {
            problems.push(`${id}: ${tool.name}: ${(e as Error).message}`);
          }
          for (const bad of misTypedValues(schema))
            problems.push(`${id}: ${tool.name}: mistyped value ${bad}`);
        }
      }
      listed += page.tools.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (listed !== tools) problems.push(`${id}: listed ${listed} of ${tools} tools`);
  } finally {
    await served.close();
  }
  return problems;
}
