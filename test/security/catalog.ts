import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CatalogDocument, CatalogTool } from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";
import { validValue } from "../helpers/probes.js";

/** The generated ScaiVault catalog, read as data: the suites loop over its tools instead of naming a few. */
export const SCAIVAULT: CatalogDocument = JSON.parse(
  readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
);

export const tools = (filter: (tool: CatalogTool) => boolean) => SCAIVAULT.tools.filter(filter);

/** Arguments that pass the tool's input schema (required ones only), with `overrides` on top. */
export function validArgs(
  tool: CatalogTool,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const schema = tool.inputSchema as Record<string, any>;
  // Format 2: a tool's schema refers into the catalog's one `schemas` table (`#/$defs/<name>`).
  const base = validValue(schema, SCAIVAULT.schemas ?? schema.$defs ?? {}) as Record<string, unknown>;
  return { ...base, ...overrides };
}
