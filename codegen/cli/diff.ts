import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { parseArgs } from "node:util";
import { CATALOG_FORMAT, type CatalogDocument, OLDEST_CATALOG_FORMAT } from "../../src/catalog.js";
import { CatalogLoadError, findCatalogDir } from "../../src/load/catalog.js";
import { terminalJson } from "../../src/telemetry/terminal.js";
import { compareCatalogs } from "../diff/compare.js";
import { fromFormat1 } from "../diff/format1.js";
import { renderReport, withSafety } from "../diff/report.js";
import { parseCliFlags } from "./flags.js";
import { usageError } from "./jobs.js";

const HELP = `Usage: toolwright diff <old> <new> [--all | --json] [--fail-on-widening]

Shows what changed between two generated catalogs, as a reviewer reads it: tools added or removed, safety
class and binding changes, arguments added, removed or made optional, result schemas and envelope, tags,
policies (scoped paths, tenant lock, masked fields, confirmation), policy and audit switches, env variables,
sources (endpoint, credentials, timeout), HTTP serving, limits, publish settings, resources, resource
templates and prompts (their arguments and the texts of their files), annotations, success rules. Each change says whether it widens
what an agent can do.

What widens is listed first, each change on its own line: catalog-wide changes, then those on destructive,
write and read tools (a line about a tool that writes ends in [write] or [destructive]). What does not widen
follows, with repeated edits folded: the same reworded description, narrowed or removed argument or result
schema change on many tools is one line with the count and the first tools' names (--all lists each).

<old> and <new> are each a generated catalog folder (a bare name in the current directory too, then
./generated/<name>, then a catalog bundled with toolwright), a catalog.json file, or a git revision and path, read with \`git show\` without checking anything out:

  toolwright diff v1.2:generated/scaivault generated/scaivault
  toolwright diff HEAD~1:generated/scaly/catalog.json scaly --fail-on-widening

Options:
  --all                every change on its own line, none folded
  --json               every change as one JSON document (none folded; each tool's safety class)
  --fail-on-widening   exit 1 when any change widens what an agent can do (a release gate in CI)
  -h, --help           this help
`;

/**
 * A catalog.json read for comparison: the formats this runtime serves (`OLDEST_CATALOG_FORMAT` to `CATALOG_FORMAT`)
 * as they are, format 1 (older releases) lifted into format 2.
 */
function comparable(parsed: unknown, where: string): CatalogDocument | string {
  if (parsed === null || typeof parsed !== "object" || !Array.isArray((parsed as { tools?: unknown }).tools))
    return `${where} is not a catalog.json (no tools)`;
  const format = (parsed as { format?: unknown }).format;
  if (format === 1) return fromFormat1(parsed as Record<string, unknown>);
  if (format === undefined) return `${where} is not a catalog.json (no "format" member)`;
  if (
    typeof format !== "number" ||
    !Number.isInteger(format) ||
    format < OLDEST_CATALOG_FORMAT ||
    format > CATALOG_FORMAT
  )
    return `${where} has catalog format ${JSON.stringify(format)}, which this toolwright cannot compare (it reads formats 1 to ${CATALOG_FORMAT})`;
  return parsed as CatalogDocument;
}

async function readCatalog(ref: string): Promise<CatalogDocument | string> {
  const gitRef = /^([^:]+):(.+)$/.exec(ref);
  if (gitRef && !existsSync(ref)) {
    const [, rev, path] = gitRef as unknown as [string, string, string];
    const file = path.endsWith(".json") ? path : `${path.replace(/\/+$/, "")}/catalog.json`;
    try {
      const text = execFileSync("git", ["show", `${rev}:${file}`], {
        encoding: "utf8",
        maxBuffer: 1024 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
      });
      return comparable(JSON.parse(text), `${file} at ${rev}`);
    } catch (e) {
      return `cannot read ${file} at ${rev} with git show (${((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split("\n")[0]})`;
    }
  }
  if (ref.endsWith(".json") && existsSync(ref)) {
    try {
      return comparable(JSON.parse(readFileSync(ref, "utf8")), ref);
    } catch (e) {
      return `${ref} is not a catalog.json (${(e as Error).message})`;
    }
  }
  // A folder holding a catalog.json, as given (`diff old new` with both in the current directory, a bare name
  // included), then ./generated/<name>, then a catalog bundled with toolwright (`findCatalogDir`).
  let dir = [ref, join("generated", ref)].find((d) => existsSync(join(d, "catalog.json")));
  if (
    dir === undefined &&
    existsSync(ref) &&
    statSync(ref).isDirectory() &&
    !existsSync(join("generated", ref))
  )
    return `${ref} has no catalog.json: is it a generated catalog folder? (toolwright generate writes one)`;
  if (dir === undefined) {
    try {
      dir = findCatalogDir(ref);
    } catch (e) {
      if (!(e instanceof CatalogLoadError)) throw e;
      return `no catalog at ${ref}: ${e.message} (diff takes a generated folder, a catalog name, a catalog.json, or REV:path)`;
    }
  }
  try {
    return comparable(JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")), join(dir, "catalog.json"));
  } catch (e) {
    return `${join(dir, "catalog.json")} is not a catalog.json (${(e as Error).message})`;
  }
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseCliFlags({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        all: { type: "boolean", default: false },
        "fail-on-widening": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 2) return usageError("diff takes two catalogs: <old> <new>");
  const [oldRef, newRef] = parsed.positionals as [string, string];
  const before = await readCatalog(oldRef);
  if (typeof before === "string") return usageError(before);
  const after = await readCatalog(newRef);
  if (typeof after === "string") return usageError(after);
  const changes = withSafety(before, after, compareCatalogs(before, after));
  if (parsed.values.json) {
    process.stdout.write(
      `${terminalJson({ catalog: after.catalog, from: before.inputHash, to: after.inputHash, changes }, 2)}\n`,
    );
  } else process.stdout.write(renderReport(before, after, changes, { all: parsed.values.all === true }));
  return parsed.values["fail-on-widening"] && changes.some((c) => c.widens) ? 1 : 0;
}
