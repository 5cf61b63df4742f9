import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { COMMON_MAX_TEXT, COMMON_MIN_TOOLS, commonArguments } from "../../src/publish/common.js";
import { measureCatalog } from "../../src/publish/measure.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

// An argument that many tools share under the same name and text (GitHub REST: owner, repo, org, per_page, page,
// ...) is stated once, in the server's instructions (concise: its concise text; full: as written), and left out
// of those tools' input schemas; `commonArguments: per-tool` keeps it everywhere.

const OWNER = "The account owner of the repository. The name is not case sensitive.";
const REPO = "The name of the repository without the `.git` extension. The name is not case sensitive.";

function tool(
  name: string,
  properties: Record<string, JsonSchema>,
  extra: Partial<CatalogTool> = {},
): CatalogTool {
  return {
    name,
    title: name,
    description: `Does ${name}.`,
    aliases: [],
    annotations: {},
    policy: {},
    inputSchema: { type: "object", properties, required: Object.keys(properties).slice(0, 1) },
    ...extra,
  } as unknown as CatalogTool;
}

/** `n` tools taking owner and repo (as GitHub writes them) and one argument of their own each. */
function catalog(n: number, more: CatalogTool[] = []): CatalogDocument {
  const tools: CatalogTool[] = [];
  for (let i = 0; i < n; i++) {
    tools.push(
      tool(`t${i}`, {
        owner: { type: "string", description: OWNER },
        repo: { type: "string", description: REPO },
        [`own${i}`]: { type: "integer", description: `Argument ${i} of its own.`, default: 1 },
      }),
    );
  }
  tools.push(...more);
  return { tools, schemas: {}, publish: { descriptions: "concise" } } as unknown as CatalogDocument;
}

describe("commonArguments", () => {
  it("takes a name and text shared by at least COMMON_MIN_TOOLS tools, most shared first", () => {
    const extra = [
      ...Array.from({ length: COMMON_MIN_TOOLS + 5 }, (_, i) =>
        tool(`p${i}`, {
          per_page: { type: "integer", description: "The number of results per page (max 100)." },
        }),
      ),
    ];
    const common = commonArguments(catalog(COMMON_MIN_TOOLS + 10, extra).tools);
    expect(common.list.map((c) => [c.name, c.text, c.tools])).toEqual([
      ["owner", "The account owner of the repository.", COMMON_MIN_TOOLS + 10],
      ["repo", "The name of the repository without the `.git` extension.", COMMON_MIN_TOOLS + 10],
      ["per_page", "The number of results per page (max 100).", COMMON_MIN_TOOLS + 5],
    ]);
    expect(common.instructions(false)).toBe(
      [
        "Arguments many tools share, described here once (their input schemas leave the description out):",
        "- owner: The account owner of the repository.",
        "- repo: The name of the repository without the `.git` extension.",
        "- per_page: The number of results per page (max 100).",
      ].join("\n"),
    );
  });

  it("takes nothing below the threshold or from internal tools", () => {
    expect(COMMON_MIN_TOOLS).toBe(3);
    expect(commonArguments(catalog(COMMON_MIN_TOOLS - 1).tools).list).toEqual([]);
    const internal = catalog(COMMON_MIN_TOOLS).tools.map((t, i) => (i === 0 ? { ...t, internal: true } : t));
    expect(commonArguments(internal).list).toEqual([]);
  });

  it("states a text that only restates the name in full instructions, not in concise ones", () => {
    const hooks = Array.from({ length: 3 }, (_, i) =>
      tool(`h${i}`, { hook_id: { type: "integer", description: "The unique identifier of the hook." } }),
    );
    const common = commonArguments(hooks);
    expect(common.list.map((c) => [c.name, c.text])).toEqual([["hook_id", ""]]);
    expect(common.instructions(false)).toBeUndefined();
    expect(common.instructions(true)).toContain("- hook_id: The unique identifier of the hook.");
  });

  it("does not grow with the catalog: three tools of 1,300 are enough (20 tools and 2% before)", () => {
    const tools = catalog(3).tools;
    const big = [...tools, ...Array.from({ length: 1297 }, (_, i) => tool(`x${i}`, {}))];
    expect(commonArguments(big).list.map((c) => c.name)).toEqual(["owner", "repo"]);
  });

  it("leaves a text longer than a tool description's cap in the schemas, where the projection bounds it", () => {
    const long = `${"A long description. ".repeat(100)}`;
    const tools = Array.from({ length: 5 }, (_, i) =>
      tool(`l${i}`, {
        q: { type: "string", description: long },
        page: { type: "integer", description: "Page." },
      }),
    );
    expect(long.length).toBeGreaterThan(COMMON_MAX_TEXT);
    expect(commonArguments(tools).list.map((c) => c.name)).toEqual(["page"]);
  });

  it("keeps one text per name (the most shared), so a schema without it is never ambiguous", () => {
    const tools = [
      ...Array.from({ length: 30 }, (_, i) =>
        tool(`v${i}`, { name: { type: "string", description: "The name of the variable." } }),
      ),
      ...Array.from({ length: 25 }, (_, i) =>
        tool(`s${i}`, { name: { type: "string", description: "The name of the secret." } }),
      ),
    ];
    expect(commonArguments(tools).list.map((c) => [c.name, c.text])).toEqual([
      ["name", "The name of the variable."],
    ]);
  });

  it("leaves the confirm argument (when a model may set it) on every tool; confirmation_token's text may move", () => {
    const confirm = (i: number, name: string, description: string) =>
      tool(`d${name}${i}`, { [name]: { type: "string", description } }, {
        policy: { confirm: "required" },
      } as Partial<CatalogTool>);
    const tools = [
      ...Array.from({ length: 30 }, (_, i) => confirm(i, "confirm", "Set true only once the user agreed.")),
      ...Array.from({ length: 30 }, (_, i) => confirm(i, "confirmation_token", "Omit: you get a preview.")),
    ];
    expect(commonArguments(tools).list.map((c) => c.name)).toEqual(["confirmation_token"]);
  });
});

describe("the publisher with common arguments", () => {
  const doc = catalog(COMMON_MIN_TOOLS + 10);
  const limits = { entries: 2000, bytes: 9 * 1024 * 1024 };

  it("concise: the schemas keep the argument, its type and required, without the shared sentence", () => {
    const publisher = createPublisher(doc);
    const input = publisher.input(doc.tools[3] as CatalogTool);
    expect(input).toEqual({
      type: "object",
      properties: {
        owner: { type: "string" },
        repo: { type: "string" },
        own3: { type: "integer", description: "Argument 3 of its own.", default: 1 },
      },
      required: ["owner"],
    });
    expect(publisher.instructions()).toContain("- owner: The account owner of the repository.");
    // The catalog is shared: never modified.
    expect(doc.tools[3]?.inputSchema.properties).toMatchObject({ owner: { description: OWNER } });
    // What a model sees counts the instructions once.
    const size = measureCatalog(doc, publisher, limits);
    let schemas = 0;
    for (const t of doc.tools) {
      const e = publisher.entry(t);
      schemas += Buffer.byteLength(JSON.stringify([e.name, e.description, e.inputSchema]));
    }
    expect(size.modelBytes).toBe(schemas + Buffer.byteLength(JSON.stringify(publisher.instructions())));
  });

  it("full: the schemas leave the text out and the instructions state it as written, indented", () => {
    const multi = "The owner.\n\nNot case sensitive.";
    const tools = Array.from({ length: 3 }, (_, i) =>
      tool(`m${i}`, { owner: { type: "string", description: multi } }),
    );
    const full = { tools, schemas: {}, publish: { descriptions: "full" } } as unknown as CatalogDocument;
    const publisher = createPublisher(full);
    expect(publisher.input(tools[1] as CatalogTool).properties).toEqual({ owner: { type: "string" } });
    expect(publisher.instructions()).toBe(
      [
        "Arguments many tools share, described here once (their input schemas leave the description out):",
        "- owner: The owner.",
        "",
        "  Not case sensitive.",
      ].join("\n"),
    );
    // What a model sees counts the instructions once.
    const size = measureCatalog(full, publisher, limits);
    const entries = tools.map((t) => publisher.entry(t));
    const schemas = entries.reduce(
      (n, e) => n + Buffer.byteLength(JSON.stringify([e.name, e.description, e.inputSchema])),
      0,
    );
    expect(size.modelBytes).toBe(schemas + Buffer.byteLength(JSON.stringify(publisher.instructions())));
  });

  it("a tool shown on its own (describe_tool) states its common arguments' descriptions, in either mode", () => {
    const t = doc.tools[3] as CatalogTool;
    const concise = createPublisher(doc);
    expect(concise.entry(t).inputSchema.properties).toMatchObject({ owner: { type: "string" } });
    expect(concise.entryAlone(t).inputSchema.properties).toEqual({
      owner: { type: "string", description: "The account owner of the repository." },
      repo: { type: "string", description: "The name of the repository without the `.git` extension." },
      own3: { type: "integer", description: "Argument 3 of its own.", default: 1 },
    });
    const full = createPublisher(doc, { overrides: { descriptions: "full" } });
    expect(full.entryAlone(t).inputSchema.properties).toMatchObject({
      owner: { description: OWNER },
      repo: { description: REPO },
    });
    // The listing's entry is not changed by it.
    expect(full.entry(t).inputSchema.properties).toMatchObject({ owner: { type: "string" } });
    expect(
      (full.entry(t).inputSchema.properties as Record<string, JsonSchema>).owner?.description,
    ).toBeUndefined();
  });

  it("per-tool: every schema keeps every sentence and the instructions add nothing, in both modes", () => {
    for (const descriptions of ["full", "concise"] as const) {
      const publisher = createPublisher(doc, { overrides: { descriptions, commonArguments: "per-tool" } });
      const props = publisher.input(doc.tools[3] as CatalogTool).properties as Record<string, JsonSchema>;
      expect(props.owner?.description).toBe(
        descriptions === "full" ? OWNER : "The account owner of the repository.",
      );
      expect(props.repo?.description).toBeDefined();
      expect(publisher.instructions()).toBeUndefined();
    }
  });
});

describe("a served catalog with concise descriptions", () => {
  it("sends the common arguments in its instructions, after the catalog's own, and lists schemas without them", async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < COMMON_MIN_TOOLS + 2; i++) {
      paths[`/repos/{owner}/{repo}/things${i}`] = {
        get: {
          operationId: `getThing${i}`,
          summary: `Get thing ${i}`,
          parameters: [
            { name: "owner", in: "path", required: true, schema: { type: "string" }, description: OWNER },
            { name: "repo", in: "path", required: true, schema: { type: "string" }, description: REPO },
          ],
          responses: { "200": { description: "ok" } },
        },
      };
    }
    const spec = {
      openapi: "3.0.3",
      info: { title: "Things", version: "1", description: "Things of repositories." },
      servers: [{ url: "https://things.example.com" }],
      paths,
    };
    const dir = writeTree("common-arguments", { "openapi.json": JSON.stringify(spec) });
    const diags = new Diagnostics();
    const out = relative(ROOT, tmpDir("common-arguments-out"));
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.json"), name: "things", publish: { descriptions: "concise" } },
      { root: ROOT, out },
      diags,
    );
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    if (!cat) throw new Error("did not generate");
    writeCatalog(ROOT, cat);
    const loaded = await loadCatalog(join(ROOT, cat.dir));
    const factory = createServer(loaded, resolveConfig(loaded.doc.env, {}), { policy: { audit: false } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    try {
      const own = loaded.doc.server.instructions;
      const common = [
        "Arguments many tools share, described here once (their input schemas leave the description out):",
        "- owner: The account owner of the repository.",
        "- repo: The name of the repository without the `.git` extension.",
      ].join("\n");
      expect(client.getInstructions()).toBe(own ? `${own}\n\n${common}` : common);
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(COMMON_MIN_TOOLS + 2);
      for (const t of tools) {
        expect(t.inputSchema.properties).toEqual({ owner: { type: "string" }, repo: { type: "string" } });
        expect(t.inputSchema.required).toEqual(["owner", "repo"]);
      }
    } finally {
      await client.close();
    }
  });
});
