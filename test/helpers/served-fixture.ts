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
 * For a test file: the catalog whose manifest is `cat/tools.yaml` among `files` (a spec beside it), generated, and
 * a recording upstream (`route`: 200 `{ ok: true }` unless given), not served. Registers the file's
 * beforeAll/afterAll; what it returns is read once beforeAll has run.
 */
export function generatedFixture(
  name: string,
  files: Record<string, string>,
  route: Route = (_req, res) => sendJson(res, 200, { ok: true }),
) {
  let upstream: RecordingServer | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    const src = writeTree(name, files);
    ({ dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out")));
    upstream = await startRecordingServer(route);
  });
  afterAll(async () => {
    await upstream?.close();
  });
  return {
    /** The folder the catalog was written to. */
    dir: () => dir!,
    upstream: () => upstream!,
  };
}

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
  const generated = generatedFixture(name, files, route);
  let served: Served | undefined;
  beforeAll(async () => {
    served = await serveOverStdio(generated.dir(), env(generated.upstream().url));
  });
  // Registered after generatedFixture's: vitest runs afterAll hooks last-registered first, so this closes first.
  afterAll(async () => {
    await served?.close();
  });
  return {
    /** Calls a tool; its result and what the upstream received meanwhile. */
    call: (tool: string, args: Record<string, unknown>) =>
      callRecorded(served!.client, generated.upstream(), tool, args),
    /** The served catalog (its stderr: audit lines), once beforeAll has run. */
    served: () => served!,
    /** The folder the catalog was written to. */
    dir: generated.dir,
    upstream: generated.upstream,
  };
}

/**
 * The manifest of catalog `items`: its one source `api` the spec beside it (`./openapi.yaml`) at `ITEMS_URL`, every
 * operation selected; `tools` the lines under `tools:` (`  delete_item: { from: deleteItem }`).
 */
export function itemsManifest(tools: string): string {
  return `catalog: items
env:
  ITEMS_URL: { type: url, description: "ITEMS_URL." }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: ITEMS_URL } }
select: [{ all: true }]
tools:
${tools}
`;
}

/**
 * For a test file: servedFixture for catalog `items` (itemsManifest with `tools`, the lines under `tools:`), its spec
 * and the files it names `files` (paths under `cat/`: `openapi.yaml`, `models/shape.yaml`...), in front of an
 * upstream that echoes each request's JSON body, so a result passes the client's output check only as sent.
 * `sentWhole(tool, body)` calls a tool with `body` and checks it succeeded and reached the upstream whole (one
 * request, its body `body`); it returns the call.
 */
export function polymorphicFixture(name: string, files: Record<string, string>, tools: string) {
  const fx = servedFixture(
    name,
    {
      "cat/tools.yaml": itemsManifest(tools),
      ...Object.fromEntries(Object.entries(files).map(([path, text]) => [`cat/${path}`, text])),
    },
    (url) => ({ ITEMS_URL: url }),
    (req, res) => sendJson(res, 200, JSON.parse(req.body.toString("utf8") || "{}")),
  );
  return {
    ...fx,
    sentWhole: async (tool: string, body: unknown) => {
      const called = await fx.call(tool, { body });
      expect(called.result.isError ?? false).toBe(false);
      expect(called.sent).toHaveLength(1);
      expect(JSON.parse(called.sent[0]?.body.toString("utf8") ?? "null")).toEqual(body);
      return called;
    },
  };
}

/** A hand-written tool's handler (`handlers/echo.ts`) whose result is the arguments it was given: `{ args }`. */
export const ECHO_HANDLER = `import type { CustomHandler } from "toolwright/catalog";
const echo: CustomHandler = async (args) => ({ data: { args } });
export default echo;
`;

/**
 * For a test file: servedFixture of the catalog whose manifest (`cat/tools.yaml`) is `manifest`, its tools
 * hand-written with `handler: ./handlers/echo.ts` (ECHO_HANDLER), served with no env.
 */
export function echoHandlerFixture(name: string, manifest: string) {
  return servedFixture(
    name,
    { "cat/tools.yaml": manifest, "cat/handlers/echo.ts": ECHO_HANDLER },
    () => ({}),
  );
}

/** A confirmation question as a client that declares form elicitation receives it. */
export interface Asked {
  message: string;
  requestedSchema: unknown;
}

/**
 * For a test file: generatedFixture's catalog served twice over stdio, with `env(url)` (given the upstream's URL):
 * `asking()`, to a client that declares form elicitation and declines every confirmation question, each kept in
 * `asked`; and `plain()`, to a client without elicitation (it gets the preview and its token instead).
 */
export function askingFixture(
  name: string,
  files: Record<string, string>,
  env: (upstreamUrl: string) => Record<string, string>,
  route: Route,
) {
  const generated = generatedFixture(name, files, route);
  const asked: Asked[] = [];
  let asking: Served | undefined;
  let plain: Served | undefined;
  beforeAll(async () => {
    asking = await serveOverStdio(generated.dir(), env(generated.upstream().url), {
      elicitation: { form: {} },
    });
    asking.client.setRequestHandler("elicitation/create", async (request) => {
      const params = request.params as { message?: unknown; requestedSchema?: unknown };
      asked.push({ message: String(params.message), requestedSchema: params.requestedSchema });
      return { action: "decline" } as never;
    });
    plain = await serveOverStdio(generated.dir(), env(generated.upstream().url));
  });
  afterAll(async () => {
    await Promise.all([asking?.close(), plain?.close()]);
  });
  return {
    /** Every question `asking()` was asked, in order. */
    asked,
    asking: () => asking!,
    plain: () => plain!,
    upstream: generated.upstream,
  };
}

/**
 * For a describe block (or a file): the catalog at `dir()` served over stdio with `env()`, both read when the
 * block's beforeAll runs, for the block's tests, and closed after them. Returns the served catalog, read once
 * beforeAll has run.
 */
export function servedInBlock(dir: () => string, env: () => Record<string, string>): () => Served {
  let served: Served | undefined;
  beforeAll(async () => {
    served = await serveOverStdio(dir(), env());
  });
  afterAll(() => served?.close());
  return () => served!;
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

/** A `paths:` block of one GET /reports; `lockedSourcesFixture` spells its operationId `<source>Reports`. */
export const REPORTS_PATHS = `paths:
  /reports:
    get:
      operationId: REPORTS_ID
      responses: { "200": { description: ok } }
`;

/**
 * For a test file: catalog `catalog` with one source per entry of `sources` (its spec, `REPORTS_ID` and `STATUS_ID`
 * spelled `<id>Reports` and `<id>Status`; its base URL from env `<ID>_URL`, set to the entry's URL, or left unset
 * for none) and one tool `<id>_reports` each (`extraTools`: more lines under `tools:`), under a tenant lock read
 * from `tenantEnv` and set to acme. Served over stdio in front of a recording upstream reached as the HTTP proxy
 * (NODE_USE_ENV_PROXY), so it sees each request's Host; `url(configured, upstream)` may rewrite a configured URL.
 */
export function lockedSourcesFixture(
  name: string,
  catalog: string,
  tenantEnv: string,
  sources: Record<string, readonly [spec: string, url: string | undefined]>,
  options: { extraTools?: string; url?: (configured: string, upstream: string) => string } = {},
) {
  const ids = Object.keys(sources);
  const files: Record<string, string> = {
    "cat/tools.yaml": `catalog: ${catalog}
env:
  ${tenantEnv}: { description: "${tenantEnv}." }
${ids.map((s) => `  ${s.toUpperCase()}_URL: { type: url, description: "${s}." }`).join("\n")}
policy:
  tenant: { env: ${tenantEnv} }
sources:
${ids.map((s) => `  ${s}: { openapi: ./${s}.yaml, base_url: { env: ${s.toUpperCase()}_URL } }`).join("\n")}
select: [{ all: true }]
tools:
${ids.map((s) => `  ${s}_reports: { from: ${s}Reports }`).join("\n")}
${options.extraTools ?? ""}`,
  };
  for (const s of ids) {
    files[`cat/${s}.yaml`] = sources[s]![0].replace("REPORTS_ID", `${s}Reports`).replace(
      "STATUS_ID",
      `${s}Status`,
    );
  }
  const rewrite = options.url ?? ((configured: string) => configured);
  return servedFixture(name, files, (upstream) => ({
    [tenantEnv]: "acme",
    ...Object.fromEntries(
      ids.flatMap((s) => {
        const configured = sources[s]![1];
        return configured === undefined ? [] : [[`${s.toUpperCase()}_URL`, rewrite(configured, upstream)]];
      }),
    ),
    NODE_USE_ENV_PROXY: "1",
    HTTP_PROXY: upstream,
  }));
}
