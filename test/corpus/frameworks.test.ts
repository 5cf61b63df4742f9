import { join, relative } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Diagnostics } from "../../codegen/diagnostics.js";
import { writeCatalog } from "../../codegen/write.js";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Specs as API frameworks run from npm emit them (test/corpus/frameworks/, made in corpus45 by the sources beside
 * them: TypeSpec 1.17's openapi3 emitter from typespec-petstore.tsp, zod-to-openapi 9, @hono/zod-openapi 1.6,
 * @fastify/swagger 9), generated bare as a user would, then served and called against a recording upstream.
 * Their house styles: TypeSpec's `allOf`/`anyOf` wrappers, `explode: false` arrays, a file part written as
 * `type: string, format: binary` (3.0) or `{}` (3.1) with `encoding.contentType: "*\/*"`; Fastify's `4xx`/`2xx`
 * response keys and `{*}` wildcard path; Fastify's Swagger 2.0 with `nullable`. Before corpus45, TypeSpec's 3.1
 * file part was an argument of any JSON value (sent as a JSON part: no file could be uploaded), and its 3.0 file
 * part refused every call that named no content type ("argument 'file.contentType' is not a valid media type":
 * `*\/*` is no Content-Type).
 * corpus46 added, by the generators beside them: @fastify/swagger 9.9 with TypeBox 0.34 schemas (typebox.mjs; fastify
 * 5.12), swagger-jsdoc 6.3 (jsdoc.mjs), NestJS 12.6 with @nestjs/swagger 12.1 (nest/main.ts.txt, compiled by tsc
 * with nest/tsconfig.json) and tsoa 6.6 (`tsoa spec` in tsoa/, controller.ts.txt renamed controller.ts). The
 * `.ts.txt` files are TypeScript kept out of this project's typecheck: their frameworks are no dependency of it.
 * corpus47 added hapi 21 with hapi-swagger 17 (Swagger 2.0 from Joi), express-zod-api 27, feathers-swagger 3, Elysia 1.4 with
 * @elysiajs/openapi (run on Node) and LoopBack 4 (@loopback/rest 15's explorer spec); generators/README.md says how.
 */
const DIR = join(ROOT, "test/corpus/frameworks");

const warnings = (diags: Diagnostics) =>
  diags.items.filter((d) => d.severity === "warning").map((d) => `${d.code} ${d.source?.pointer ?? ""}`);

async function generated(file: string) {
  const out = relative(ROOT, join(tmpDir(`frameworks-${file.replace(/\W/g, "-")}`), "out"));
  const { cat, diags } = await genSpec(join(DIR, file), "fw", out);
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error(`no catalog of ${file}`);
  return {
    cat,
    diags,
    tools: (JSON.parse(cat.files.get("catalog.json") ?? "{}").tools as Array<{ name: string }>).map(
      (t) => t.name,
    ),
  };
}

let upstream: RecordingServer;
const clients: Client[] = [];

beforeAll(async () => {
  upstream = await startRecordingServer((req, res) => {
    if (req.method === "POST" && req.path.endsWith("/photo")) {
      res.writeHead(204);
      res.end();
      return;
    }
    sendJson(
      res,
      200,
      /^\/pets(\/search)?$/.test(req.path) ? { items: [] } : { id: 1, name: "n", kind: "dog", size: "small" },
    );
  });
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await upstream?.close();
});

/** Serves a generated catalog over an in-memory MCP connection with the upstream as its base URL. */
async function served(
  cat: Awaited<ReturnType<typeof generated>>["cat"],
  more: Record<string, string> = {},
): Promise<Client> {
  writeCatalog(ROOT, cat);
  const catalog = await loadCatalog(join(ROOT, cat.dir));
  const env = { FW_BASE_URL: upstream.url, ...more };
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), { policy: { audit: false } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client({ name: "frameworks", version: "1.0.0" });
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

describe("specs emitted by API frameworks", () => {
  for (const version of ["3.0", "3.1"]) {
    it(`TypeSpec (OpenAPI ${version}): every operation a tool, each call sent as the spec says, a file uploaded`, async () => {
      const { cat, diags, tools } = await generated(`typespec-${version}.yaml`);
      expect(warnings(diags)).toEqual([]);
      expect(tools.sort()).toEqual([
        "pets_animal",
        "pets_create",
        "pets_delete",
        "pets_list",
        "pets_read",
        "pets_search",
        "pets_set_shape",
        "pets_update",
        "pets_upload",
      ]);
      const client = await served(cat);
      const from = upstream.received.length;
      const call = async (name: string, args: Record<string, unknown>) => {
        const result = await client.callTool({ name, arguments: args });
        expect([name, result.isError ?? false, result.content]).toEqual([name, false, expect.anything()]);
      };
      await call("pets_list", { top: 5, tags: ["a", "b"], "x-request-id": "r1" });
      await call("pets_read", { petId: 7, "include-owner": true });
      await call("pets_search", { q: "rex", filter_kind: "fish-like" });
      await call("pets_upload", {
        petId: 7,
        name: "rex",
        file: { filename: "rex.png", content: Buffer.from("PNG-bytes").toString("base64") },
      });
      const [list, read, search, upload] = upstream.received.slice(from);
      expect([list?.url, list?.headers["x-request-id"]]).toEqual(["/pets?top=5&tags=a,b", "r1"]);
      expect(read?.url).toBe("/pets/7?include-owner=true");
      expect([search?.headers["content-type"], search?.body.toString()]).toEqual([
        "application/x-www-form-urlencoded",
        "q=rex&filter%5Bkind%5D=fish-like",
      ]);
      const body = upload?.body.toString() ?? "";
      expect(upload?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
      expect(body).toContain(
        'Content-Disposition: form-data; name="file"; filename="rex.png"\r\nContent-Type: application/octet-stream\r\n\r\nPNG-bytes\r\n',
      );
      expect(body).toContain('Content-Disposition: form-data; name="name"\r\n\r\nrex\r\n');
    });
  }

  it("zod-to-openapi, Hono and Fastify: every operation a tool, their warnings located, Fastify's calls as its spec says", async () => {
    const seen: Record<string, [string[], string[]]> = {};
    for (const file of ["zod30.json", "zod31.json", "hono31.json", "fastify2.json"]) {
      const { diags, tools } = await generated(file);
      seen[file] = [tools.sort(), warnings(diags)];
    }
    const fastify = ["get_files_by", "get_items_by_id", "get_opt_by_a", "post_items"];
    expect(seen).toEqual({
      "zod30.json": [["get_users", "get_users_by_id", "post_users"], []],
      "zod31.json": [["get_users", "get_users_by_id", "post_users"], []],
      "hono31.json": [["get_books_by_id", "post_books_by_id_cover", "post_login"], []],
      // Its `nullable` is read as OpenAPI 3's, said at it (it was "must be one of "file"", the operation left out).
      "fastify2.json": [fastify, ["TW133 #/paths/~1opt~1{a}?/get/responses/200/schema/nullable"]],
    });
    const { cat, diags, tools } = await generated("fastify30.json");
    expect([tools.sort(), warnings(diags)]).toEqual([fastify, []]);
    const client = await served(cat);
    const from = upstream.received.length;
    const result = await client.callTool({
      name: "get_items_by_id",
      arguments: { id: 3, q: "x y", tags: ["a", "b"], "x-api-version": "2" },
    });
    expect(result.isError ?? false).toBe(false);
    const [got] = upstream.received.slice(from);
    expect([got?.url, got?.headers["x-api-version"]]).toEqual(["/items/3?q=x%20y&tags=a&tags=b", "2"]);
  });

  it("Fastify with TypeBox (3.0 and 2.0): every operation a tool in both, the 2.0 unions read, calls sent as the spec says", async () => {
    const names = [
      "delete_pets_by_pet_id",
      "get_pets",
      "get_pets_by_pet_id",
      "patch_pets_by_pet_id",
      "post_events",
      "post_pets",
      "put_categories_by_name",
    ];
    const v3 = await generated("typebox30.json");
    expect([v3.tools.sort(), warnings(v3.diags)]).toEqual([names, []]);
    // 2.0 has no anyOf: @fastify/swagger writes TypeBox's unions with it anyway. Those operations were left out,
    // blamed on another parameter kind's branch ("parameters/0/in: must be one of "header"").
    const v2 = await generated("typebox2.json");
    expect(v2.tools.sort()).toEqual(names);
    expect(v2.diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    const client = await served(v2.cat, { FW_API_KEY: "k-1" });
    const from = upstream.received.length;
    for (const [name, args] of [
      ["get_pets_by_pet_id", { petId: 4, expand: ["owner", "category"] }],
      ["post_pets", { name: "rex", kind: "dog", tags: [{ key: "k", value: "v" }], nickname: null }],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect([name, result.isError ?? false, result.content]).toEqual([name, false, expect.anything()]);
    }
    const [read, create] = upstream.received.slice(from);
    expect([read?.url, read?.headers["x-api-key"]]).toEqual(["/pets/4?expand=owner,category", "k-1"]);
    expect([create?.method, create?.url, JSON.parse(create?.body.toString() ?? "null")]).toEqual([
      "POST",
      "/pets",
      { name: "rex", kind: "dog", tags: [{ key: "k", value: "v" }], nickname: null },
    ]);
  });

  it("swagger-jsdoc, NestJS and tsoa: every operation a tool, arguments as their specs name them, calls as they say", async () => {
    const jsdoc = await generated("jsdoc30.json");
    expect([jsdoc.tools.sort(), warnings(jsdoc.diags)]).toEqual([
      [
        "delete_tickets_by_ticket_id",
        "get_tickets",
        "get_tickets_by_ticket_id",
        "post_tickets",
        "post_tickets_by_ticket_id_attachments",
      ],
      [],
    ]);
    const nest = await generated("nest30.json");
    expect([nest.tools.sort(), warnings(nest.diags)]).toEqual([
      [
        "books_controller_by_number",
        "books_controller_cover",
        "books_controller_create",
        "books_controller_get",
        "books_controller_list",
        "books_controller_remove",
        "books_controller_update",
      ],
      [],
    ]);
    // tsoa writes `${scheme}://${server}` of its config's servers: this one's config wrote a URL there.
    const tsoa = await generated("tsoa30.json");
    expect([tsoa.tools.sort(), warnings(tsoa.diags)]).toEqual([
      ["avatar", "create", "get", "list", "remove", "update"],
      ["TW133 #/servers/0/url"],
    ]);
    const calls: Array<[Client, string, Record<string, unknown>]> = [
      [
        await served(jsdoc.cat, { FW_TOKEN: "t-1" }),
        "get_tickets",
        { page: 2, status: ["open", "closed"], "X-Request-ID": "r1" },
      ],
      [
        await served(nest.cat, { FW_TOKEN: "t-2" }),
        "books_controller_list",
        { genre: "poetry", tags: ["a", "b"], limit: 5, "X-Tenant": "t" },
      ],
      [
        await served(tsoa.cat, { FW_TOKEN: "t-3", FW_BASE_URL: upstream.url }),
        "list",
        { role: "admin", ids: [1, 2], created_after: "2026-01-02T03:04:05Z" },
      ],
    ];
    const from = upstream.received.length;
    for (const [client, name, args] of calls) {
      const result = await client.callTool({ name, arguments: args });
      expect([name, result.isError ?? false, result.content]).toEqual([name, false, expect.anything()]);
    }
    expect(upstream.received.slice(from).map((r) => [r.url, r.headers.authorization])).toEqual([
      ["/tickets?page=2&status=open,closed", "Bearer t-1"],
      ["/books?genre=poetry&tags=a&tags=b&limit=5", "Bearer t-2"],
      ["/users?role=admin&ids=1&ids=2&created_after=2026-01-02T03%3A04%3A05Z", "Bearer t-3"],
    ]);
  });

  it("Elysia: a body offered as JSON, a form and multipart with a file part is sent as multipart, the file uploaded", async () => {
    const { cat, diags, tools } = await generated("elysia31.json");
    expect([tools.sort(), warnings(diags)]).toEqual([
      [
        "delete_pets_by_id",
        "get_files",
        "get_me",
        "get_pets",
        "get_pets_by_id",
        "post_login",
        "post_pets",
        "post_pets_by_id_photo",
        "put_pets_by_id",
      ],
      // Elysia's wildcard route /files/* (the rest of the path, params["*"]) is read as {wildcard} spanning
      // segments, as @fastify/swagger names it, and adopted (nothing declares it): two TW137. It was sent as a literal *.
      ["TW137 #/paths/~1files~1*/get", "TW137 #/paths/~1files~1*/get"],
    ]);
    const client = await served(cat, { FW_TOKEN: "t-4" });
    const from = upstream.received.length;
    for (const [name, args] of [
      [
        "post_pets_by_id_photo",
        {
          id: 7,
          photo: {
            filename: "p.png",
            content: Buffer.from("PNG").toString("base64"),
            contentType: "image/png",
          },
          extra: [{ filename: "a.txt", content: Buffer.from("A").toString("base64") }],
          caption: "c",
        },
      ],
      ["post_login", { user: "u", password: "p" }],
      ["get_files", { wildcard: "docs/2026/a.txt" }],
    ] as const) {
      const result = await client.callTool({ name, arguments: args });
      expect([name, result.isError ?? false, result.content]).toEqual([name, false, expect.anything()]);
    }
    const [photo, login, files] = upstream.received.slice(from);
    // Elysia 1.4.32 answers GET /files/docs/2026/a.txt with params["*"] = "docs/2026/a.txt" (app.handle, corpus48).
    expect(files?.url).toBe("/files/docs/2026/a.txt");
    // Elysia lists application/json first: the photo went out as a JSON string, no file uploaded.
    expect([photo?.url, photo?.headers["content-type"], photo?.headers.authorization]).toEqual([
      "/pets/7/photo",
      expect.stringMatching(/^multipart\/form-data; boundary=/),
      "Bearer t-4",
    ]);
    const body = photo?.body.toString() ?? "";
    expect(body).toContain(
      'Content-Disposition: form-data; name="photo"; filename="p.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n',
    );
    expect(body).toContain('Content-Disposition: form-data; name="extra"; filename="a.txt"');
    expect(body).toContain('Content-Disposition: form-data; name="caption"\r\n\r\nc\r\n');
    expect([login?.headers["content-type"], login?.body.toString()]).toEqual([
      "application/x-www-form-urlencoded",
      "user=u&password=p",
    ]);
  });

  it("siblings: a body with a file part is sent as the multipart the spec also offers, whatever its order", async () => {
    const file = { type: "string", format: "binary" };
    const offered = (first: string, schema: unknown) => ({
      [first]: { schema },
      "multipart/form-data": { schema },
    });
    const op = (id: string, content: unknown) => ({
      post: {
        operationId: id,
        requestBody: { required: true, content },
        responses: { "204": { description: "done" } },
      },
    });
    const spec = {
      openapi: "3.0.3",
      info: { title: "Files", version: "1" },
      servers: [{ url: "https://files.example.com" }],
      paths: {
        // A form first, the object by $ref, its file part an array of files.
        "/form": op(
          "form",
          offered("application/x-www-form-urlencoded", { $ref: "#/components/schemas/Scans" }),
        ),
        // JSON first, the object an allOf of two.
        "/json": op(
          "json",
          offered("application/json", {
            allOf: [
              { type: "object", properties: { note: { type: "string" } } },
              { type: "object", properties: { doc: file } },
            ],
          }),
        ),
        // No file part: JSON stays first.
        "/plain": op(
          "plain",
          offered("application/json", { type: "object", properties: { note: { type: "string" } } }),
        ),
        // A file part but no multipart offered: sent as JSON as before.
        "/only": op("only", {
          "application/json": { schema: { type: "object", properties: { doc: file } } },
        }),
      },
      components: {
        schemas: {
          Scans: {
            type: "object",
            properties: { scans: { type: "array", items: file }, note: { type: "string" } },
          },
        },
      },
    };
    const dir = writeTree("frameworks-files", { "openapi.json": JSON.stringify(spec, null, 2) });
    const { cat, diags } = await genSpec(join(dir, "openapi.json"), "fw", relative(ROOT, join(dir, "out")));
    expect(errorsOf(diags)).toEqual([]);
    const tools = JSON.parse(cat?.files.get("catalog.json") ?? "{}").tools as Array<{
      name: string;
      binding: { body: { mediaType: string } };
    }>;
    expect(Object.fromEntries(tools.map((t) => [t.name, t.binding.body.mediaType]))).toEqual({
      form: "multipart/form-data",
      json: "multipart/form-data",
      plain: "application/json",
      only: "application/json",
    });
  });

  it("hapi-swagger, express-zod-api, feathers-swagger and LoopBack 4: every operation a tool, their warnings located, calls as they say", async () => {
    const hapi = await generated("hapi2.json");
    expect([hapi.tools.sort(), warnings(hapi.diags)]).toEqual([
      [
        "delete_orders_id",
        "get_customers_cid_orders_oid",
        "get_files_path",
        "get_orders",
        "get_orders_id",
        "post_orders",
        "post_orders_id_receipt",
        "put_orders_id_status",
      ],
      // hapi's optional `{oid?}` is written `{oid}`, not required; its wildcard `{path*}` declared by no parameter.
      [
        "TW133 #/paths/~1customers~1{cid}~1orders~1{oid}/get/parameters/1",
        "TW137 #/paths/~1files~1{path*}/get",
      ],
    ]);
    const ezapi = await generated("ezapi31.json");
    expect([ezapi.tools.sort(), warnings(ezapi.diags)]).toEqual([
      [
        "delete_v1_pets_id",
        "get_v1_pets",
        "get_v1_pets_id",
        "head_v1_pets",
        "head_v1_pets_id",
        "patch_v1_pets_id",
        "post_v1_pets",
        "post_v1_pets_id_form",
        "post_v1_pets_id_photo",
        "post_v1_pets_id_raw",
      ],
      // ez.raw()'s route: express-zod-api declares no parameter for its `{id}`.
      ["TW137 #/paths/~1v1~1pets~1{id}~1raw/post"],
    ]);
    const loopback = await generated("lb430.json");
    expect([loopback.tools.sort(), warnings(loopback.diags)]).toEqual([
      [
        "note_controller_count",
        "note_controller_create",
        "note_controller_delete_by_id",
        "note_controller_find",
        "note_controller_find_by_id",
        "note_controller_replace_by_id",
        "note_controller_update_all",
        "note_controller_update_by_id",
        "note_controller_upload",
      ],
      [],
    ]);
    // feathers-swagger names the schemas of a service without docs by its path: they are not written.
    const feathers = await generated("feathers30.json");
    const schema = (w: string) => w.replace(/^(TW133 #\/components\/schemas\/\w+)\/.*$/, "$1/...");
    expect([feathers.tools.sort(), [...new Set(warnings(feathers.diags).map(schema))]]).toEqual([
      [
        "delete_messages_by_id",
        "get_messages",
        "get_messages_by_id",
        "patch_messages_by_id",
        "post_messages",
        "put_messages_by_id",
      ],
      [
        // TypeBox's const and type "null" in a 3.0 document, read as 3.1 reads them.
        "TW133 #/components/schemas/Message/...",
        "TW133 #/components/schemas/MessageData/...",
        "TW133 #/components/schemas/MessageQuery/...",
        "TW133 ",
        "TW139 #/paths/~1users~1{userId}~1messages/get/parameters/4/schema",
        "TW139 #/paths/~1users~1{userId}~1messages~1{id}/get/responses/200/content/application~1json/schema",
      ],
    ]);
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const h = await served(hapi.cat, { FW_JWT_API_KEY: "k-h" });
    const e = await served(ezapi.cat, { FW_API_KEY: "k-e" });
    const l = await served(loopback.cat, { FW_TOKEN: "t-l" });
    const f = await served(feathers.cat, { FW_TOKEN: "t-f" });
    const calls: Array<[Client, string, Record<string, unknown>]> = [
      [h, "get_orders", { page: 2, status: ["new", "paid"], "x-request-id": "r1" }],
      [h, "get_files_path", { path: "a/b c.txt" }],
      [
        h,
        "post_orders_id_receipt",
        { id: "o1", file: { filename: "r.pdf", content: b64("PDF") }, caption: "hi" },
      ],
      [e, "get_v1_pets", { limit: 5, offset: 10, tags: ["a", "b"], "x-request-id": "r2" }],
      [e, "post_v1_pets_id_form", { id: "1", note: "a b&c" }],
      [e, "post_v1_pets_id_raw", { id: "1", body: { content: b64("RAW") } }],
      [l, "note_controller_count", { where: { title: "a" } }],
      [l, "note_controller_find_by_id", { id: 3, filter: { fields: { title: true } } }],
      [l, "note_controller_update_by_id", { id: 3, title: "t", summary: null }],
      [f, "get_messages", { limit: 5, skip: 10, filter: { text: "hi", status: "sent" } }],
    ];
    const from = upstream.received.length;
    for (const [client, name, args] of calls) {
      const result = await client.callTool({ name, arguments: args });
      expect([name, result.isError ?? false, result.content]).toEqual([name, false, expect.anything()]);
    }
    const got = upstream.received.slice(from);
    expect(got.map((r) => [r.method, r.url])).toEqual([
      ["GET", "/orders?page=2&status=new&status=paid"],
      ["GET", "/files/a%2Fb%20c.txt"],
      ["POST", "/orders/o1/receipt"],
      ["GET", "/v1/pets?limit=5&offset=10&tags=a&tags=b"],
      ["POST", "/v1/pets/1/form"],
      ["POST", "/v1/pets/1/raw"],
      ["GET", "/notes/count?where=%7B%22title%22%3A%22a%22%7D"],
      ["GET", "/notes/3?filter=%7B%22fields%22%3A%7B%22title%22%3Atrue%7D%7D"],
      ["PATCH", "/notes/3"],
      ["GET", "/messages?%24limit=5&%24skip=10&text=hi&status=sent"],
    ]);
    const [orders, , receipt, pets, form, raw, , , patched] = got;
    expect([orders?.headers.authorization, orders?.headers["x-request-id"]]).toEqual(["k-h", "r1"]);
    expect(receipt?.body.toString()).toContain(
      'Content-Disposition: form-data; name="file"; filename="r.pdf"\r\nContent-Type: application/octet-stream\r\n\r\nPDF\r\n',
    );
    expect([pets?.headers["x-api-key"], pets?.headers["x-request-id"]]).toEqual(["k-e", "r2"]);
    expect([form?.headers["content-type"], form?.body.toString()]).toEqual([
      "application/x-www-form-urlencoded",
      "note=a%20b%26c",
    ]);
    expect([raw?.headers["content-type"], raw?.body.toString()]).toEqual(["application/octet-stream", "RAW"]);
    expect([patched?.headers.authorization, JSON.parse(patched?.body.toString() ?? "null")]).toEqual([
      "Bearer t-l",
      { title: "t", summary: null },
    ]);
  });

  it("siblings: a Swagger 2.0 parameter's own problem is said, not another parameter kind's branch", async () => {
    const spec = {
      swagger: "2.0",
      info: { title: "Kinds", version: "1" },
      host: "kinds.example.com",
      paths: {
        "/body": {
          post: {
            operationId: "body",
            parameters: [
              {
                name: "b",
                in: "body",
                required: true,
                schema: {
                  type: "object",
                  properties: { v: { oneOf: [{ type: "string" }, { type: "integer" }] } },
                },
              },
            ],
            responses: { "204": { description: "done" } },
          },
        },
        "/head": {
          get: {
            operationId: "head",
            parameters: [
              { name: "x-ids", in: "header", type: "array", items: { type: "string", const: "a" } },
              { name: "f", in: "formData", type: "string", const: "x" },
            ],
            responses: { "204": { description: "done" } },
          },
        },
        "/bad": {
          get: {
            operationId: "bad",
            parameters: [
              {
                name: "q",
                in: "query",
                type: "array",
                items: { type: "string" },
                collectionFormat: "commas",
              },
            ],
            responses: { "204": { description: "done" } },
          },
        },
      },
    };
    const dir = writeTree("frameworks-kinds", { "swagger.json": JSON.stringify(spec, null, 2) });
    const { cat, diags } = await genSpec(join(dir, "swagger.json"), "fw", relative(ROOT, join(dir, "out")));
    expect(errorsOf(diags)).toEqual([]);
    const tools = JSON.parse(cat?.files.get("catalog.json") ?? "{}").tools as Array<{ name: string }>;
    expect(tools.map((t) => t.name).sort()).toEqual(["body", "head"]);
    // The parameter that is wrong is left out for what is wrong with it (it was "in: must be one of "body"").
    expect(diags.items.filter((d) => d.code === "TW139").map((d) => [d.source?.pointer, d.message])).toEqual([
      [
        "#/paths/~1bad/get/parameters/0/collectionFormat",
        expect.stringMatching(
          /^GET \/bad is left out: \/paths\/~1bad\/get\/parameters\/0\/collectionFormat: must be one of "csv"/,
        ),
      ],
    ]);
  });

  it("siblings: a part's encoding names a wildcard or a list of types; a part of any value is a file only for bytes", async () => {
    const spec = `openapi: 3.1.0
info: { title: Parts, version: "1" }
servers: [{ url: https://parts.example.com }]
paths:
  /up:
    post:
      operationId: up
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                photo: {}
                scans: { type: array, items: {} }
                meta: {}
                note: { type: string }
                raw: { type: string, format: binary }
            encoding:
              photo: { contentType: "image/png, image/jpeg" }
              scans: { contentType: "image/*" }
              meta: { contentType: application/json }
              note: { contentType: "text/plain, text/markdown" }
              raw: { contentType: "*/*" }
      responses: { "204": { description: done } }
`;
    const dir = writeTree("frameworks-parts", { "openapi.yaml": spec });
    const out = relative(ROOT, join(dir, "out"));
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "fw", out);
    expect(errorsOf(diags)).toEqual([]);
    if (!cat) throw new Error("no catalog");
    const tool = JSON.parse(cat.files.get("catalog.json") ?? "{}").tools[0];
    expect(
      tool.binding.body.fields.map((f: { name: string; file?: boolean }) => [f.name, f.file ?? false]),
    ).toEqual([
      ["photo", true],
      ["scans", true],
      ["meta", false],
      ["note", false],
      ["raw", true],
    ]);
    const client = await served(cat);
    const from = upstream.received.length;
    const file = (name: string) => ({ filename: name, content: Buffer.from(name).toString("base64") });
    const result = await client.callTool({
      name: "up",
      arguments: { photo: file("p.png"), scans: [file("s1")], meta: { a: 1 }, note: "hi", raw: file("r") },
    });
    expect(result.isError ?? false).toBe(false);
    const body = upstream.received.slice(from)[0]?.body.toString() ?? "";
    const heads = [
      ...body.matchAll(
        /Content-Disposition: form-data; name="(\w+)"[^\r]*\r\n(?:Content-Type: ([^\r]+)\r\n)?/g,
      ),
    ];
    expect(heads.map((m) => [m[1], m[2]])).toEqual([
      ["photo", "image/png"],
      ["scans", "application/octet-stream"],
      ["meta", "application/json"],
      ["note", undefined],
      ["raw", "application/octet-stream"],
    ]);
  });
});
