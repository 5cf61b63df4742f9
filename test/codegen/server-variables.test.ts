import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * An absolute document server whose URL names a variable it does not declare (`https://{tenant}.x.com`) was
 * written as the base URL's default, so every call went to a host named `{tenant}.x.com`. It is now no default: a
 * warning at the spec's servers says so, and the next absolute server is the default, or the base URL is required.
 */
const spec = (servers: string) => `openapi: 3.0.3
info: { title: Sv, version: "1" }
servers: ${servers}
paths:
  /a:
    get:
      operationId: getA
      responses: { "200": { description: ok } }
`;

async function generate(servers: string, text = spec(servers)) {
  const dir = writeTree("server-variables", { "openapi.yaml": text });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "sv" },
    { root: ROOT, out: "test/.tmp/server-variables-out" },
    diags,
  );
  const doc = JSON.parse(cat?.files.get("catalog.json") as string) as {
    env: { name: string; default?: string; required: boolean; description: string }[];
    tools: { binding: { path: string } }[];
    sources: { servers?: unknown }[];
  };
  const warnings = diags.items.filter((d) => d.code === "TW133").map(formatDiagnostic);
  return {
    base: doc.env.find((e) => e.name === "SV_BASE_URL"),
    warnings,
    path: doc.tools[0]?.binding.path,
    servers: doc.sources[0]?.servers,
  };
}

/** `servers` generate with no base URL default (it must be set), said by one warning at the servers: `message`. */
async function expectNoDefault(servers: string, message: string) {
  const { base, warnings } = await generate(servers);
  expect(base).toMatchObject({ required: true });
  expect(base?.default).toBeUndefined();
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain("openapi.yaml:3:");
  expect(warnings[0]).toContain(message);
}

/** `servers` generate with the next absolute server, https://api.x.com, as the base URL's default, as warned. */
async function expectNextIsDefault(servers: string) {
  const next = await generate(servers);
  expect(next.base).toMatchObject({ default: "https://api.x.com", required: false });
  expect(next.warnings[0]).toContain("the next absolute server is the base URL's default");
}

describe("an absolute document server with an undeclared variable", () => {
  it("is no default base URL: required, with a warning at the servers", async () => {
    await expectNoDefault(
      '[{ url: "https://{tenant}.x.com/v1" }]',
      'the document\'s server "https://{tenant}.x.com/v1" has the variable {tenant} with no default under its variables, so no URL can be made from it: the base URL has no default and must be set',
    );
  });

  it("the next absolute server is the default; declared variables fill as before", async () => {
    await expectNextIsDefault('[{ url: "https://{tenant}.x.com" }, { url: "https://api.x.com" }]');
    const declared = await generate(
      '[{ url: "https://{tenant}.x.com", variables: { tenant: { default: acme } } }]',
    );
    expect(declared.base).toMatchObject({ default: "https://acme.x.com" });
    expect(declared.warnings).toEqual([]);
  });
});

/**
 * An absolute document server that is no URL: a placeholder written where a server variable belongs (Mojaloop's
 * `{protocol}://hostname:<port>/switch/`, @mojaloop/api-snippets' docs/dist/openapi.yaml and four more of its
 * specs). It became the base URL's default, which generate then refused: the whole spec, blamed on the variable's
 * default (TW110, located nowhere in the spec). It is now no default either, said at the servers.
 */
describe("an absolute document server that is no URL", () => {
  it("is no default base URL: the spec generates, the base URL required, a warning at the servers", async () => {
    await expectNoDefault(
      '[{ url: "{protocol}://hostname:<port>/switch/", variables: { protocol: { enum: [http, https], default: https } } }]',
      'the document\'s server "https://hostname:<port>/switch/" is not a URL a request can be sent to (expected an http(s) URL, got "https://hostname:<port>/switch/"): the base URL has no default and must be set',
    );
  });

  it("nor is one of another scheme than http(s) (braces left out of a variable), said at the servers", async () => {
    await expectNoDefault(
      '[{ url: "protocol://hostname:<port>/switch/" }]',
      'the document\'s server "protocol://hostname:<port>/switch/" is not an http(s) URL (its scheme is "protocol:"): the base URL has no default and must be set',
    );
  });

  // tsoa prefixes a scheme to each server of its config, which users write with one: the host was "http".
  it("nor is one that names two schemes (tsoa's), said at the servers", async () => {
    await expectNoDefault(
      '[{ url: "https://http://localhost:3000/" }]',
      'the document\'s server "https://http://localhost:3000/" names two schemes (its host would be "http"): the base URL has no default and must be set',
    );
    await expectNextIsDefault('[{ url: "http://https://api.x.com/v1" }, { url: "https://api.x.com" }]');
  });

  it("the next absolute server is the default", async () => {
    await expectNextIsDefault('[{ url: "https://api.x.com:<port>" }, { url: "https://api.x.com" }]');
  });
});

/** A Swagger 2.0 spec with AutoRest's `x-ms-parameterized-host` (Azure's data-plane specs). */
const swagger = (host: string, parameter: string) => `swagger: "2.0"
info: { title: Sv, version: "1" }
basePath: /v2
schemes: [https]
x-ms-parameterized-host: ${host}
parameters:
  Host: ${parameter}
paths:
  /a:
    get:
      operationId: getA
      responses: { "200": { description: ok } }
`;

describe("a server whose scheme and host are a variable (AutoRest's endpoint)", () => {
  // `{Endpoint}/text/analytics/v3.0` was a relative server not starting with `/` (the default "none" filled in):
  // the base URL was required and the path left out of every request (GET /a instead of /text/analytics/v3.0/a).
  it("3.0 `{Endpoint}/path`: the base URL names the scheme and host, the path is added to every operation", async () => {
    const none = await generate(
      '[{ url: "{Endpoint}/text/analytics/{ApiVersion}", variables: { Endpoint: { default: none }, ApiVersion: { default: v3.1 } } }]',
    );
    expect(none.base).toMatchObject({ required: true });
    expect(none.base?.default).toBeUndefined();
    expect(none.base?.description).toContain(
      "scheme and host; the spec's server path /text/analytics/v3.1 is added",
    );
    expect(none.path).toBe("/text/analytics/v3.1/a");
    expect(none.warnings).toEqual([]);
    // A default that is a URL is the base URL's default, as before.
    const url = await generate(
      '[{ url: "{Endpoint}/vision", variables: { Endpoint: { default: "https://westus.example.com" } } }]',
    );
    expect(url.base).toMatchObject({ default: "https://westus.example.com/vision", required: false });
    expect(url.path).toBe("/a");
  });

  // swagger2openapi gave every parameterized-host parameter without a default the default "none": the default base
  // URL was https://none.blob.core.windows.net/v2, a host of somebody's storage account, sent every call and key.
  it("Swagger 2.0 x-ms-parameterized-host: no invented default host; a declared default still fills", async () => {
    const host =
      "{ hostTemplate: '{accountName}.blob.core.windows.net', parameters: [{ $ref: '#/parameters/Host' }] }";
    const invented = await generate(
      "",
      swagger(host, "{ name: accountName, in: path, required: true, type: string }"),
    );
    expect(invented.base?.default).toBeUndefined();
    expect(invented.base).toMatchObject({ required: true });
    expect(invented.warnings.join("\n")).toContain("has the variable {accountName} with no default");
    expect(invented.path).toBe("/v2/a");
    const declared = await generate(
      "",
      swagger(host, "{ name: accountName, in: path, required: true, type: string, default: acct }"),
    );
    expect(declared.base).toMatchObject({
      default: "https://acct.blob.core.windows.net/v2",
      required: false,
    });
    const endpoint = await generate(
      "",
      swagger(
        "{ hostTemplate: '{Endpoint}/text', useSchemePrefix: false, parameters: [{ $ref: '#/parameters/Host' }] }",
        "{ name: Endpoint, in: path, required: true, type: string, x-ms-skip-url-encoding: true }",
      ),
    );
    expect(endpoint.base).toMatchObject({ required: true });
    expect(endpoint.path).toBe("/text/v2/a");
    // With the scheme prefix (the default): `https://{Endpoint}/v2`, its path kept, said to have no default.
    const prefixed = await generate(
      "",
      swagger(
        "{ hostTemplate: '{Endpoint}', parameters: [{ $ref: '#/parameters/Host' }] }",
        "{ name: Endpoint, in: path, required: true, type: string }",
      ),
    );
    expect(prefixed.base).toMatchObject({ required: true });
    expect(prefixed.base?.description).toContain("{Endpoint}: no default");
    expect(prefixed.path).toBe("/v2/a");
    expect(prefixed.warnings).toEqual([]);
  });

  // swagger2openapi writes the parameterized host once per `schemes` entry and threw without one ("Cannot read
  // properties of undefined (reading 'forEach')"): the spec was refused, unlocated. No schemes is read as https,
  // as a `host` without schemes is.
  it("Swagger 2.0 x-ms-parameterized-host without schemes: read over https, not refused", async () => {
    const host =
      "{ hostTemplate: '{accountName}.blob.core.windows.net', parameters: [{ $ref: '#/parameters/Host' }] }";
    const text = swagger(
      host,
      "{ name: accountName, in: path, required: true, type: string, default: acct }",
    );
    const bare = await generate("", text.replace("schemes: [https]\n", ""));
    expect(bare.base).toMatchObject({ default: "https://acct.blob.core.windows.net/v2", required: false });
    expect(bare.path).toBe("/a");
    expect(bare.warnings).toEqual([]);
  });
});

/**
 * The base URL variable of a spec whose servers were all set aside says so, and why, in its description (CATALOG.md,
 * `--help`, the missing-variable error): it said "the spec names none", of a spec that named one.
 */
describe("the base URL's description when the spec's server was set aside", () => {
  it.each([
    ['[{ url: "https://{tenant}.x.com/v1" }]', "{tenant} has no default"],
    ['[{ url: "https://hostname:<port>/switch/" }]', "no URL a request can be sent to"],
    ['[{ url: "protocol://hostname:<port>/switch/" }]', "its scheme is not http(s)"],
  ])("%s: set aside, %s", async (servers, why) => {
    const { base } = await generate(servers);
    expect(base?.required).toBe(true);
    expect(base?.description).toBe(
      `Base URL of the Sv API (the spec's server was set aside, ${why} (TW133), so it is required).`,
    );
  });

  it("still says none when the spec names none", async () => {
    const { base } = await generate("[]");
    expect(base?.description).toBe("Base URL of the Sv API (the spec names none, so it is required).");
  });

  it("never shows the set-aside server's userinfo", async () => {
    const { base } = await generate('[{ url: "https://deploy:s3cr3t-pw@{tenant}.x.com/v1" }]');
    expect(base?.description).not.toContain("s3cr3t");
    expect(base?.description).toContain("set aside");
  });
});

/**
 * The tenant lock reads the configured base URL against the spec's server templates (catalog.json's
 * `sources[].servers`). Only the first absolute server with declared variables was kept: a base URL of another
 * server's form (`{tenant}.us...` beside `{tenant}.eu...`), or of a server whose variable is undeclared, named no
 * tenant to the lock, and calls went to another tenant's host.
 */
describe("catalog.json keeps every server template the base URL may be configured to", () => {
  it("each absolute server with a variable, declared or not, once, in spec order, without userinfo", async () => {
    const { servers } = await generate(`
  - { url: "https://{tenant}.eu.api.x.com/v1", variables: { tenant: { default: demo, enum: [demo, acme] } } }
  - { url: "https://{tenant}.us.api.x.com/v1", variables: { tenant: { default: demo } } }
  - { url: "https://{tenant}.eu.api.x.com/v1", variables: { tenant: { default: demo } } }
  - { url: "https://{user}:{pw}@{tenant}.{region}.x.com", variables: { region: { default: ap } } }
  - { url: "//{account}.blob.x.com" }
  - { url: "https://api.x.com" }
  - { url: "/{relative}/v1" }`);
    expect(servers).toEqual([
      {
        template: "https://{tenant}.eu.api.x.com/v1",
        variables: [{ name: "tenant", enum: ["demo", "acme"] }],
      },
      { template: "https://{tenant}.us.api.x.com/v1", variables: [{ name: "tenant" }] },
      { template: "https://{tenant}.{region}.x.com", variables: [{ name: "tenant" }, { name: "region" }] },
      { template: "https://{account}.blob.x.com", variables: [{ name: "account" }] },
      { template: "https://api.x.com", variables: [] },
    ]);
  });

  it("a plain server beside a template is kept with no variables, unless it is a template written out", async () => {
    const { servers } = await generate(`
  - { url: "https://u:p@api.x.com/v1/" }
  - { url: "https://ACME.eu.api.x.com/v1" }
  - { url: "https://demo.us.api.x.com/v1" }
  - { url: "https://globex.us.api.x.com/v1" }
  - { url: "https://{tenant}.eu.api.x.com/v1", variables: { tenant: { default: demo, enum: [demo, acme] } } }
  - { url: "https://{tenant}.us.api.x.com/v1", variables: { tenant: { default: demo } } }`);
    expect(servers).toEqual([
      {
        template: "https://{tenant}.eu.api.x.com/v1",
        variables: [{ name: "tenant", enum: ["demo", "acme"] }],
      },
      { template: "https://{tenant}.us.api.x.com/v1", variables: [{ name: "tenant" }] },
      { template: "https://api.x.com/v1", variables: [] },
      { template: "https://globex.us.api.x.com/v1", variables: [] },
    ]);
    expect((await generate('[{ url: "https://api.x.com" }]')).servers).toBeUndefined();
  });

  it("the warning is located at the server's url, the second one's on its line", async () => {
    const { warnings } = await generate(`
  - { url: "https://api.x.com" }
  - url: "https://{tenant}.x.com/v1"`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("openapi.yaml:5:");
    expect(warnings[0]).toContain("#/servers/1/url");
  });

  it("a server whose variable is undeclared is kept as a template though it is no default", async () => {
    const { base, servers, warnings } = await generate('[{ url: "https://{tenant}.x.com/v1" }]');
    expect(base?.default).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(servers).toEqual([{ template: "https://{tenant}.x.com/v1", variables: [{ name: "tenant" }] }]);
  });
});

/**
 * A server variable's value the spec gives (its default, a member of its enum) is filled into the server's URL: one
 * that moves the URL out of the variable's part was taken as written, so `evil.test/` for `{tenant}` in
 * `https://{tenant}.x.com/v1` made the default base URL `https://evil.test/.x.com/v1` (host evil.test: every call
 * and its credentials went there, the tenant lock reading no tenant from a host not of the template's form), and
 * `443@evil.test` as a port made it `https://evil.test/v1`. A default its own enum does not list was taken too.
 * Each is now a located error at the value.
 */
describe("a server variable's value that cannot be filled into its server", () => {
  async function errorsOf(servers: string, paths = "", severity = "error") {
    const dir = writeTree("server-values", {
      "openapi.yaml": spec(servers).replace("paths:\n", `paths:\n${paths}`),
    });
    const diags = new Diagnostics();
    await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "sv" },
      { root: ROOT, out: "test/.tmp/server-values-out" },
      diags,
    );
    return diags.items.filter((d) => d.severity === severity).map(formatDiagnostic);
  }

  /** A row: `{tenant}` in the host of https://{tenant}.x.com/v1 given `value`, whose character `c` cannot stand there. */
  const inTenantHost = (value: string, c: string) => ["{tenant}.x.com/v1", "tenant", value, `"${c}"`, "host"];

  it.each([
    inTenantHost("evil.test/", "/"),
    inTenantHost("evil.test?", "?"),
    inTenantHost("evil.test#", "#"),
    inTenantHost("evil.test\\", "\\"),
    inTenantHost("evil.test@x", "@"),
    inTenantHost("evil.test%2F", "%"),
    inTenantHost("evil.test:80", ":"),
    ["api.x.com:{port}/v1", "port", "443@evil.test", "what is no port number", "port"],
    ["{host}/v1", "host", "evil.test/x", '"/"', "host"],
    ["api.x.com/{ver}", "ver", "v1?x=", '"?"', "path"],
    ["api.x.com/t/{tenant}/v1", "tenant", "../admin", 'a "." or ".." segment', "path"],
    ["api.x.com/t/{tenant}/v1", "tenant", "%2e%2e", 'a "." or ".." segment', "path"],
    ["{tenant}.x.com", "tenant", "a b", "a space or control character", "host"],
  ])("https://%s with {%s} = %j: an error at the default", async (url, name, value, why, part) => {
    const errors = await errorsOf(
      `[{ url: "https://${url}", variables: { ${name}: { default: ${JSON.stringify(value)} } } }]`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`(#/servers/0/variables/${name}/default) error TW133`);
    expect(errors[0]).toContain(
      // What precedes an `@` is withheld as userinfo would be (`shownValue`): a diagnostic never quotes a password.
      `the server "https://${url}" gives {${name}} the value ${JSON.stringify(value.replace(/^[^@]*@/, "[redacted]@"))}, whose ${why} cannot stand in its ${part}`,
    );
  });

  it("a value holding a password is quoted without it: the message names the value's problem, never the credential", async () => {
    // A diagnostic goes to a terminal and to CI logs: userinfo and a credential query in a server variable's value
    // (or its enum, beside a default the enum does not list) are withheld as every other shown value is.
    const errors = await errorsOf(`
  - { url: "https://{tenant}.x.com/v1", variables: { tenant: { default: "admin:pw-canary-1@evil.test" } } }
  - { url: "https://{region}.y.com", variables: { region: { default: "ap", enum: ["eu", "u:pw-canary-2@evil.test"] } } }`);
    expect(errors).toHaveLength(3);
    const text = errors.join("\n");
    expect(text).not.toContain("pw-canary");
    expect(text).toContain(
      'gives {tenant} the value "[redacted]@evil.test", whose ":" cannot stand in its host',
    );
    expect(text).toContain("which its enum (eu, [redacted]@evil.test) does not list");
  });

  it("a value that stays in its part is fine: labels, a whole host with its port, path segments", async () => {
    expect(
      await errorsOf(`
  - { url: "https://{tenant}.x.com/v1", variables: { tenant: { default: eu.demo, enum: [eu.demo, Bücher] } } }
  - { url: "https://{host}/{base}", variables: { host: { default: "localhost:8080" }, base: { default: api/v2 } } }
  - { url: "https://api.x.com:{port}", variables: { port: { default: "8443" } } }
  - { url: "https://{user}@{tenant}.y.com", variables: { user: { default: "a@b" }, tenant: { default: t } } }`),
    ).toEqual([]);
  });

  it("an enum member that moves the URL, and a default its own enum does not list, each at the value", async () => {
    const errors = await errorsOf(
      '[{ url: "https://{region}.x.com", variables: { region: { default: ap, enum: [eu, "us/evil"] } } }]',
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("(#/servers/0/variables/region/enum/1) error TW133");
    expect(errors[1]).toContain("openapi.yaml:3:");
    expect(errors[1]).toContain(
      '(#/servers/0/variables/region/default) error TW133: the server "https://{region}.x.com" gives {region} the default "ap", which its enum (eu, us/evil) does not list',
    );
  });

  it("an operation's own server and a path's: the operation is left out, located", async () => {
    const warnings = await errorsOf(
      "[{ url: https://api.x.com }]",
      `  /b:
    servers: [{ url: "https://{t}.up.x.com", variables: { t: { default: "e.test/" } } }]
    get:
      operationId: getB
      servers: [{ url: "https://{t}.own.x.com", variables: { t: { default: "e.test#" } } }]
      responses: { "200": { description: ok } }
  /c:
    servers: [{ url: "https://{t}.up.x.com", variables: { t: { default: d, enum: [e] } } }]
    get:
      operationId: getC
      responses: { "200": { description: ok } }
`,
      "warning",
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(
      '(#/paths/~1b/get/servers/0/variables/t/default) warning TW139: GET /b is left out: the server "https://{t}.own.x.com" gives {t} the value "e.test#"',
    );
    expect(warnings[1]).toContain(
      '(#/paths/~1c/servers/0/variables/t/default) warning TW139: GET /c is left out: the server "https://{t}.up.x.com" gives {t} the default "d", which its enum (e) does not list',
    );
  });
});
