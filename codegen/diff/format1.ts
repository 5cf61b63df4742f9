import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import { setOwn } from "../../src/catalog.js";
import { DEFAULT_PUBLISH } from "../../src/publish/settings.js";

/** Catalogs lifted from format 1, which recorded no publish settings (`publish` is the defaults, standing in). */
const lifted = new WeakSet<CatalogDocument>();

/** Whether `doc` was lifted from format 1 (its `publish` was not recorded: not compared). */
export function liftedFromFormat1(doc: CatalogDocument): boolean {
  return lifted.has(doc);
}

/**
 * Reads a format-1 catalog.json (releases before the schema table, e.g. a catalog from an older git revision)
 * as format 2, so `diff` compares across the change: every tool's `$defs` are lifted into one table (within one
 * generation a name always meant one schema; a name that meant two is kept under `<name>~<tool>` so no
 * difference is hidden) and the per-tool `$schema` is dropped.
 */
export function fromFormat1(doc: Record<string, unknown>): CatalogDocument {
  const table: Record<string, JsonSchema> = {};
  const lift = (tool: string, schema: JsonSchema | undefined): JsonSchema | undefined => {
    if (!schema) return schema;
    const { $schema: _dialect, $defs, ...root } = schema;
    const renamed = new Map<string, string>();
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      // Own members only: schema names are a spec's (`constructor`, `__proto__`).
      const existing = Object.hasOwn(table, name) ? table[name] : undefined;
      if (existing === undefined || JSON.stringify(existing) === JSON.stringify(def))
        setOwn(table, name, def);
      else {
        renamed.set(name, `${name}~${tool}`);
        setOwn(table, `${name}~${tool}`, def);
      }
    }
    if (renamed.size === 0) return root;
    const text = JSON.stringify(root).replace(/"#\/\$defs\/([^"]+)"/g, (m, name: string) =>
      renamed.has(name) ? JSON.stringify(`#/$defs/${renamed.get(name)}`) : m,
    );
    return JSON.parse(text) as JsonSchema;
  };
  const tools = ((doc.tools ?? []) as CatalogTool[]).map((tool) => {
    const out: CatalogTool = { ...tool, inputSchema: lift(tool.name, tool.inputSchema) as JsonSchema };
    const output = lift(tool.name, tool.outputSchema);
    if (output) out.outputSchema = output;
    return out;
  });
  const sorted = Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const out: CatalogDocument = {
    ...(doc as unknown as CatalogDocument),
    // The format this lift writes, not a bound to follow: the literal stops type-checking when
    // OLDEST_CATALOG_FORMAT moves past 2 (CatalogDocument's `format`), so the lift is revisited then.
    format: 2,
    publish: DEFAULT_PUBLISH,
    tools,
    schemas: sorted,
  };
  lifted.add(out);
  return out;
}
