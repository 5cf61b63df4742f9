import { describe, expect, it } from "vitest";
import { resultText, servedFixture } from "../helpers/served-fixture.js";

/**
 * A path parameter the operator binds to an env variable (`args: { path: { env } }`, `param_env`) instead of
 * leaving it to the client. The path policy judged the client's arguments only, and an env-bound path-like
 * parameter is no argument, so while SCOPE_DENIED_PATHS (SCOPE_ALLOWED_PATHS) was set the bound path was sent
 * whatever it named: a denied one, one outside the allowed prefixes, a `..`. Now the path actually sent is judged
 * as a client's would be: refused before any request, naming the parameter and its variable (never the value);
 * an allowed bound path goes through. A real upstream records every request; audit lines go to stderr.
 */

const SPEC = `openapi: 3.0.3
info: { title: Bound paths, version: "1" }
paths:
  /files/{path}:
    get:
      operationId: readFile
      parameters: [{ name: path, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /exports/{path}:
    get:
      operationId: readExport
      parameters: [{ name: path, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /reports/{path}:
    get:
      operationId: readReport
      parameters: [{ name: path, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /search:
    get:
      operationId: search
      parameters:
        - { name: prefix, in: query, required: true, schema: { type: string } }
        - { name: key, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /lookup:
    get:
      operationId: lookup
      parameters: [{ name: key, in: query, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /notes/{folder}:
    get:
      operationId: readNotes
      parameters: [{ name: folder, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: boundpaths
env:
  BP_URL: { type: url, description: "BP_URL." }
  BP_ALLOWED: { type: list, description: "BP_ALLOWED." }
  BP_DENIED: { type: list, description: "BP_DENIED." }
  BP_DENIED_PATH: { description: "BP_DENIED_PATH." }
  BP_OUTSIDE_PATH: { description: "BP_OUTSIDE_PATH." }
  BP_ALLOWED_PATH: { description: "BP_ALLOWED_PATH." }
  BP_PREFIX: { description: "BP_PREFIX." }
  BP_API_KEY: { secret: true, description: "BP_API_KEY." }
  BP_FOLDER: { default: "apps/../infra", description: "BP_FOLDER." }
policy:
  allowed_paths: { env: BP_ALLOWED }
  denied_paths: { env: BP_DENIED }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: BP_URL }
    param_env: { "query:prefix": BP_PREFIX, "query:key": BP_API_KEY }
select: [{ all: true }]
tools:
  read_file: { from: readFile, args: { path: { env: BP_DENIED_PATH } } }
  read_export: { from: readExport, args: { path: { env: BP_OUTSIDE_PATH } } }
  read_report: { from: readReport, args: { path: { env: BP_ALLOWED_PATH } } }
  read_notes: { from: readNotes, args: { folder: { env: BP_FOLDER } } }
`;

const { call, served } = servedFixture(
  "path-bound",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({
    BP_URL: url,
    BP_ALLOWED: "apps,infra/public",
    BP_DENIED: "infra/db",
    BP_DENIED_PATH: "infra/db/root",
    BP_OUTSIDE_PATH: "payments/keys",
    BP_ALLOWED_PATH: "apps/web/config",
    BP_PREFIX: "infra/db",
    BP_API_KEY: "AIzaSyExampleKey0123456789",
  }),
);

describe("a path parameter bound to an env variable, while a path list is set", () => {
  it.each([
    [
      "under a denied prefix",
      "read_file",
      "path parameter path",
      "BP_DENIED_PATH",
      "is under the denied prefix infra/db",
    ],
    [
      "outside the allowed prefixes",
      "read_export",
      "path parameter path",
      "BP_OUTSIDE_PATH",
      "is outside the allowed prefixes",
    ],
    [
      "a query prefix (param_env) under a denied prefix",
      "search",
      "query parameter prefix",
      "BP_PREFIX",
      "is under the denied prefix infra/db",
    ],
  ])("%s: refused before any request, naming the variable", async (_l, tool, param, env, why) => {
    const { result, sent } = await call(tool, {});
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain(`the ${param} is sent from ${env}, whose value ${why}`);
    expect(resultText(result)).not.toMatch(/root|payments|keys/);
    expect(resultText(result)).toMatch(/^refused by BP_(DENIED|ALLOWED): /);
    expect(sent).toEqual([]);
    const line = new RegExp(`"tool":"${tool}".*"policy":"paths"`);
    expect(await served().waitForStderr(line)).toMatch(line);
  });

  it("a bound value the path rules cannot read as plain segments is refused the same way", async () => {
    const { result, sent } = await call("read_notes", {});
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain("the path parameter folder is sent from BP_FOLDER, whose value has");
    expect(sent).toEqual([]);
  });

  it("a bound path inside the scope is sent as bound (one segment, its '/' encoded); a bound `key` is a credential", async () => {
    const { result, sent } = await call("read_report", {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => r.url)).toEqual(["/reports/apps%2Fweb%2Fconfig"]);
    const lookup = await call("lookup", {});
    expect(lookup.result.isError, resultText(lookup.result)).toBeFalsy();
    expect(lookup.sent.map((r) => r.query.get("key"))).toEqual(["AIzaSyExampleKey0123456789"]);
  });
});
