import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A path `{variable}` the operation declares as a parameter of another location (Intercom's 2.14 description,
 * intercom/Intercom-OpenAPI descriptions/2.14/api.intercom.io.yaml: `GET /export/reporting_data/{job_identifier}`
 * declares `job_identifier` `in: query`) is read as the path parameter the path needs, with a located TW137
 * warning; before, the operation was left out (TW139). A variable no parameter names still leaves it out.
 */
const SPEC = `openapi: 3.0.1
info: { title: Reporting, version: "2.14" }
servers: [{ url: "https://api.example.com" }]
paths:
  /export/reporting_data/{job_identifier}:
    get:
      operationId: getExportJob
      parameters:
        - { name: app_id, in: query, required: true, schema: { type: string } }
        - name: job_identifier
          in: query
          required: true
          description: Unique identifier of the job.
          schema: { type: string }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /orphans/{id}:
    get:
      operationId: getOrphan
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

let upstream: RecordingServer;
let served: Served;
let diags: Diagnostics;

beforeAll(async () => {
  const dir = tmpDir("path-variables");
  writeFileSync(join(dir, "openapi.yaml"), SPEC);
  diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "reporting" },
    { root: ROOT, out: relative(ROOT, join(dir, "out")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  served = await serveOverStdio(join(ROOT, cat.dir), { REPORTING_BASE_URL: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("path variables declared in another location", () => {
  it("are read as path parameters, located; a variable nothing declares still leaves its operation out", () => {
    expect(
      diags.items
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.code} ${d.message} line ${d.source?.line}`),
    ).toEqual([
      'TW137 path /export/reporting_data/{job_identifier}: {job_identifier} has no path parameter but a query parameter "job_identifier"; it is read as the path parameter (sent in the path only) line 7',
      expect.stringMatching(
        /^TW139 GET \/orphans\/\{id\} is left out: path \/orphans\/\{id\}: \{id\} has no path parameter/,
      ),
    ]);
  });

  it("the value goes in the path, not in the query", async () => {
    const { tools } = await served.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["get_export_job"]);
    expect(tools[0]?.inputSchema.required).toEqual(["app_id", "job_identifier"]);
    const result = await served.client.callTool({
      name: "get_export_job",
      arguments: { app_id: "a1", job_identifier: "job 7" },
    });
    expect(result.isError).toBeFalsy();
    expect(upstream.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /export/reporting_data/job%207?app_id=a1",
    ]);
  });
});
