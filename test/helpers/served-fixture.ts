import { join, relative } from "node:path";
import { buildSchema, graphql } from "graphql";
import { afterAll, beforeAll, expect } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import type { PublishSpec } from "../../codegen/manifest/types.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genToDisk, writeTree } from "./generate.js";
import { callRecorded, type Served, serveOverStdio, type ToolResult } from "./mcp.js";
import { ROOT, tmpDir } from "./paths.js";
import { type RecordingServer, type Route, sendJson, startRecordingServer } from "./recording-server.js";

/**
 * For a test file: the catalog whose manifest is `cat/tools.yaml` among `files` (a spec beside it), generated and
 * served over stdio for the whole file, in front of a recording upstream (`route`: 200 `{ ok: true }` unless
 * given); `env(url)` is the server's env, given the upstream's URL. Registers the file's beforeAll/afterAll.
 */
export function servedFixture(
  name: string,
  files: Record<string, string>,
  env: (upstreamUrl: string) => Record<string, string>,
  route: Route = (_req, res) => sendJson(res, 200, { ok: true }),
) {
  let upstream: RecordingServer | undefined;
  let served: Served | undefined;
  beforeAll(async () => {
    const src = writeTree(name, files);
    const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
    upstream = await startRecordingServer(route);
    served = await serveOverStdio(dir, env(upstream.url));
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });
  return {
    /** Calls a tool; its result and what the upstream received meanwhile. */
    call: (tool: string, args: Record<string, unknown>) =>
      callRecorded(served!.client, upstream!, tool, args),
    /** The served catalog (its stderr: audit lines), once beforeAll has run. */
    served: () => served!,
  };
}

/**
 * For a test file: a bare spec (no manifest) generated as catalog `name` into `out` (under test/.tmp) without an
 * error, written, and served over stdio for the whole file in front of a recording upstream (`route`: 200
 * `{ ok: true }` unless given); `env(url)` is the server's env, given the upstream's URL. `schemas`: the spec's
 * GraphQL schema files (SDL or introspection), for a GraphQL spec. Registers the file's beforeAll/afterAll; what it
 * returns is read once beforeAll has run.
 */
export function servedSpec(
  spec: string,
  name: string,
  out: string,
  env: (upstreamUrl: string) => Record<string, string>,
  route: Route = (_req, res) => sendJson(res, 200, { ok: true }),
  schemas?: string[],
  /** The publish settings a manifest would give (`generate --descriptions concise`...). */
  publish?: PublishSpec,
) {
  let upstream: RecordingServer | undefined;
  let served: Served | undefined;
  const diags = new Diagnostics();
  let doc: CatalogDocument | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    const cat = await generateCatalog(
      { kind: "spec", spec, name, ...(schemas ? { graphql: schemas } : {}), ...(publish ? { publish } : {}) },
      { root: ROOT, out: relative(ROOT, tmpDir(out)) },
      diags,
    );
    expect(errorsOf(diags)).toEqual([]);
    if (!cat) throw new Error("no catalog");
    doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
    writeCatalog(ROOT, cat);
    dir = join(ROOT, cat.dir);
    upstream = await startRecordingServer(route);
    served = await serveOverStdio(dir, env(upstream.url));
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });
  return {
    /** The generator's diagnostics (no error among them). */
    diags,
    /** catalog.json as generated. */
    doc: () => doc!,
    /** The folder the catalog was written to. */
    dir: () => dir!,
    upstream: () => upstream!,
    client: () => served!.client,
    /** The served catalog (its stderr: audit lines). */
    served: () => served!,
    /** Calls a tool; its result and what the upstream received meanwhile. */
    call: (tool: string, args: Record<string, unknown>) =>
      callRecorded(served!.client, upstream!, tool, args),
  };
}

/**
 * servedSpec for a GraphQL schema: `sdl` written as schema.graphql under test/.tmp (`fixture`) and generated as
 * catalog `name`, in front of a graphql-js server executing each request against it with `rootValue`; the
 * catalog's base URL (`env`, given the upstream's /graphql URL) is the server's env.
 */
export function servedGraphql(
  fixture: string,
  name: string,
  sdl: string,
  rootValue: Record<string, unknown>,
  env: (graphqlUrl: string) => Record<string, string>,
) {
  const schema = join(writeTree(fixture, { "schema.graphql": sdl }), "schema.graphql");
  const route = graphqlRoute(sdl, rootValue);
  return servedSpec(schema, name, `${fixture}-out`, (url) => env(`${url}/graphql`), route, [schema]);
}

/** A route that answers each GraphQL request by executing it (graphql-js) against `sdl` with `rootValue`. */
export function graphqlRoute(sdl: string, rootValue: Record<string, unknown>): Route {
  const schema = buildSchema(sdl);
  return async (req, res) => {
    const body = JSON.parse(req.body.toString());
    sendJson(
      res,
      200,
      await graphql({ schema, source: body.query, rootValue, variableValues: body.variables }),
    );
  };
}

/** A tool result's first text block. */
export const resultText = (result: ToolResult) => result.content?.[0]?.text ?? "";
