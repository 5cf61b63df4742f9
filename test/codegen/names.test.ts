import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startProgress } from "../../codegen/cli/progress.js";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { catalogNameFromTitle } from "../../codegen/synthesize.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/** A bare spec's names come from its info.title, never from its file name; progress says stage and counts. */

describe("catalog names from info.title", () => {
  it.each([
    ["CarCheck API", "carcheck"],
    ["Swagger Petstore - OpenAPI 3.0", "petstore"],
    ["Microsoft Graph v1.0", "microsoft-graph"],
    ["GitHub v3 REST API", "github"],
    ["Stripe API", "stripe"],
    ["GitHub's official OpenAPI spec + Octokit extension", "github"],
    ["Crediwatch's Covid APIs", "crediwatch-covid"],
    ["Employees' Provident Fund Organization", "employees-provident-fund-organization"],
    ["DriveBC’s Open511 API", "drivebc-open511"],
    ["Google+ API", "google"],
    ["1,000,000+ Recipe and Grocery List API (v2)", "recipe-and-grocery-list"],
    ["The Slack Web API", "slack-web"],
    ["api.example.com", "example-com"],
    ["Ünïcödé Bänk Service", "unicode-bank"],
    ["3D Printing API", "api-3d-printing"],
    [
      "A very long title that goes on and on about what the service does",
      "a-very-long-title-that-goes-on-and-on",
    ],
  ])("%s -> %s", (title, name) => {
    expect(catalogNameFromTitle(title)).toBe(name);
  });

  it.each([["接口文档"], ["API"], ["REST API v2"], [""]])("%j gives none", (title) => {
    expect(catalogNameFromTitle(title)).toBeUndefined();
  });
});

const spec = (title: string) => `openapi: 3.0.3
info: { title: ${JSON.stringify(title)}, version: "1" }
servers: [{ url: https://cc.example.com }]
paths:
  /cars/{id}:
    get:
      operationId: getCar
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

async function bare(title: string) {
  const dir = writeTree("names", { "swagger.yaml": spec(title) });
  const diags = new Diagnostics();
  const stages: string[] = [];
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "swagger.yaml") },
    {
      root: ROOT,
      out: "unused",
      outParent: "test/.tmp/names-out",
      onStage: (_c, stage, detail) => stages.push(detail ? `${stage} ${detail}` : stage),
    },
    diags,
  );
  return { cat, diags, stages, doc: JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument };
}

describe("a bare spec's catalog", () => {
  it("is named, titled and prefixed after its title, in a folder of that name; stages report counts", async () => {
    const { cat, doc, stages } = await bare("CarCheck API");
    expect(cat?.name).toBe("carcheck");
    expect(cat?.dir).toBe("test/.tmp/names-out/carcheck");
    expect(doc.server).toMatchObject({ name: "carcheck", title: "CarCheck API" });
    const base = doc.env.find((e) => e.name === "CARCHECK_BASE_URL");
    expect(base?.description).toBe("Base URL of the CarCheck API.");
    expect(JSON.stringify(doc)).not.toMatch(/SWAGGER|swagger\.yaml"?,?\s*"name/);
    expect(stages).toEqual([
      "load",
      "normalize",
      "bind 1 operation",
      "plan 1 tool",
      "compile 0 handlers",
      "emit 1 tool, 0 schemas",
    ]);
  });

  it("falls back to the file name with a warning that says to pass --name when the title names nothing", async () => {
    const { cat, diags } = await bare("接口文档");
    expect(cat?.name).toBe("swagger");
    expect(diags.items.map((d) => [d.code, d.severity])).toEqual([["TW145", "warning"]]);
    expect(diags.items[0]?.message).toContain("pass --name");
  });
});

describe("progress", () => {
  it("on a terminal, one line redrawn in place with stage and counts, cleared at the end", () => {
    let text = "";
    const progress = startProgress("github", "tty", (t) => {
      text += t;
    });
    progress.stage("github", "bind", "1,223 operations");
    progress.stop();
    expect(text).toMatch(/^\r\x1b\[K {2}\S github: bind 1,223 operations… \d+\.\d s\r\x1b\[K$/);
  });

  it("elsewhere, plain lines: every stage when verbose, nothing at all when quiet", () => {
    const lines: string[] = [];
    const verbose = startProgress("github", "verbose", (t) => lines.push(t));
    verbose.stage("github", "emit", "1,223 tools, 900 schemas");
    verbose.stop();
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}github: emit 1,223 tools, 900 schemas… \(\d+\.\d s\)\n$/),
    ]);
    const quiet = startProgress("github", "none", (t) => lines.push(t));
    quiet.stage("github", "emit");
    quiet.stop();
    expect(lines).toHaveLength(1);
  });
});
