import { parseArgs } from "node:util";
import type { CatalogDocument } from "../../src/catalog.js";
import { CatalogLoadError, findCatalogDir, readCatalogDocument } from "../../src/load/catalog.js";
import { buildReport } from "../audit/report.js";
import { renderText } from "../audit/text.js";

/**
 * `toolwright audit <catalog>`: the policy surface of a generated catalog, for a reviewer who will not read
 * code. Per tool: its safety class and how it was decided, what it calls, and every policy that applies to it;
 * catalog-wide: the findings, which env variable switches what, with its default, and which credentials reach
 * which upstream. Read from catalog.json alone (nothing is executed, no env is read), and deterministic, so two
 * releases can be diffed.
 */

export { buildReport, renderText };

const HELP = `Usage: toolwright audit <catalog> [--json] [--name-prefix PREFIX ...]

Prints the policy surface of a generated catalog: for every tool its safety class (read, write,
destructive), the upstream operation it calls and the policies that apply to it (scoped path argument,
tenant/partner lock, masked result fields, confirmation, secret-like keys, names-only, denied by the
manifest); and for the catalog the env variables that switch each policy, with their defaults, and the
credentials each upstream source is called with. Nothing runs and no environment is read.

<catalog> is a generated catalog folder (e.g. ./generated/scaivault) or a catalog name, found as
./generated/<name> or in toolwright's own generated/ folder (as \`toolwright serve\` finds it).

The output is deterministic (no times, no absolute paths): diff it between releases.

Options:
  --json                the same as one JSON document
  --name-prefix PREFIX  a prefix a host puts before tool names (repeatable; default mcp__<catalog>__):
                        names that would then pass 64 characters are findings
  -h, --help            this help
`;

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        "name-prefix": { type: "string", multiple: true },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`toolwright audit: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(
      `toolwright audit: ${parsed.positionals.length === 0 ? "which catalog?" : "expected one catalog"}\n\n${HELP}`,
    );
    return 2;
  }
  let doc: CatalogDocument;
  try {
    doc = await readCatalogDocument(findCatalogDir(parsed.positionals[0]!));
  } catch (error) {
    const message = error instanceof CatalogLoadError ? error.message : (error as Error).message;
    process.stderr.write(`toolwright audit: ${message}\n`);
    return 1;
  }
  const prefixes = parsed.values["name-prefix"] as string[] | undefined;
  const report = buildReport(doc, prefixes ? { namePrefixes: prefixes } : {});
  process.stdout.write(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
  return 0;
}
