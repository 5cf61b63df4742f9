import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Diagnostic, formatDiagnostic } from "../../codegen/diagnostics.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { genManifest, genSpec } from "../helpers/generate.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * A security scheme the structure check refused is one nothing can send, located at the scheme: Swagger 2.0's
 * (`authorizationUrl: 5`, `flow: 7`, `scopes: "x"`, no type) made swagger2openapi throw, which refused the whole
 * spec with an unlocated TW133 ("scheme.authorizationUrl.split is not a function"); OpenAPI 3's (`tokenUrl: 5`,
 * `type: bogus`, `in: nowhere`) was charged to no operation and read as best it could be, without a word, so an
 * operation needing it could be generated with a credential the spec's scheme does not describe. The operations
 * that need it are sent with another alternative they list, or left out (as for a scheme the spec does not define);
 * the rest of the spec generates.
 */

interface Generated {
  items: Diagnostic[];
  tools: { name: string; binding: { security?: unknown } }[];
}

async function generated(name: string, text: string): Promise<Generated> {
  const file = join(tmpDir(`scheme-problems-${name}`), "spec.yaml");
  writeFileSync(file, text);
  const { cat, diags } = await genSpec(file, "sch", `test/.tmp/scheme-problems/${name}`);
  const shown = diags.items.map(formatDiagnostic).join("\n");
  expect(
    diags.items.filter((d) => d.severity === "error"),
    shown,
  ).toEqual([]);
  const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
  return { items: diags.items, tools: (doc.tools ?? []) as Generated["tools"] };
}

/**
 * What every case shares: a warning located inside scheme S (lines 6-10 of either spec), GET /a (S alone) left out
 * for it, GET /c (S or K) kept with K alone, GET /b (no security) kept. Returns the warning.
 */
function expectSchemeRefused({ items, tools }: Generated): Diagnostic | undefined {
  const scheme = items.find(
    (d) => d.code === "TW133" && d.message.includes('security scheme "S" is malformed'),
  );
  expect(scheme?.source).toMatchObject({ file: expect.stringMatching(/spec\.yaml$/) });
  expect(scheme?.source?.line).toBeGreaterThanOrEqual(6);
  expect(scheme?.source?.line).toBeLessThanOrEqual(10);
  const left = items.filter((d) => d.code === "TW139").map((d) => d.message);
  expect(left).toEqual([expect.stringMatching(/^GET \/a is left out: .*"S" \(malformed in the spec: /)]);
  expect(tools.map((t) => t.name).sort()).toEqual(["get_b", "get_c"]);
  expect(tools.find((t) => t.name === "get_c")?.binding.security).toEqual([["K"]]);
  // What is true of S: no credentials could be configured for it, and GET /c goes without it (not "calls will fail").
  expect(items.filter((d) => d.code === "TW142").map((d) => d.message)).toEqual([
    expect.stringMatching(
      /security scheme "S" is malformed in the spec: 1 operation that names it is sent with another alternative it lists, 1 left out \(TW139\)$/,
    ),
  ]);
  return scheme;
}

const SWAGGER_PATHS = `paths:
  /a:
    get:
      operationId: getA
      security: [{ S: [] }]
      responses: { "200": { description: ok } }
  /c:
    get:
      operationId: getC
      security: [{ S: [] }, { K: [] }]
      responses: { "200": { description: ok } }
  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
`;

function swagger(scheme: string): string {
  return `swagger: "2.0"
info: { title: Sch, version: "1" }
host: sch.example.com
securityDefinitions:
  K: { type: apiKey, in: header, name: X-Key }
  S:
${scheme}
${SWAGGER_PATHS}`;
}

afterEach(() => vi.restoreAllMocks());

describe("Swagger 2.0 security schemes the structure check refused", () => {
  const cases: [string, string][] = [
    ["authorizationUrl", "    type: oauth2\n    flow: implicit\n    authorizationUrl: 5\n    scopes: {}"],
    ["tokenUrl", "    type: oauth2\n    flow: password\n    tokenUrl: 5\n    scopes: {}"],
    ["flow", "    type: oauth2\n    flow: 7\n    tokenUrl: https://t.example.com\n    scopes: {}"],
    [
      "scopes",
      "    type: oauth2\n    flow: implicit\n    authorizationUrl: https://a.example.com\n    scopes: x",
    ],
    ["no type", "    in: header\n    name: X-S"],
  ];
  it.each(cases)(
    "%s: the scheme is left out at its line; its operations go without it or are left out",
    async (name, scheme) => {
      const warn = vi.spyOn(console, "warn");
      const refused = expectSchemeRefused(await generated(`s2-${name.replace(" ", "-")}`, swagger(scheme)));
      expect(refused?.message).toMatch(/^security scheme "S" is malformed \(\/securityDefinitions\/S[/:]/);
      expect(warn.mock.calls.filter((c) => c[0] instanceof Error)).toEqual([]);
    },
  );
});

function openapi(scheme: string): string {
  return `openapi: 3.0.3
info: { title: Sch, version: "1" }
servers: [{ url: https://sch.example.com }]
components:
  securitySchemes:
    K: { type: apiKey, in: header, name: X-Key }
    S:
${scheme}
${SWAGGER_PATHS}`;
}

describe("OpenAPI 3 security schemes the structure check refused", () => {
  const cases: [string, string][] = [
    ["tokenUrl", "      type: oauth2\n      flows: { clientCredentials: { tokenUrl: 5, scopes: {} } }"],
    ["type", "      type: bogus"],
    ["in", "      type: apiKey\n      in: nowhere\n      name: X-S"],
    ["bearer with a bad format", "      type: http\n      scheme: bearer\n      bearerFormat: 5"],
    // No request can carry the key (rapidapi.com/dynamicdocs: the whole spec was refused, located at its file alone).
    ["header name not a token", "      type: apiKey\n      in: header\n      name: ADVICEment API Key"],
    ["cookie name not a token", "      type: apiKey\n      in: cookie\n      name: 'a;b'"],
  ];
  it.each(cases)(
    "%s: a located warning at the scheme; no operation is generated as if it could be sent",
    async (name, scheme) => {
      const refused = expectSchemeRefused(
        await generated(`oa3-${name.replaceAll(" ", "-")}`, openapi(scheme)),
      );
      expect(refused?.message).toMatch(
        /^security scheme "S" is malformed \(\/components\/securitySchemes\/S[/:]/,
      );
    },
  );

  it("a scheme that refers to a refused one is refused with it", async () => {
    const { items, tools } = await generated(
      "oa3-ref",
      openapi("      type: bogus").replace(
        "    S:\n",
        "    S: { $ref: '#/components/securitySchemes/T' }\n    T:\n",
      ),
    );
    expect(items.some((d) => d.message.includes('security scheme "T" is malformed'))).toBe(true);
    expect(tools.map((t) => t.name).sort()).toEqual(["get_b", "get_c"]);
  });

  it("a manifest that gives credentials for a refused scheme is refused, located, and writes nothing", async () => {
    const dir = tmpDir("scheme-problems-manifest");
    writeFileSync(
      join(dir, "spec.yaml"),
      openapi("      type: oauth2\n      flows: { clientCredentials: { tokenUrl: 5, scopes: {} } }"),
    );
    writeFileSync(
      join(dir, "toolwright.yaml"),
      `catalog: sch
env: { SCH_TOKEN: { secret: true, description: Token. } }
sources:
  sch:
    openapi: ./spec.yaml
    auth: { S: { token: { env: SCH_TOKEN } } }
tools:
  get_a: { from: "GET /a" }
`,
    );
    const { cat, diags } = await genManifest(
      join(dir, "toolwright.yaml"),
      "test/.tmp/scheme-problems/manifest",
    );
    expect(cat).toBeUndefined();
    const error = diags.items.find(
      (d) => d.severity === "error" && /auth\.S: the spec's scheme is malformed/.test(d.message),
    );
    expect(error, diags.items.map(formatDiagnostic).join("\n")).toBeDefined();
  });
});

/**
 * A scheme of a type toolwright cannot send (OpenAPI 3.1's mutualTLS) is no scheme "without credentials configured"
 * whose calls "will fail": nothing can configure it, and the operations naming it go with another alternative or are
 * left out (TW139 says why). The warning says that, at the first kept operation's `security`, and is not given when
 * every operation naming it was left out.
 */
describe("a scheme of a type toolwright cannot send", () => {
  const mtls = (paths: string) => `openapi: 3.1.0
info: { title: Sch, version: "1" }
servers: [{ url: https://sch.example.com }]
components:
  securitySchemes:
    K: { type: apiKey, in: header, name: X-Key }
    S: { type: mutualTLS }
${paths}`;

  it("operations sent with another alternative: a warning that says so, located", async () => {
    const { items, tools } = await generated("mtls-some", mtls(SWAGGER_PATHS));
    expect(tools.map((t) => t.name).sort()).toEqual(["get_b", "get_c"]);
    const warned = items.filter((d) => d.code === "TW142");
    expect(warned.map((d) => d.message)).toEqual([
      expect.stringMatching(
        /security scheme "S" has type mutualTLS, which toolwright cannot send: 1 operation that names it is sent with another alternative it lists, 1 left out \(TW139\)$/,
      ),
    ]);
    expect(warned[0]?.source?.line).toBe(17);
    expect(items.filter((d) => d.code === "TW139").map((d) => d.message)).toEqual([
      expect.stringMatching(/^GET \/a is left out: .*"S" \(type mutualTLS, which toolwright cannot send\)/),
    ]);
  });

  it("every operation naming it left out: only their TW139s", async () => {
    const { items, tools } = await generated(
      "mtls-none",
      mtls(SWAGGER_PATHS.replace("security: [{ S: [] }, { K: [] }]", "security: [{ K: [] }]")),
    );
    expect(tools.map((t) => t.name).sort()).toEqual(["get_b", "get_c"]);
    expect(items.filter((d) => d.code === "TW142")).toEqual([]);
    expect(items.filter((d) => d.code === "TW139")).toHaveLength(1);
  });
});

/**
 * A scheme given as a `$ref` to something that is no security scheme, where no structure check looks (another part of
 * the document, another file): a string (`#/info/title`), a schema (`type: object`), an object with no type. Its
 * operations were left out for a scheme of "type undefined" (or "type object"), "which toolwright cannot send",
 * located at the operation alone. Now it is malformed, located where the value is, saying what the $ref names.
 */
describe("a security scheme whose $ref names no security scheme", () => {
  const refTo = (target: string, extra = "") =>
    openapi("      type: bogus")
      .replace("    S:\n      type: bogus\n", `    S: { $ref: "${target}" }\n`)
      .replace(
        "components:\n",
        `components:\n  schemas:\n    Obj: { type: object }\n    Bare: { description: no type }\n${extra}`,
      );
  it.each([
    [
      "a string in the document",
      "#/info/title",
      /names a string, not a security scheme object/,
      /spec\.yaml$/,
      2,
    ],
    [
      "a schema",
      "#/components/schemas/Obj",
      /names an object of type "object", which is no security scheme's \(apiKey, http, mutualTLS, oauth2, openIdConnect\)/,
      /spec\.yaml$/,
      6,
    ],
    [
      "an object with no type",
      "#/components/schemas/Bare",
      /names an object with no type, not a security scheme object/,
      /spec\.yaml$/,
      7,
    ],
    [
      "a number in another file",
      "other.yaml#/count",
      /names a number, not a security scheme object/,
      /other\.yaml$/,
      1,
    ],
  ])("%s: a located TW133 that says what the $ref names", async (name, target, said, file, line) => {
    const dir = tmpDir(`scheme-problems-ref-${name.replaceAll(" ", "-")}`);
    writeFileSync(join(dir, "other.yaml"), "count: 5\n");
    writeFileSync(join(dir, "spec.yaml"), refTo(target));
    const { cat, diags } = await genSpec(
      join(dir, "spec.yaml"),
      "sch",
      `test/.tmp/scheme-problems/ref-${line}`,
    );
    const shown = diags.items.map(formatDiagnostic).join("\n");
    expect(
      diags.items.filter((d) => d.severity === "error"),
      shown,
    ).toEqual([]);
    const scheme = diags.items.find(
      (d) => d.code === "TW133" && d.message.startsWith('security scheme "S" is malformed'),
    );
    expect(scheme?.message, shown).toMatch(said);
    expect(scheme?.message).toContain(`its $ref "${target}" names`);
    expect(scheme?.source?.file).toMatch(file);
    expect(scheme?.source?.line).toBe(line);
    expect(shown).not.toContain("type undefined");
    const tools = (JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument).tools;
    expect(tools.map((t) => t.name).sort()).toEqual(["get_b", "get_c"]);
    expect(diags.items.filter((d) => d.code === "TW139").map((d) => d.message)).toEqual([
      expect.stringMatching(/^GET \/a is left out: .*"S" \(malformed in the spec: its \$ref /),
    ]);
  });
});
