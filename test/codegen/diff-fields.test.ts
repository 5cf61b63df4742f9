import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { compareCatalogs } from "../../codegen/diff/compare.js";
import type { CatalogDocument, GraphqlBinding, HttpBinding } from "../../src/catalog.js";
import { catalogFieldPaths } from "../helpers/catalog-fields.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Every field catalog.json can hold (walked from `CatalogDocument`'s type, not listed by hand) is either compared
 * by `toolwright diff` or listed here as deliberately not compared, with the reason. A key ending in `.**` covers
 * the fields under it (compared as one value). A field added to the catalog and to neither list fails the first
 * test; the second changes every field the real catalogs hold, one at a time, and holds each list to its word.
 */
const COMPARED = [
  "catalog",
  "server.name",
  "server.title",
  "server.instructions",
  "env[].name",
  "env[].default",
  "env[].required",
  "env[].secret",
  "env[].type",
  "env[].values[]",
  "env[].aliases.*",
  "env[].trimPaths[]",
  "sources[].id",
  "sources[].argumentNaming",
  "sources[].baseUrl.**",
  "sources[].path",
  "sources[].auth[].**",
  "sources[].security[][]",
  "sources[].servers[].**",
  "sources[].timeoutMs",
  "publish.**",
  "tools[].name",
  "tools[].title",
  "tools[].summary",
  "tools[].description",
  "tools[].safety",
  "tools[].annotations.**",
  "tools[].aliases[]",
  "tools[].tags[]",
  "tools[].deprecated",
  "tools[].internal",
  "tools[].argumentRules[]",
  "tools[].inputSchema",
  "tools[].outputSchema",
  "tools[].outputWrapped",
  "tools[].policy.**",
  "tools[].binding<http>.**",
  "tools[].binding<graphql>.**",
  "tools[].binding<custom>.**",
  // Only where it is sent from env (COMPARED_WHERE).
  "tools[].binding<http>.params[].required",
  "schemas.*",
  "resources[].uri",
  "resources[].name",
  "resources[].title",
  "resources[].description",
  "resources[].mimeType",
  "resources[].sha256",
  "resourceTemplates[].uriTemplate",
  "resourceTemplates[].name",
  "resourceTemplates[].title",
  "resourceTemplates[].description",
  "resourceTemplates[].mimeType",
  "resourceTemplates[].tool.**",
  "resourceTemplates[].list.**",
  "resourceTemplates[].assets.**",
  "prompts[].name",
  "prompts[].title",
  "prompts[].description",
  "prompts[].sha256",
  "prompts[].arguments[].name",
  "prompts[].arguments[].required",
  "prompts[].arguments[].description",
  "policy.**",
  "transport.**",
  "result.envelope",
  "limits.**",
];

const NOT_COMPARED: Record<string, string> = {
  format:
    "how the file is written; an older catalog is read into the current form (format1.ts) before comparing",
  "generator.name": "always toolwright",
  "generator.version": "the generator's release, not what the catalog lets an agent do",
  inputHash: "a hash of every input: differs whenever anything does, says nothing of what",
  "server.version": "the API's release number, new at every release",
  "env[].description": "help text for the person configuring, never shown to the model",
  "sources[].spec": "where the spec file sat at generate time (for reviewers)",
  "sources[].kind": "follows its tools' bindings (binding kind changed says it)",
  "tools[].notes[]": "generate's notes for reviewers (CATALOG.md), never served",
  "tools[].safetyBasis.**": "why the safety class was chosen; the class itself is compared",
  "tools[].source.**": "where in the spec the operation sits (file, line, pointer)",
  "resources[].asset": "the file's name in the catalog folder; its text is compared by sha256",
  "prompts[].asset": "the file's name in the catalog folder; its text is compared by sha256",
};

/**
 * Fields compared in some places only: a named schema where a tool reaches it, a parameter's `required` where it
 * is sent from env (a caller's mirrors its argument's, compared with the arguments).
 */
const COMPARED_WHERE: Record<string, (leaf: Leaf, doc: CatalogDocument, text: string) => boolean> = {
  "schemas.*": (leaf, _doc, text) => text.includes(`"#/$defs/${String(leaf.at[1])}"`),
  "tools[].binding<http>.params[].required": (leaf, doc) =>
    (withLeaf(doc, leaf.at.slice(0, -1), undefined, true) as { env?: string }).env !== undefined,
};

const covers = (key: string, path: string) =>
  key === path ||
  (key.endsWith(".**") && path.startsWith(key.slice(0, -3)) && /^[.[<]/.test(path.slice(key.length - 3)));
const rule = (path: string) => {
  const compared = COMPARED.some((k) => covers(k, path));
  const not = Object.keys(NOT_COMPARED).some((k) => covers(k, path));
  return compared && not ? "both" : compared ? "compared" : not ? "not compared" : "unlisted";
};

const FIELDS = catalogFieldPaths();

const SAMPLES = [
  "generated/scaivault/catalog.json",
  "generated/scaly/catalog.json",
  "test/fixtures/graphql-introspection/expected/catalog.json",
  "test/fixtures/graphql-types/expected/catalog.json",
  "test/fixtures/kitchen-sink/expected/catalog.json",
  "test/fixtures/openapi30/expected/catalog.json",
  "test/fixtures/runtime-catalog/catalog.json",
  "test/fixtures/swagger2/expected/catalog.json",
];

type Step = string | number;
interface Leaf {
  at: Step[];
  field: string;
  value: unknown;
}

/** The leaves a catalog holds, each with the field path of its type (`tools[].binding<http>.params[].in`). */
function leaves(doc: unknown): Leaf[] {
  const known = [...FIELDS.keys()];
  const out: Leaf[] = [];
  const visit = (value: unknown, at: Step[], field: string) => {
    if (FIELDS.has(field) || value === null || typeof value !== "object") {
      out.push({ at, field, value });
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) visit(v, [...at, i], `${field}[]`);
      return;
    }
    const o = value as Record<string, unknown>;
    const tagged = known.some((k) => k.startsWith(`${field}<`)) ? `${field}<${String(o.kind)}>` : field;
    for (const [key, v] of Object.entries(o)) {
      const member = tagged === "" ? key : `${tagged}.${key}`;
      const isMember = known.some(
        (k) => k === member || (/^[.[<]/.test(k.slice(member.length)) && k.startsWith(member)),
      );
      visit(v, [...at, key], isMember ? member : `${tagged}.*`);
    }
  };
  visit(doc, [], "");
  return out;
}

/** Another value of the same kind: another literal the type allows, a changed string or number, a flipped flag. */
function changed(leaf: Leaf): unknown {
  const literals = FIELDS.get(leaf.field) ?? [];
  const v = leaf.value;
  if (typeof v === "string" && literals.length > 1) return literals.find((l) => l !== v);
  if (typeof v === "string") return `${v}-changed`;
  if (typeof v === "number") return v + 1;
  if (typeof v === "boolean") return !v;
  // A JSON Schema: one that accepts another shape.
  return { type: "object", properties: { changed: { type: "string" } }, required: ["changed"] };
}

/** A copy of `doc` with the value at `at` replaced (or, with `read`, the value at `at` itself). */
function withLeaf(doc: unknown, at: Step[], value: unknown, read = false): unknown {
  if (read) return at.reduce((node, step) => (node as Record<Step, unknown>)[step], doc);
  const copy = structuredClone(doc) as Record<Step, unknown>;
  let node = copy;
  for (const step of at.slice(0, -1)) node = node[step] as Record<Step, unknown>;
  node[at.at(-1)!] = value;
  return copy;
}

describe("diff compares every field catalog.json holds", () => {
  test("each field of CatalogDocument's type is compared or listed as not compared, with a reason", () => {
    const unlisted = [...FIELDS.keys()].filter((f) => rule(f) !== "compared" && rule(f) !== "not compared");
    expect(unlisted.map((f) => `${f}: ${rule(f)}`)).toEqual([]);
    const stale = [...COMPARED, ...Object.keys(NOT_COMPARED)].filter(
      (k) => ![...FIELDS.keys()].some((f) => covers(k, f)),
    );
    expect(stale).toEqual([]);
  });

  test("changing any one field the real catalogs hold is said by diff exactly when it is listed as compared", () => {
    const wrong = new Map<string, string>();
    for (const sample of SAMPLES) {
      const text = readFileSync(join(ROOT, sample), "utf8");
      const doc = JSON.parse(text) as CatalogDocument;
      const tried = new Map<string, number>();
      for (const leaf of leaves(doc)) {
        const n = tried.get(leaf.field) ?? 0;
        if (n >= 2) continue;
        tried.set(leaf.field, n + 1);
        // A tool's field is compared in a catalog of that tool alone (tools are compared one by one).
        const [first, index, ...rest] = leaf.at;
        const [base, at] =
          first === "tools"
            ? [{ ...doc, tools: [doc.tools[index as number]!] }, ["tools", 0, ...rest]]
            : [doc, leaf.at];
        const after = withLeaf(base, at, changed(leaf)) as CatalogDocument;
        const said = compareCatalogs(base, after);
        const where = COMPARED_WHERE[leaf.field];
        const expected = rule(leaf.field) === "compared" && (where === undefined || where(leaf, doc, text));
        if (expected !== said.length > 0 && !wrong.has(leaf.field))
          wrong.set(
            leaf.field,
            `${leaf.field} (${sample} ${leaf.at.join("/")}): ${expected ? "not said" : `said: ${said.map((c) => c.kind).join(", ")}`}`,
          );
      }
    }
    expect([...wrong.values()]).toEqual([]);
  });
});

const SINK = JSON.parse(
  readFileSync(join(ROOT, "test/fixtures/kitchen-sink/expected/catalog.json"), "utf8"),
) as CatalogDocument;
const SCALY = JSON.parse(readFileSync(join(ROOT, "generated/scaly/catalog.json"), "utf8")) as CatalogDocument;

/** What diff says when `edit` changes a copy of `doc`, a line a change (` [widens]` after a widening one). */
function said(doc: CatalogDocument, edit: (d: CatalogDocument) => void): string[] {
  const after = structuredClone(doc);
  edit(after);
  return compareCatalogs(doc, after).map(
    (c) => `${c.subject} ${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`,
  );
}
const tool = (d: CatalogDocument, name: string) => d.tools.find((t) => t.name === name)!;
const http = (d: CatalogDocument, name: string) => tool(d, name).binding as HttpBinding;
const graphql = (d: CatalogDocument, name: string) => tool(d, name).binding as GraphqlBinding;

describe("the fields diff did not compare: each change said, widening or not", () => {
  test("where an argument goes: another body field, a parameter moved into the body, a GraphQL variable", () => {
    expect(
      said(SINK, (d) => {
        http(d, "sink_create_item").body!.fields![1]!.name = "price_cents";
      }),
    ).toEqual([
      "sink_create_item argument sent elsewhere: price: body field price -> body field price_cents [widens]",
    ]);
    expect(
      said(SINK, (d) => {
        const b = http(d, "sink_get_item");
        b.params = b.params.filter((p) => p.arg !== "expand");
        b.body = {
          mediaType: "application/json",
          encoding: "json",
          required: false,
          mode: "fields",
          fields: [{ arg: "expand", name: "expand" }],
        };
      }),
    ).toContain("sink_get_item argument sent elsewhere: expand: query expand -> body field expand [widens]");
    expect(
      said(SINK, (d) => {
        http(d, "sink_get_item").params = http(d, "sink_get_item").params.filter((p) => p.arg !== "expand");
      }),
    ).toEqual(["sink_get_item argument no longer sent: expand (was query expand)"]);
    const withVariables = SCALY.tools.find(
      (t) => t.binding.kind === "graphql" && t.binding.variables.length > 0,
    )!;
    const v = (withVariables.binding as GraphqlBinding).variables[0]!;
    expect(
      said(SCALY, (d) => {
        graphql(d, withVariables.name).variables[0]!.name = "other";
      }),
    ).toEqual([
      `${withVariables.name} argument sent elsewhere: ${v.arg}: variable $${v.name} -> variable $other [widens]`,
    ]);
  });

  test("what a binding calls when its summary still says the old one; a GraphQL result field; a multipart part", () => {
    expect(
      said(SINK, (d) => {
        http(d, "sink_get_item").method = "DELETE";
      }),
    ).toEqual([
      "sink_get_item binding changed: GET /items/{id} -> DELETE /items/{id} (the summary still says GET /items/{id}) [widens]",
    ]);
    const query = SCALY.tools.find((t) => t.binding.kind === "graphql" && t.binding.field !== undefined)!;
    const field = (query.binding as GraphqlBinding).field;
    expect(
      said(SCALY, (d) => {
        graphql(d, query.name).field = undefined;
      }),
    ).toEqual([`${query.name} result field changed: ${field} -> (the whole data)`]);
    expect(
      said(SINK, (d) => {
        http(d, "sink_upload_attachment").body!.fields![0]!.file = false;
      }),
    ).toEqual(["sink_upload_attachment body field encoding changed: file: a file part -> a value"]);
  });

  test("texts the model or the user reads are said without widening; a credential's hint is not a credential change", () => {
    expect(
      said(SINK, (d) => {
        d.catalog = "sink2";
        d.server.instructions = "Call sink_delete_item first.";
        tool(d, "sink_get_item").title = "Fetch";
        tool(d, "sink_get_item").deprecated = true;
        d.sources[0]!.auth[0]!.hint = "run sink login";
      }),
    ).toEqual([
      'sink_get_item title changed: "Get item" -> "Fetch"',
      "sink_get_item tool deprecated: ",
      "catalog catalog renamed: kitchen-sink -> sink2",
      "catalog server instructions changed: what the model is told about the whole catalog",
      "catalog credential hint changed: sink",
    ]);
  });

  test("an env variable's aliases and URL endings, the HTTP transport's values", () => {
    expect(
      said(SCALY, (d) => {
        d.env.find((e) => e.name === "SCALY_STAGE")!.aliases = { staging: "prod" };
        d.env.find((e) => e.name === "SCALY_API_URL")!.trimPaths = [];
        d.transport.httpValues = [...d.transport.httpValues, "web"];
      }),
    ).toEqual([
      "catalog env variable values changed: SCALY_STAGE: prod, dev, qa, staging=qa -> prod, dev, qa, staging=prod",
      "catalog env variable URL endings changed: SCALY_API_URL: /graphql -> none",
      "catalog HTTP transport values changed: SCALY_MCP_TRANSPORT: http -> http, web",
    ]);
  });
});
