import { firstSentence } from "../../src/publish/describe.js";
import { shownValue } from "../../src/telemetry/redact.js";
import { terminalSafe } from "../../src/telemetry/terminal.js";
import { formatLocation } from "../diagnostics.js";
import type { SymbolTable } from "../ir/symbols.js";
import type { CatalogIR, SchemaNode, ToolNode, ToolPolicy, ValueSource } from "../ir/types.js";
import { argumentWireNames } from "../ir/wire-names.js";
import { bindingSummary } from "./catalog-json.js";

/**
 * Spec text is data: in Markdown it must not become HTML, a link or an image (a tracking pixel loads when a
 * reviewer opens the page; a link's text can hide where it goes), nor break out of where it is shown (a table
 * cell, a code span, the tool's section: an unclosed code fence would swallow every tool after it). And it is
 * shown as it is: characters a reader cannot see or that reorder the line (bidi overrides, zero-width and tag
 * characters, controls, ESC sequences for whoever reads the file in a terminal) are written as visible escapes
 * (`\u202e`), so a reviewer reads what a model is sent.
 */
function inline(text: string): string {
  return terminalSafe(noLinks(text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")), {
    lines: true,
  });
}

/**
 * `text` with every `[` that could open a link, an image or a link reference definition escaped: each one before the
 * last `](`, `][` or `]:` (the backslashes already before it doubled, so none escapes the added one). A `[` after
 * it can only be a shortcut reference, which needs a definition no description can now write, so `[FAILED]` and
 * `string[]` stay as written.
 */
function noLinks(text: string): string {
  const last = Math.max(text.lastIndexOf("]("), text.lastIndexOf("]["), text.lastIndexOf("]:"));
  if (last < 0) return text;
  return `${text.slice(0, last).replace(/(\\*)\[/g, "$1$1\\[")}${text.slice(last)}`;
}

/**
 * Pipes escaped for a table row, whose cells GFM splits before reading anything else: a pipe after an even run of
 * backslashes (`\\|`, the backslashes escaping each other) would split, so the run is doubled and one added.
 */
function noPipes(text: string): string {
  return text.replace(/(\\*)\|/g, "$1$1\\|");
}

/**
 * A block of spec text (a description), quoted: every line starts with `>`, so whatever Markdown it holds (a code
 * fence left open, a heading, a list) is closed where the quote ends, inside this tool's section.
 */
export function mdText(text: string): string {
  return inline(text.replace(/\r\n?/g, "\n"))
    .split("\n")
    .map((line) => (line.trim() === "" ? ">" : `> ${line}`))
    .join("\n");
}

/** One line of spec text outside a table (a title, a note). */
export function mdLine(text: string): string {
  return inline(text.replace(/\s*[\r\n]+\s*/g, " ")).trim();
}

/** Spec text in a table cell: one line, pipes escaped. */
export function cell(text: string): string {
  return noPipes(mdLine(text));
}

/**
 * A code span: fenced by more backticks than any run inside it, so none closes it early, and pipes escaped, so
 * none splits the table cell it sits in (GFM reads a table row's pipes before code spans).
 */
export function code(text: string): string {
  const clean = noPipes(terminalSafe(text.replace(/[\r\n]+/g, " ")));
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  if (longest === 0) return `\`${clean}\``;
  const fence = "`".repeat(longest + 1);
  return `${fence} ${clean} ${fence}`;
}

/** A short, readable type for tables (`string`, `Secret[]`, `"a" | "b"`). */
export function typeLabel(node: SchemaNode, symbols: SymbolTable, depth = 0): string {
  switch (node.kind) {
    case "ref":
      return symbols.get(node.target).name;
    case "array":
      return `${typeLabel(node.items, symbols, depth + 1)}[]`;
    case "tuple":
      return `[${node.items.map((i) => typeLabel(i, symbols, depth + 1)).join(", ")}]`;
    case "nullable":
      return `${typeLabel(node.inner, symbols, depth + 1)} | null`;
    case "literal":
      return JSON.stringify(node.value);
    case "enum":
      return node.values.length <= 6 ? node.values.map((v) => JSON.stringify(v)).join(" | ") : "enum";
    case "union":
      return depth > 1 ? "union" : node.variants.map((v) => typeLabel(v, symbols, depth + 1)).join(" | ");
    case "intersection":
      return depth > 1 ? "object" : node.parts.map((p) => typeLabel(p, symbols, depth + 1)).join(" & ");
    case "object":
      return typeof node.additional === "object" && node.properties.length === 0
        ? `map of ${typeLabel(node.additional, symbols, depth + 1)}`
        : "object";
    case "string":
      return node.contentEncoding === "base64"
        ? "base64 string"
        : node.format
          ? `string (${node.format})`
          : "string";
    case "any":
      return "any";
    default:
      return node.kind;
  }
}

function valueSourceText(v: ValueSource): string {
  const parts: string[] = [];
  if (v.env) parts.push(`env ${code(v.env)}`);
  if (v.file)
    parts.push(
      `file from ${valueSourceText(v.file.path)}${v.file.pointers ? ` at ${v.file.pointers.map(code).join(" or ")}` : v.file.pointer ? ` at ${code(v.file.pointer)}` : ""}`,
    );
  if (v.byEnv) parts.push(`by ${code(v.byEnv.env)}`);
  if (v.default !== undefined) parts.push(`default ${code(shownValue(v.default))}`);
  return parts.join(", else ") || "not set";
}

export function policyLines(p: ToolPolicy): string[] {
  const lines: string[] = [];
  if (p.scopedPath) lines.push(`path scope on ${code(p.scopedPath)}`);
  if (p.scopedList)
    lines.push(
      `listing scoped by ${code(p.scopedList.prefixArg)} (items ${code(`${p.scopedList.itemsPath}[].${p.scopedList.itemPathField}`)})`,
    );
  for (const v of p.scopedValues ?? []) {
    const base = v.base
      ? ` below ${"arg" in v.base ? code(v.base.arg) : `${code(v.base.lookup.tool)}'s ${code(v.base.lookup.field)}`}`
      : "";
    lines.push(`${v.kind} scope on ${code(v.arg)}${base}`);
  }
  if (p.notPaths) lines.push(`not paths: ${p.notPaths.map(code).join(", ")}`);
  if (p.tenantArg) lines.push(`tenant lock on ${code(p.tenantArg)}`);
  if (p.partnerArg) lines.push(`partner lock on ${code(p.partnerArg)}`);
  if (p.masked) lines.push(`masked: ${p.masked.map(code).join(", ")}`);
  if (p.confirm === "required") lines.push("confirmation required");
  if (p.secretKeys) lines.push(`secret-like keys refused in ${code(p.secretKeys.keysArg)}`);
  if (p.namesOnly) lines.push(`names only: ${code(p.namesOnly)}`);
  return lines;
}

function countBySafety(tools: ToolNode[]): string {
  const n = (s: string) => tools.filter((t) => t.safety === s).length;
  return `${n("read")} read, ${n("write")} write, ${n("destructive")} destructive`;
}

/** Why the tool has its class, when more than its binding decided it. */
function safetyLine(tool: ToolNode): string | undefined {
  const b = tool.safetyBasis;
  if (!b) return undefined;
  const manifest = b.manifest;
  const raised = b.proposed !== b.binding;
  if (!raised && (manifest === undefined || manifest === b.binding)) return undefined;
  const parts: string[] = [];
  if (raised)
    parts.push(`classified ${b.proposed} (${b.binding} by its binding): ${cell(b.reasons.join("; "))}`);
  if (manifest !== undefined)
    parts.push(
      `the manifest sets ${manifest}${manifest === b.proposed ? "" : ` (over ${raised ? "the classifier's" : "its binding's"} ${b.proposed})`}`,
    );
  return `Safety: ${parts.join("; ")}.`;
}

/** How many argument description cells this process has made (not found already made): for tests. */
let argumentCellsMade = 0;
export function argumentCellsMadeCount(): number {
  return argumentCellsMade;
}

/**
 * Escaped texts made once per text in one CATALOG.md: what many rows and sections repeat (GitHub REST: 4,902
 * argument rows, 885 distinct descriptions, a few hundred distinct argument names and type labels; each binding's
 * summary in the tools table and again in the tool's section).
 */
interface Cells {
  /** An argument's description as its table cell (its first sentence, escaped). */
  argument(description: string): string;
  /** `code(text)`. */
  code(text: string): string;
  /** `cell(text)`. */
  cell(text: string): string;
}

function memoised(make: (text: string) => string, made?: () => void): (text: string) => string {
  const texts = new Map<string, string>();
  return (text) => {
    let out = texts.get(text);
    if (out === undefined) {
      out = make(text);
      texts.set(text, out);
      made?.();
    }
    return out;
  };
}

function cells(): Cells {
  return {
    argument: memoised(
      (description) => cell(firstSentence(description, 160)),
      () => argumentCellsMade++,
    ),
    code: memoised(code),
    cell: memoised(cell),
  };
}

function toolSection(tool: ToolNode, symbols: SymbolTable, memo: Cells): string[] {
  const out = [
    `### ${tool.name}`,
    "",
    `**${cell(tool.title)}** · ${memo.code(bindingSummary(tool.binding))} · ${tool.safety}`,
  ];
  const why = safetyLine(tool);
  if (why) out.push("", why);
  if (tool.tags.length > 0) out.push("", `Tags: ${tool.tags.map(memo.cell).join(", ")}`);
  if (tool.aliases.length > 0) out.push("", `Aliases: ${tool.aliases.map(code).join(", ")}`);
  if (tool.internal)
    out.push("", "Internal: called only by the catalog's handlers; not listed, not callable by clients.");
  out.push("", mdText(tool.description));
  const props = tool.input.kind === "object" ? tool.input.properties : [];
  if (props.length > 0) {
    const wire = argumentWireNames(tool.binding);
    out.push("", "| Argument | Type | Required | Description |", "| --- | --- | --- | --- |");
    for (const p of props) {
      const desc = p.schema.description ? memo.argument(p.schema.description) : "";
      const sent = wire.get(p.name);
      const shown = sent !== undefined && sent.replace(/^\$/, "") !== p.name;
      const name = shown ? `${memo.code(p.name)} (API: ${memo.code(sent)})` : memo.code(p.name);
      out.push(
        `| ${name} | ${memo.cell(typeLabel(p.schema, symbols))} | ${p.required ? "yes" : "no"} | ${desc} |`,
      );
    }
  }
  // What the model is told after the description about which arguments go together (the input cannot say it).
  if (tool.argumentRules) out.push("", `Told to the model: ${mdLine(tool.argumentRules.join(" "))}`);
  if (tool.output) {
    const label =
      tool.outputWrapped && tool.output.kind === "object"
        ? typeLabel(tool.output.properties[0]?.schema ?? tool.output, symbols)
        : typeLabel(tool.output, symbols);
    const under = tool.outputWrapped ? " (under `result`)" : "";
    // Statuses declared without content: their empty reply is a result too (`{}` in structuredContent).
    const success = tool.binding.kind === "http" ? tool.binding.success : undefined;
    const empty = success?.empty ? `; nothing on ${success.empty.join(", ")}` : "";
    // Statuses declared with another body: one not of this shape comes as text (structuredContent empty).
    const others = success?.others ? `; ${success.others.join(", ")} may carry another body (as text)` : "";
    out.push("", `Returns: ${memo.cell(label)}${under}${empty}${others}`);
  }
  const policy = policyLines(tool.policy);
  if (policy.length > 0) out.push("", `Policy: ${policy.join("; ")}`);
  if (tool.notes.length > 0) out.push("", ...tool.notes.map((n) => `- Note: ${mdLine(n)}`));
  out.push("");
  return out;
}

/** The JSON Patch operations applied to each source's spec before it was read (`sources.<id>.patch`). */
function patchesSection(ir: CatalogIR): string[] {
  const rows = ir.sources.flatMap((s) =>
    (s.patches ?? []).map(
      (p) =>
        `| ${code(s.id)} | ${p.op} | ${code(p.path)}${p.from !== undefined ? ` from ${code(p.from)}` : ""} | ${code(formatLocation(p.at))} |`,
    ),
  );
  if (rows.length === 0) return [];
  return [
    "",
    "The specs were patched before they were read (`sources.<id>.patch`, JSON Patch):",
    "",
    "| Source | Operation | Path | Written at |",
    "| --- | --- | --- | --- |",
    ...rows,
  ];
}

/** CATALOG.md: what an agent can do with this catalog, for reviewers who do not read code. */
/** Operations the catalog leaves out, each with where its problem is and what it is. */
function skippedSection(ir: CatalogIR): string[] {
  const skipped = ir.skipped ?? [];
  if (skipped.length === 0) return [];
  const rows = skipped.map(
    (s) =>
      `| ${code(s.operation)}${s.operationId ? ` (${code(s.operationId)})` : ""} | ${code(formatLocation(s.at))} | ${cell(s.reasons.join("; "))} |`,
  );
  return [
    "## Operations left out",
    "",
    `${skipped.length} operation${skipped.length === 1 ? " has" : "s have"} a problem confined to ${skipped.length === 1 ? "it" : "them"}, so ${skipped.length === 1 ? "it is" : "they are"} not tools (\`generate --strict\` makes this an error; a manifest can patch the spec with \`sources.<id>.patch\`).`,
    "",
    "| Operation | Where | Why |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ];
}

/** Default names that passed the name budget, each with the one it was shortened from. */
function shortenedSection(ir: CatalogIR): string[] {
  const shortened = ir.tools.filter((t) => t.shortenedFrom !== undefined);
  if (shortened.length === 0) return [];
  return [
    "## Shortened names",
    "",
    `${shortened.length} default name${shortened.length === 1 ? " was" : "s were"} longer than the name budget (\`naming.max_length\`; by default what leaves room for the \`mcp__<catalog>__\` prefix hosts add within 64 characters) and ${shortened.length === 1 ? "was" : "were"} cut, with a hash of the full name so ${shortened.length === 1 ? "it stays" : "they stay"} unique and stable. Name a tool in \`tools:\` to choose its name.`,
    "",
    "| Tool | Shortened from |",
    "| --- | --- |",
    ...shortened.map((t) => `| ${code(t.name)} | ${code(t.shortenedFrom as string)} |`),
    "",
  ];
}

export function catalogMarkdown(
  ir: CatalogIR,
  symbols: SymbolTable,
  manifestFile: string,
  version: string,
): string {
  const out: string[] = [
    ...headerLines(ir, manifestFile, version),
    ...configurationSection(ir),
    ...sourcesSection(ir),
  ];
  const memo = cells();
  out.push(...toolsTable(ir, memo));
  for (const t of ir.tools) out.push(...toolSection(t, symbols, memo));
  out.push(...resourcesSection(ir));
  out.push(...skippedSection(ir));
  out.push(...shortenedSection(ir));
  out.push(...promptsSection(ir));
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

/** The title, where the catalog was generated from, and what it holds. */
function headerLines(ir: CatalogIR, manifestFile: string, version: string): string[] {
  const listed = ir.tools.filter((t) => !t.internal);
  const internal = ir.tools.length - listed.length;
  return [
    `# ${mdLine(ir.server.title ?? ir.name)} — tool catalog`,
    "",
    `Generated by toolwright ${version} from ${code(manifestFile)}. Do not edit; run \`toolwright generate\`.`,
    "",
    `**${listed.length} tools** (${countBySafety(listed)})${internal > 0 ? ` and ${internal} internal helper${internal === 1 ? "" : "s"} for handlers` : ""}, ${ir.resources.length} resources, ${ir.resourceTemplates.length} resource templates, ${ir.prompts.length} prompts.`,
    "",
  ];
}

/** The env variables the catalog reads, with their types, defaults and descriptions. */
function configurationSection(ir: CatalogIR): string[] {
  if (ir.env.length === 0) return [];
  const out = [
    "## Configuration",
    "",
    "| Env variable | Type | Required | Default | Description |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const e of ir.env) {
    const type = e.type === "enum" && e.values ? `one of ${e.values.join(", ")}` : e.type;
    const flags = e.required ? "yes" : "no";
    out.push(
      `| ${code(e.name)}${e.secret ? " (secret)" : ""} | ${cell(type)} | ${flags} | ${e.default === undefined ? "" : e.secret ? "(set)" : code(shownValue(e.default))} | ${cell(e.description)} |`,
    );
  }
  out.push("");
  return out;
}

/** The upstream sources (spec, base URL, auth), the patches applied to them and their argument naming. */
function sourcesSection(ir: CatalogIR): string[] {
  const out = ["## Sources", "", "| Source | Spec | Base URL | Auth |", "| --- | --- | --- | --- |"];
  for (const s of ir.sources) {
    const auth = s.auth.map((a) => `${a.scheme} (${a.kind})`).join(", ") || "none";
    const endpoint = `${valueSourceText(s.baseUrl)}${s.path ? `, then path ${code(s.path)}` : ""}`;
    out.push(`| ${code(s.id)} | ${code(s.file)} | ${endpoint} | ${cell(auth)} |`);
  }
  out.push(...patchesSection(ir));
  const renamed = ir.sources.filter((s) => s.argumentNaming !== undefined);
  if (renamed.length > 0) {
    out.push(
      "",
      `Argument naming: ${renamed.map((s) => `${code(s.id)} ${s.argumentNaming}`).join(", ")}. Tools take these names; the API's own names (shown with each argument) are what is sent.`,
    );
  }
  return out;
}

/** One row per tool, linking to its section. */
function toolsTable(ir: CatalogIR, memo: Cells): string[] {
  const out = ["", "## Tools", "", "| Tool | Safety | Binding | Summary |", "| --- | --- | --- | --- |"];
  for (const t of ir.tools) {
    out.push(
      `| [${code(t.name)}](#${t.name.toLowerCase().replace(/[^a-z0-9_-]/g, "")}) | ${t.safety} | ${memo.code(bindingSummary(t.binding))} | ${cell(firstSentence(t.description, 160))} |`,
    );
  }
  out.push("");
  return out;
}

/** Fixed resources and resource templates, with what serves each. */
function resourcesSection(ir: CatalogIR): string[] {
  if (ir.resources.length === 0 && ir.resourceTemplates.length === 0) return [];
  const out = ["## Resources", "", "| URI | Type | Served from | Description |", "| --- | --- | --- | --- |"];
  for (const r of ir.resources)
    out.push(
      `| ${code(r.uri)} | ${r.mimeType} | ${code(r.asset)} | ${cell(r.description ?? r.title ?? "")} |`,
    );
  for (const t of ir.resourceTemplates) {
    const from = t.tool
      ? `tool ${code(t.tool.name)}${t.list ? `, listed by ${code(t.list.tool)}` : ""}`
      : `${t.assets?.values.length ?? 0} files`;
    out.push(
      `| ${code(t.uriTemplate)} | ${t.mimeType} | ${from} | ${cell(t.description ?? t.title ?? "")} |`,
    );
  }
  out.push("");
  return out;
}

function promptsSection(ir: CatalogIR): string[] {
  if (ir.prompts.length === 0) return [];
  const out = ["## Prompts", "", "| Prompt | Arguments | Description |", "| --- | --- | --- |"];
  for (const p of ir.prompts) {
    const args = p.arguments.map((a) => `${code(a.name)}${a.required ? "" : "?"}`).join(", ");
    out.push(`| ${code(p.name)} | ${args} | ${cell(p.description ?? p.title ?? "")} |`);
  }
  out.push("");
  return out;
}
