import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A path `{variable}` the operation declares as a parameter of another location (Intercom's 2.14 description,
 * intercom/Intercom-OpenAPI descriptions/2.14/api.intercom.io.yaml: `GET /export/reporting_data/{job_identifier}`
 * declares `job_identifier` `in: query`) is read as the path parameter the path needs, with a located TW137
 * warning; before, the operation was left out (TW139). A variable nothing declares at all (a hand-written spec's
 * forgotten `parameters`; a query written into the key, `/v2.0/current?city={city}`, as Weatherbit's and ClickSend's
 * keys have it with nothing declaring some of their variables) is a required string argument, sent in the path
 * (one segment, encoded) or as the query pair the key writes, with a located TW137 warning: before, every such
 * operation was left out (TW137 then TW139).
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
  /items/{itemId}/notes/{noteId}:
    parameters:
      - { name: noteId, in: path, required: true, schema: { type: integer } }
    get:
      operationId: getNote
      responses:
        "200": { description: ok }
  /v2.0/current?city={city}&units={units}&lang=en&key={key}:
    get:
      operationId: current
      parameters:
        - { name: units, in: query, schema: { type: string, enum: [M, I] } }
        - { name: key, in: query, required: true, schema: { type: string } }
      responses:
        "200": { description: ok }
`;

const fx = servedSpec(
  `${writeTree("path-variables", { "openapi.yaml": SPEC })}/openapi.yaml`,
  "reporting",
  "path-variables-out",
  (url) => ({ REPORTING_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

describe("path variables declared in another location", () => {
  it("are read as path parameters, located; a variable nothing declares is a string argument, located", () => {
    expect(
      fx.diags.items
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.code} ${d.message} line ${d.source?.line}`),
    ).toEqual([
      'TW137 path /export/reporting_data/{job_identifier}: {job_identifier} has no path parameter but a query parameter "job_identifier"; it is read as the path parameter (sent in the path only) line 7',
      "TW137 path /orphans/{id}: no parameter declares {id}; it is read as a required string path argument line 19",
      "TW137 path /items/{itemId}/notes/{noteId}: no parameter declares {itemId}; it is read as a required string path argument line 26",
      "TW137 path /v2.0/current?city={city}&lang=en: no parameter declares {city}; it is read as a required string query argument line 31",
    ]);
  });

  it("the value goes in the path, not in the query", async () => {
    const { tools } = await fx.client().listTools();
    expect(tools.map((t) => t.name)).toEqual(["get_export_job", "get_orphan", "get_note", "current"]);
    expect(tools[0]?.inputSchema.required).toEqual(["app_id", "job_identifier"]);
    const result = await fx.client().callTool({
      name: "get_export_job",
      arguments: { app_id: "a1", job_identifier: "job 7" },
    });
    expect(result.isError).toBeFalsy();
    expect(fx.upstream().received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /export/reporting_data/job%207?app_id=a1",
    ]);
  });

  it("an undeclared variable is a required string: in the path one encoded segment, in the key's query its pair", async () => {
    const { tools } = await fx.client().listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("get_orphan")?.inputSchema).toMatchObject({
      properties: { id: { type: "string" } },
      required: ["id"],
    });
    expect(byName.get("get_note")?.inputSchema).toMatchObject({
      properties: { noteId: { type: "integer" }, itemId: { type: "string" } },
      required: ["noteId", "itemId"],
    });
    expect(byName.get("current")?.inputSchema.required).toEqual(["key", "city"]);
    const before = fx.upstream().received.length;
    for (const [name, args] of [
      ["get_orphan", { id: "a/b c" }],
      ["get_note", { itemId: "x y", noteId: 3 }],
      ["current", { city: "Zürich & Co=1", units: "M", key: "k1" }],
    ] as const) {
      const result = await fx.client().callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    }
    expect(
      fx
        .upstream()
        .received.slice(before)
        .map((r) => `${r.method} ${r.url}`),
    ).toEqual([
      "GET /orphans/a%2Fb%20c",
      "GET /items/x%20y/notes/3",
      "GET /v2.0/current?lang=en&units=M&key=k1&city=Z%C3%BCrich%20%26%20Co%3D1",
    ]);
    // Required as the key needs it: a call without it is refused before anything is sent.
    const missing = await fx.client().callTool({ name: "current", arguments: { key: "k1" } });
    expect(missing.isError).toBe(true);
    expect(fx.upstream().received.length).toBe(before + 3);
  });
});
