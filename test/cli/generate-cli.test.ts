import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * `toolwright generate --openapi` as a new user runs it: the catalog is named after the spec's title and lands in
 * ./generated/<name> of the working directory, never in toolwright's own generated/; --quiet and --json for CI.
 */

const SPEC = `openapi: 3.0.3
info: { title: CarCheck API, version: "1" }
servers: [{ url: https://cc.example.com }]
paths:
  /cars/{id}:
    get:
      operationId: getCar
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

function generate(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, "generate", ...args], { cwd, encoding: "utf8" });
}

describe("generate --openapi", () => {
  it("names the catalog after info.title and writes ./generated/<name> in the working directory", () => {
    const cwd = writeTree("gen-cli", { "swagger.yaml": SPEC });
    const run = generate(cwd, "--openapi", "swagger.yaml");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("carcheck         1 tools (1 read, 0 write, 0 destructive)");
    expect(run.stdout).toContain("serve it: toolwright serve ./generated/carcheck");
    const doc = JSON.parse(readFileSync(join(cwd, "generated/carcheck/catalog.json"), "utf8"));
    expect(doc.env.map((e: { name: string }) => e.name)).toEqual(["CARCHECK_BASE_URL"]);
    // Not a terminal: plain lines only, no cursor movement.
    expect(run.stderr).not.toMatch(/\r|\x1b/);
  });

  it("refuses toolwright's own generated/ (by default and by --out) and writes nothing", () => {
    const dir = writeTree("gen-own", { "swagger.yaml": SPEC });
    for (const args of [[], ["--out", "generated/carcheck"]]) {
      const run = generate(ROOT, "--openapi", join(dir, "swagger.yaml"), ...args);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("inside toolwright's own generated/ folder");
      expect(existsSync(join(ROOT, "generated/carcheck"))).toBe(false);
    }
  });

  it("--quiet prints nothing when all is well; --json is one document, for failures too", () => {
    const cwd = writeTree("gen-quiet", {
      "swagger.yaml": SPEC,
      "broken.yaml": `${SPEC}info: { title: twice }\n`,
    });
    const quiet = generate(cwd, "--openapi", "swagger.yaml", "--quiet");
    expect([quiet.status, quiet.stdout, quiet.stderr]).toEqual([0, "", ""]);
    const json = generate(cwd, "--openapi", "swagger.yaml", "--json", "--name", "cars");
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      written: 1,
      catalogs: [{ name: "cars", dir: "generated/cars", state: "updated", tools: 1, read: 1 }],
      diagnostics: [],
    });
    const failed = generate(cwd, "--openapi", "broken.yaml", "--json");
    expect(failed.status).toBe(1);
    const report = JSON.parse(failed.stdout);
    expect(report).toMatchObject({ ok: false, written: 0, catalogs: [] });
    expect(report.diagnostics.find((d: { severity: string }) => d.severity === "error")?.at?.file).toBe(
      "broken.yaml",
    );
  });

  it("--json into a pipe is the whole document, however large (it was cut short, with exit status 0)", () => {
    // 2,000 operations, each with a header the generator ignores and says so: a summary of about 700 KB.
    const paths = Array.from(
      { length: 2000 },
      (_, i) =>
        `  /items${i}:\n    get:\n      operationId: item${i}\n      parameters: [{ name: Accept, in: header, schema: { type: string } }]\n      responses: { "200": { description: ok } }`,
    );
    const spec = `openapi: 3.0.3\ninfo: { title: Many, version: "1" }\nservers: [{ url: https://many.example }]\npaths:\n${paths.join("\n")}\n`;
    const cwd = writeTree("gen-json-pipe", { "many.yaml": spec });
    const run = generate(cwd, "--openapi", "many.yaml", "--json");
    expect(run.status, run.stderr).toBe(0);
    expect(Buffer.byteLength(run.stdout)).toBeGreaterThan(128 * 1024);
    const report = JSON.parse(run.stdout);
    expect(report.catalogs[0].tools).toBe(2000);
    expect(report.diagnostics.filter((d: { code: string }) => d.code === "TW144")).toHaveLength(2000);
  });

  it("refuses a spec with no operations, located, naming its webhooks, and writes nothing", () => {
    const webhooks = `openapi: 3.1.0
info: { title: Hooks, version: "1" }
paths: {}
webhooks:
  push: { post: { requestBody: { content: { application/json: { schema: { type: object } } } }, responses: { "200": { description: ok } } } }
  ping: { post: { responses: { "200": { description: ok } } } }
`;
    const empty = `openapi: 3.0.3
info: { title: Empty, version: "1" }
paths:
  /things:
    parameters: [{ name: q, in: query, schema: { type: string } }]
`;
    const cwd = writeTree("gen-no-ops", { "hooks.yaml": webhooks, "empty.yaml": empty });
    const hooks = generate(cwd, "--openapi", "hooks.yaml");
    expect(hooks.status).toBe(1);
    expect(hooks.stderr).toMatch(/hooks\.yaml:3:\d+.*error TW147: the spec describes no operations/);
    expect(hooks.stderr).toContain("its 2 webhooks describe requests the API sends to a receiver");
    const none = generate(cwd, "--openapi", "empty.yaml");
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/empty\.yaml:4:3 \(#\/paths\) error TW147/);
    expect(none.stderr).not.toContain("webhooks describe");
    expect(existsSync(join(cwd, "generated"))).toBe(false);
  });

  it("refuses a spec whose every operation is left out, located, after each one's warning, and writes nothing", () => {
    const spec = `openapi: 3.0.3
info: { title: Gone, version: "1" }
paths:
  /a:
    get:
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/X" } } } } }
  /b:
    get:
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Y" } } } } }
`;
    const cwd = writeTree("gen-all-out", {
      "gone.yaml": spec,
      "one.yaml": spec.slice(0, spec.indexOf("  /b:")),
    });
    const gone = generate(cwd, "--openapi", "gone.yaml");
    expect(gone.status).toBe(1);
    expect(gone.stderr.match(/warning TW139/g)).toHaveLength(2);
    expect(gone.stderr).toMatch(
      /gone\.yaml:4:3 \(#\/paths\) error TW148: all 2 of its operations are left out for the problems the warnings above locate, so its catalog would have no tools/,
    );
    const one = generate(cwd, "--openapi", "one.yaml", "--json");
    expect(one.status).toBe(1);
    const report = JSON.parse(one.stdout);
    expect(report).toMatchObject({ ok: false, written: 0, catalogs: [] });
    expect(report.diagnostics.find((d: { code: string }) => d.code === "TW148")?.message).toMatch(
      /^its one operation is left out/,
    );
    expect(existsSync(join(cwd, "generated"))).toBe(false);
  });
});
