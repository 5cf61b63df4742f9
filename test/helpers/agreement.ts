import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { CatalogDocument, CatalogModule, JsonSchema } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { project, SizeCache, UNBOUNDED } from "../../src/publish/project.js";
import { probes } from "./probes.js";

export interface Agreement {
  count: number;
  checked: number;
  examples: string[];
}

/** Extra values to try per tool side, e.g. the spec's own examples (realistic, mostly valid instances). */
export type ExtraValues = (tool: CatalogDocument["tools"][number], side: "input" | "output") => unknown[];

/** Which tools to check (default: all); a big catalog checks a deterministic sample. */
export type ToolFilter = (tool: CatalogDocument["tools"][number]) => boolean;

type Parser = { safeParse(v: unknown): { success: boolean } };

/**
 * The zod schemas that validate arguments and results, and the JSON Schemas published in tools/list, are
 * emitted separately from the same IR. They must agree on every probe: a value one accepts, the other accepts.
 * Formats are annotations in both (ajv: validateFormats off), as the published schemas say. The zod schemas are
 * the ones the runtime loads (catalog.gen.mjs); those of the TypeScript twin (catalog.gen.ts, named schemas as
 * constants rather than thunks) must give the same answer on every probe too. The JSON Schema compared is each
 * root with every named schema it reaches from the catalog's table (nothing left open), and null beside an output
 * whose spec declares a success without content (`success.empty`: the zod output admits the empty reply).
 */
export async function disagreements(
  dir: string,
  extra?: ExtraValues,
  select: ToolFilter = () => true,
): Promise<Agreement> {
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
  const mod = (await loadCatalog(dir)).module;
  const twin = (await import(pathToFileURL(join(dir, "catalog.gen.ts")).href)).default as CatalogModule;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  const sizes = new SizeCache(doc.schemas);
  const whole = (root: JsonSchema | undefined) =>
    root ? project(root, doc.schemas, UNBOUNDED, sizes).schema : undefined;
  let count = 0;
  let checked = 0;
  const examples: string[] = [];
  for (const tool of doc.tools.filter(select)) {
    const sides = ["input", "output"] as const;
    for (const side of sides) {
      const json = whole(
        side === "input" ? tool.inputSchema : tool.outputWrapped ? undefined : tool.outputSchema,
      );
      const zodThunk = mod.tools[tool.name]?.[side];
      const twinThunk = twin.tools[tool.name]?.[side];
      if (!json || !zodThunk) continue;
      const check = ajv.compile(json);
      const zod = zodThunk() as unknown as Parser;
      const zodTs = twinThunk?.() as unknown as Parser | undefined;
      // A tool whose spec declares a success without content beside its body takes null too (the empty reply).
      const empty = side === "output" && tool.binding.kind === "http" && tool.binding.success.empty;
      for (const value of [...probes(json), ...(extra?.(tool, side) ?? [])]) {
        checked++;
        const a = (empty && value === null) || check(value) === true;
        const z = zod.safeParse(value).success;
        const t = zodTs ? zodTs.safeParse(value).success : "missing";
        if (a !== z || t !== z) {
          count++;
          if (examples.length < 8)
            examples.push(
              `${tool.name} ${side}: ajv=${a} zod=${z} zod (.ts)=${t} on ${JSON.stringify(value)}`,
            );
        }
      }
    }
  }
  return { count, checked, examples };
}
