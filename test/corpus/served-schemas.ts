import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";

/** A failure bound per request (start, each page), not a speed target: a busy 2-core machine is slow. */
const BOUND_MS = 300_000;

/**
 * Serves a generated catalog over stdio as a host would (required variables set to placeholders), lists every
 * page with the v2 client and compiles every published schema with ajv. Returns the problems, each naming `id`
 * (a server that does not start, a schema ajv refuses, a count of listed tools other than `tools`).
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
