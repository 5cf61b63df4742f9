import { Ajv2020 } from "ajv/dist/2020.js";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import { project, SizeCache, UNBOUNDED } from "../../src/publish/project.js";
import { createPublisher, type Publisher } from "../../src/publish/publisher.js";
import { sampleOf } from "../corpus/big-api.js";
import { probes } from "./probes.js";

export interface InlineCheck {
  /** Tools whose published input schema was checked. */
  tools: number;
  /** Probe values the faithful schema accepts, each tried on the published one. */
  accepted: number;
  /** Published input schemas that still hold `$defs` or a `$ref`, fail to compile, or refuse such a value. */
  problems: string[];
  /**
   * Tools whose inlined input schema is larger than the catalog's input budget and than the refs profile's
   * schema (`inline.ts`: only where the root's own references, written open, are over it already).
   */
  over: { name: string; limit: number; bytes: number }[];
}

/**
 * A catalog's input schemas as the default profile (inline) publishes them, with the catalog's own settings,
 * against the faithful schema (each root with every named schema it reaches from the table, nothing left open):
 * no `$defs` or `$ref` left, each compiles in ajv 2020, its size (`over`), and every probe value (`probes.ts`: a valid value and its
 * mutations) the faithful schema accepts, the published one accepts. Each schema is dropped from ajv's cache
 * after, so memory stays flat on a big catalog. `sample`: that many tools by hash (`sampleOf`) and as many of
 * those whose published input schema is largest against the budget (where it cuts the inlining), instead of all.
 */
export function inlineAccepts(doc: CatalogDocument, sample?: number): InlineCheck {
  const publisher = createPublisher(doc);
  const select = sample === undefined ? () => true : chosen(doc, publisher, sample);
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  const sizes = new SizeCache(doc.schemas);
  const refs = createPublisher(doc, { profile: "refs" });
  const out: InlineCheck = { tools: 0, accepted: 0, problems: [], over: [] };
  let extra = 0;
  const problem = (text: string) => {
    if (out.problems.length < 10) out.problems.push(text);
    else out.problems[10] = `... (${++extra} more)`;
  };
  for (const tool of doc.tools.filter(select)) {
    out.tools++;
    const published = publisher.input(tool);
    const text = JSON.stringify(published);
    if ("$defs" in published || text.includes('"$ref"')) problem(`${tool.name}: keeps $defs or a $ref`);
    const limit = Math.max(publisher.settings.bytes, JSON.stringify(refs.input(tool)).length);
    if (text.length > limit) out.over.push({ name: tool.name, limit, bytes: text.length });
    const { $schema: _published, ...schema } = published;
    const { $schema: _faithful, ...whole } = project(tool.inputSchema, doc.schemas, UNBOUNDED, sizes).schema;
    let accepts: (value: unknown) => boolean;
    let faithful: (value: unknown) => boolean;
    try {
      accepts = ajv.compile(schema);
      faithful = ajv.compile(whole);
    } catch (error) {
      problem(`${tool.name}: ${(error as Error).message}`);
      continue;
    }
    for (const value of probes(whole as JsonSchema)) {
      if (!faithful(value)) continue;
      out.accepted++;
      if (!accepts(value)) problem(`${tool.name}: refuses ${JSON.stringify(value).slice(0, 300)}`);
    }
    ajv.removeSchema(schema);
    ajv.removeSchema(whole);
  }
  return out;
}

function chosen(doc: CatalogDocument, publisher: Publisher, count: number): (tool: CatalogTool) => boolean {
  const names = sampleOf(
    doc.tools.map((tool) => tool.name),
    count,
  );
  const largest = doc.tools
    .map((tool) => [JSON.stringify(publisher.input(tool)).length, tool.name] as const)
    .sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1))
    .slice(0, count);
  for (const [, name] of largest) names.add(name);
  return (tool) => names.has(tool.name);
}
