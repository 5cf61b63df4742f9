import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../codegen/audit/report.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";
import { serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Credentials a spec passes as parameters (not as a security scheme): bound to env variables in the manifest
 * (`sources.<id>.param_env` for every operation, `args.<name>.env` for one tool), they are no arguments (the model
 * never sees or sets them), the upstream receives them from the environment, and their values appear nowhere
 * else. `audit` flags the credential-looking arguments left to the model and lists the bound ones.
 */

const KEY = "key-canary-7d1e0b";
const SECRET = "secret-canary-44af2c";

const SPEC = `openapi: 3.0.3
info: { title: Geo Lookup, version: "1" }
paths:
  /geocode:
    get:
      operationId: geocode
      parameters:
        - { name: q, in: query, required: true, schema: { type: string } }
        - { name: api_key, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /reports:
    post:
      operationId: createReport
      parameters:
        - { name: api_key, in: query, required: true, schema: { type: string } }
        - { name: X-Secret-Key, in: header, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /sessions:
    post:
      operationId: login
      parameters:
        - { name: password, in: query, required: true, schema: { type: string } }
        - { name: page_token, in: query, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

const MANIFEST = (undeclared = false) => `catalog: geo
env:
  GEO_URL: { type: url, required: true, description: Base URL. }
  GEO_API_KEY: { secret: true, required: true, description: The API key every operation takes as api_key. }
${undeclared ? "" : "  GEO_REPORT_SECRET: { secret: true, description: The reports secret header. }\n"}sources:
  geo:
    openapi: ./openapi.yaml
    base_url: { env: GEO_URL }
    param_env: { "query:api_key": GEO_API_KEY }
select: [{ all: true }]
tools:
  geo_create_report:
    from: createReport
    args: { X-Secret-Key: { env: GEO_REPORT_SECRET } }
  login:
    from: login
    args: { password: { expose: true } }
`;

let upstream: RecordingServer;
let dir: string;
let doc: CatalogDocument;

beforeAll(async () => {
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  const tree = writeTree("param-env", { "openapi.yaml": SPEC, "tools.yaml": MANIFEST() });
  const { cat, diags } = await genManifest(
    join(tree, "tools.yaml"),
    join(tree, "out").slice(ROOT.length + 1),
  );
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  dir = join(ROOT, cat!.dir);
  doc = JSON.parse(cat!.files.get("catalog.json")!);
});
afterAll(() => upstream?.close());

describe("parameters sent from env variables", () => {
  it("are no arguments; the upstream gets them from the environment; the values appear nowhere else", async () => {
    const served = await serveOverStdio(dir, {
      GEO_URL: upstream.url,
      GEO_API_KEY: KEY,
      GEO_REPORT_SECRET: SECRET,
    });
    try {
      const { tools } = await served.client.listTools();
      const byName = new Map(tools.map((t) => [t.name, t]));
      expect(Object.keys(byName.get("geocode")!.inputSchema.properties ?? {})).toEqual(["q"]);
      expect(Object.keys(byName.get("geo_create_report")!.inputSchema.properties ?? {})).toEqual([]);
      expect(JSON.stringify(tools)).not.toMatch(/api_key|X-Secret-Key/);

      const geocode = await served.client.callTool({ name: "geocode", arguments: { q: "Ghent" } });
      expect(geocode.isError).toBeFalsy();
      const report = await served.client.callTool({ name: "geo_create_report", arguments: {} });
      expect(report.isError).toBeFalsy();
      const [first, second] = upstream.received;
      expect(first?.query.get("api_key")).toBe(KEY);
      expect(first?.query.get("q")).toBe("Ghent");
      expect(second?.query.get("api_key")).toBe(KEY);
      expect(second?.headers["x-secret-key"]).toBe(SECRET);

      // The model cannot set one either: it is not in the (strict) input schema.
      const forged = await served.client.callTool({
        name: "geocode",
        arguments: { q: "x", api_key: "mine" },
      });
      expect(forged.isError).toBe(true);
      // stderr read whole, once the server has exited: before, a line it wrote may not have been read yet.
      for (const text of [JSON.stringify([geocode, report, forged]), await served.stderrAtExit()]) {
        expect(text).not.toContain(KEY);
        expect(text).not.toContain(SECRET);
      }
    } finally {
      await served.close();
    }
  });

  it("a required one whose variable is unset fails the call, naming the variable, before any request", async () => {
    upstream.received.length = 0;
    const served = await serveOverStdio(dir, { GEO_URL: upstream.url, GEO_API_KEY: KEY });
    try {
      const report = await served.client.callTool({ name: "geo_create_report", arguments: {} });
      expect(report.isError).toBe(true);
      expect((report.content as Array<{ text: string }>)[0]?.text).toContain(
        "the header parameter X-Secret-Key is sent from GEO_REPORT_SECRET, which is not set",
      );
      expect(upstream.received).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it("audit flags credential-looking arguments left to the model and lists the bound ones", () => {
    const report = buildReport(doc);
    const credential = report.findings.filter((f) => f.kind === "credential-argument");
    expect(credential.map((f) => `${f.tool}: ${f.severity}`)).toEqual(["login: high"]);
    expect(credential[0]?.message).toMatch(/^argument password looks like a credential/);
    expect(report.sources[0]?.credentials).toEqual([
      "query parameter api_key from env GEO_API_KEY (2 tools; never an argument)",
      "header parameter X-Secret-Key from env GEO_REPORT_SECRET (1 tool; never an argument)",
    ]);
  });

  it("an undeclared variable is a located error", async () => {
    const tree = writeTree("param-env-bad", { "openapi.yaml": SPEC, "tools.yaml": MANIFEST(true) });
    const { cat, diags } = await genManifest(join(tree, "tools.yaml"));
    expect(cat).toBeUndefined();
    const error = diags.items.find((d) => d.code === "TW111");
    expect(error?.message).toBe(
      'tool geo_create_report: parameter "X-Secret-Key" is sent from GEO_REPORT_SECRET, which is not declared under env:',
    );
    expect(error?.source?.file).toMatch(/tools\.yaml$/);
    expect(error?.source?.line).toBeGreaterThan(0);
  });
});
