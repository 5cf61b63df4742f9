import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { PROVIDER_TOOL_LIMIT } from "../../codegen/index.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * The manifest's `budget:` (context tokens, tools/list bytes, listed tools) fails generate at the limit's line
 * when the catalog publishes more; a catalog of more tools than OpenAI's API takes in one request (128) says so,
 * unless `budget.tools` states how many are meant.
 */

/** A spec of `n` read operations, each with a described argument. */
function spec(n: number): string {
  const paths = Array.from(
    { length: n },
    (_, i) => `  /things${i}/{id}:
    get:
      operationId: getThing${i}
      summary: Get thing number ${i}, with a description long enough to count.
      parameters:
        - { name: id, in: path, required: true, description: The thing's identifier., schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } } } }`,
  ).join("\n");
  return `openapi: 3.1.0\ninfo: { title: Things, version: "1.0" }\nservers: [{ url: https://things.example.com }]\npaths:\n${paths}\n`;
}

const manifest = (budget: string) => `catalog: things
sources:
  api: { openapi: ./openapi.yaml }
select:
  - { source: api }
${budget}`;

async function generate(n: number, budget: string) {
  const dir = writeTree("budget", { "openapi.yaml": spec(n), "tools.yaml": manifest(budget) });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  const text = diags.items.map(formatDiagnostic).join("\n");
  return { cat, diags: diags.items, text };
}

describe("budget:", () => {
  it("each limit, when passed, is an error located at its own line; within every limit the catalog generates", async () => {
    const over = await generate(5, "budget:\n  context_tokens: 10\n  list_bytes: 100\n  tools: 4\n");
    expect(over.cat).toBeUndefined();
    const errors = over.diags.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.source?.line])).toEqual([
      ["TW193", 9],
      ["TW193", 7],
      ["TW193", 8],
    ]);
    expect(over.text).toMatch(/tools\.yaml:9:\d+ .*TW193: the catalog lists 5 tools, over budget\.tools 4/);
    expect(over.text).toMatch(
      /tools\.yaml:7:\d+ .*TW193: what a model sees .* over budget\.context_tokens 10/,
    );
    expect(over.text).toMatch(
      /tools\.yaml:8:\d+ .*TW193: tools\/list is \d+ bytes, over budget\.list_bytes 100/,
    );
    const within = await generate(
      5,
      "budget:\n  context_tokens: 100000\n  list_bytes: 1000000\n  tools: 5\n",
    );
    expect(within.diags.filter((d) => d.severity === "error")).toEqual([]);
    expect(within.cat?.stats.tools).toBe(5);
  });

  it(`more than ${PROVIDER_TOOL_LIMIT} listed tools: a note in the summary and TW195, unless budget.tools says so`, async () => {
    const many = await generate(PROVIDER_TOOL_LIMIT + 1, "");
    expect(many.cat?.stats.overProviderLimit).toBe(true);
    expect(many.diags.filter((d) => d.code === "TW195").map((d) => d.severity)).toEqual(["info"]);
    const meant = await generate(PROVIDER_TOOL_LIMIT + 1, "budget: { tools: 500 }\n");
    expect(meant.cat?.stats.overProviderLimit).toBe(false);
    expect(meant.diags.filter((d) => d.code === "TW195")).toEqual([]);
    const few = await generate(PROVIDER_TOOL_LIMIT, "");
    expect(few.cat?.stats.overProviderLimit).toBe(false);
    expect(few.diags.filter((d) => d.code === "TW195")).toEqual([]);

    // The summary line a bare generate prints says it without --verbose.
    const dir = writeTree("budget-bare", { "openapi.yaml": spec(PROVIDER_TOOL_LIMIT + 1) });
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "bin/toolwright.mjs"), "generate", "--openapi", "openapi.yaml", "--out", "gen"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `${PROVIDER_TOOL_LIMIT + 1} tools (${PROVIDER_TOOL_LIMIT + 1} read, 0 write, 0 destructive), over the ${PROVIDER_TOOL_LIMIT} tools OpenAI takes per request (serve with --discovery; TW195)`,
    );
  });
});
