import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, HttpParam } from "../../src/catalog.js";
import { serializePathParam } from "../../src/executors/serialize.js";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";

/**
 * A path parameter bound to an env variable (`args: { path: { env: X } }`) may span segments (`multi_segment: true`),
 * as one the model fills may: a vault's secret path, a proxy's `{path}` fixed by the operator. It was refused,
 * "is not a path parameter; multi_segment applies to path parameters", of a real path parameter: the check looked
 * only at the arguments, and the env-bound parameter dropped the flag.
 */
const SPEC = `openapi: 3.0.3
info: { title: Vault, version: "1" }
servers: [{ url: https://vault.example.com }]
paths:
  /secrets/{path}:
    get:
      operationId: readSecret
      parameters:
        - { name: path, in: path, required: true, schema: { type: string } }
        - { name: version, in: query, schema: { type: integer } }
      responses: { "200": { description: ok } }
`;

const manifest = (args: string) => `catalog: vault
env:
  VAULT_URL: { type: url, default: https://vault.example.com, description: The vault. }
  VAULT_PATH: { description: The secret path. }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: VAULT_URL }
tools:
  read_secret:
    from: readSecret
    args: { ${args} }
`;

async function generate(args: string) {
  const dir = writeTree("multi-segment-env", { "openapi.yaml": SPEC, "tools.yaml": manifest(args) });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/multi-segment-env-out");
  const doc = cat ? (JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument) : undefined;
  const binding = doc?.tools[0]?.binding as { params: HttpParam[] } | undefined;
  return { errors: errorsOf(diags), param: binding?.params.find((p) => p.name === "path"), doc };
}

describe("multi_segment on a path parameter bound to an env variable", () => {
  it("is accepted, and the value from the env is sent as its segments", async () => {
    const { errors, param, doc } = await generate("path: { env: VAULT_PATH, multi_segment: true }");
    // Before: TW115 'args: "path" is not a path parameter; multi_segment applies to path parameters'.
    expect(errors).toEqual([]);
    expect(param).toMatchObject({ in: "path", env: "VAULT_PATH", multiSegment: true });
    expect(Object.keys(doc?.tools[0]?.inputSchema.properties ?? {})).toEqual(["version"]);
    expect(serializePathParam(param as HttpParam, "integrations/sales force/oauth")).toBe(
      "integrations/sales%20force/oauth",
    );
    // Each segment is checked as an argument's is: no dot segment, no empty one, from the env either.
    expect(() => serializePathParam(param as HttpParam, "a/../b")).toThrow(/'\.' or '\.\.' segments/);
  });

  it("without it, the env value is one encoded segment, as before", async () => {
    const { errors, param } = await generate("path: { env: VAULT_PATH }");
    expect(errors).toEqual([]);
    expect(param?.multiSegment).toBeUndefined();
    expect(serializePathParam(param as HttpParam, "a/b")).toBe("a%2Fb");
  });

  it("is still refused on a parameter bound to an env variable that is not in the path", async () => {
    const { errors } = await generate("version: { env: VAULT_PATH, multi_segment: true }");
    expect(errors).toEqual([
      'TW115 args: "version" is not a path parameter; multi_segment applies to path parameters',
    ]);
  });
});
