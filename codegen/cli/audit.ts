import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { CatalogDocument } from "../../src/catalog.js";
import {
  CatalogLoadError,
  findCatalogDir,
  PACKAGE_ROOT,
  readCatalogDocument,
} from "../../src/load/catalog.js";
import type { RuntimeSwitches } from "../../src/policy/switches.js";
import { terminalJson } from "../../src/telemetry/terminal.js";
import { renderHtml } from "../audit/html.js";
import { type AuditReport, AuditSwitchError, buildReport } from "../audit/report.js";
import { renderText } from "../audit/text.js";
import { parseCliFlags } from "./flags.js";

/**
 * `toolwright audit <catalog>`: the policy surface of a generated catalog, for a reviewer who will not read
 * code. Per tool: its safety class and how it was decided, what it calls, and every policy that applies to it;
 * catalog-wide: the findings, which env variable switches what, with its default, and which credentials reach
 * which upstream. Read from catalog.json alone (nothing is executed, no env is read), and deterministic, so two
 * releases can be diffed.
 */

export { buildReport, renderText };

const HELP = `Usage: toolwright audit <catalog> [--json | --html FILE] [--name-prefix PREFIX ...] [--read-only] [--allow SEL] [--deny SEL] [--mask FIELDS]

Prints the policy surface of a generated catalog: first the findings a security reviewer should look at;
for every tool its safety class (read, write, destructive) and how it was decided (binding, classifier,
manifest), the upstream operation it calls and the policies that apply to it (scoped path argument,
tenant/partner lock, masked result fields, confirmation, secret-like keys, names-only, denied by the
manifest); and for the catalog the env variables that switch each policy, with their defaults, serve's
run-time switches, the credentials each upstream source is called with (a GraphQL source's alternatives in
order) and its timeout, every env variable (secret ones never shown) and the result envelope. Nothing runs and no
environment is read.

<catalog> is a generated catalog folder (e.g. ./generated/scaivault) or a catalog name: a name is looked
up as ./generated/<name> in the current directory first (your catalog; audit only reads its data), then in
toolwright's own generated/ folder (the bundled reference catalogs). stderr says which was read when both
exist.

The output is deterministic (no times, no absolute paths): diff it between releases.

Options:
  --json           the same as one JSON document
  --html FILE      also write the report as one self-contained HTML page (summary chart, findings, a
                   searchable table of tools); - writes it to stdout instead of the text report
  --name-prefix PREFIX
                   a prefix a host puts before tool names (repeatable; default mcp__<catalog>__):
                   names that would then pass 64 characters are findings
  --read-only, --allow SEL,SEL, --deny SEL,SEL, --mask FIELD,FIELD
                   what \`toolwright serve\` would serve with these run-time switches (same forms as serve's;
                   a selector that serve would refuse is an error here too)
  -h, --help       this help
`;

/** A catalog's folder for reading its data: a bare name is the working directory's ./generated/<name> first. */
export function findCatalogToRead(ref: string, cwd: string = process.cwd()): { dir: string; note?: string } {
  const bare = !/[\\/]/.test(ref) && !ref.startsWith(".");
  const own = join(cwd, "generated", ref);
  if (bare && existsSync(join(own, "catalog.json"))) {
    const bundled = join(PACKAGE_ROOT, "generated", ref);
    const both = resolve(own) !== resolve(bundled) && existsSync(join(bundled, "catalog.json"));
    return {
      dir: own,
      ...(both
        ? {
            note: `reading ./generated/${ref} (the working directory's); toolwright's own catalog ${ref} is not the one audited: pass its path to audit it`,
          }
        : {}),
    };
  }
  return { dir: findCatalogDir(ref, cwd) };
}

function switchesOf(values: Record<string, unknown>): RuntimeSwitches {
  const list = (v: unknown) =>
    (v as string[])
      .flatMap((item) => item.split(","))
      .map((item) => item.trim())
      .filter(Boolean);
  return {
    ...(values["read-only"] ? { readOnly: "--read-only" } : {}),
    ...((values.allow as string[]).length > 0
      ? { allow: { label: "--allow", selectors: list(values.allow) } }
      : {}),
    ...((values.deny as string[]).length > 0
      ? { deny: { label: "--deny", selectors: list(values.deny) } }
      : {}),
    ...((values.mask as string[]).length > 0 ? { mask: { label: "--mask", fields: list(values.mask) } } : {}),
  };
}

function parseAuditArgs(argv: string[]) {
  return parseCliFlags({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      "name-prefix": { type: "string", multiple: true },
      html: { type: "string" },
      "read-only": { type: "boolean", default: false },
      allow: { type: "string", multiple: true, default: [] },
      deny: { type: "string", multiple: true, default: [] },
      mask: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}

type AuditValues = ReturnType<typeof parseAuditArgs>["values"];

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseAuditArgs>;
  try {
    parsed = parseAuditArgs(argv);
  } catch (error) {
    process.stderr.write(`toolwright audit: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(
      `toolwright audit: ${positionals.length === 0 ? "which catalog?" : "expected one catalog"}\n\n${HELP}`,
    );
    return 2;
  }
  const doc = await readAudited(positionals[0] as string);
  if (!doc) return 1;
  const report = reportOrRefusal(doc, values);
  if (!report) return 2;
  if (values.html !== undefined) {
    const page = renderHtml(report);
    if (values.html === "-") {
      process.stdout.write(page);
      return 0;
    }
    mkdirSync(dirname(resolve(values.html)), { recursive: true });
    writeFileSync(values.html, page);
    process.stderr.write(`toolwright audit: wrote ${values.html}\n`);
  }
  process.stdout.write(values.json ? `${terminalJson(report, 2)}\n` : renderText(report));
  return 0;
}

/** The catalog document to audit; undefined once stderr says why it cannot be read. */
async function readAudited(ref: string): Promise<CatalogDocument | undefined> {
  try {
    const found = findCatalogToRead(ref);
    if (found.note) process.stderr.write(`toolwright audit: ${found.note}\n`);
    return await readCatalogDocument(found.dir);
  } catch (error) {
    const message = error instanceof CatalogLoadError ? error.message : (error as Error).message;
    process.stderr.write(`toolwright audit: ${message}\n`);
    return undefined;
  }
}

/** The report under the given run-time switches; undefined once stderr lists the switches serve would refuse. */
function reportOrRefusal(doc: CatalogDocument, values: AuditValues): AuditReport | undefined {
  try {
    const prefixes = values["name-prefix"] as string[] | undefined;
    return buildReport(doc, {
      runtime: switchesOf(values),
      ...(prefixes ? { namePrefixes: prefixes } : {}),
    });
  } catch (error) {
    if (!(error instanceof AuditSwitchError)) throw error;
    process.stderr.write(
      `toolwright audit: serve would refuse these switches:\n${error.problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    return undefined;
  }
}
