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

async function generate(servers: string) {
  const dir = writeTree("server-variables", { "openapi.yaml": spec(servers) });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "sv" },
    { root: ROOT, out: "test/.tmp/server-variables-out" },
    diags,
  );
  const doc = JSON.parse(cat?.files.get("catalog.json") as string) as {
    env: { name: string; default?: string; required: boolean }[];
  };
  const warnings = diags.items.filter((d) => d.code === "TW133").map(formatDiagnostic);
  return { base: doc.env.find((e) => e.name === "SV_BASE_URL"), warnings };
}

describe("an absolute document server with an undeclared variable", () => {
  it("is no default base URL: required, with a warning at the servers", async () => {
    const { base, warnings } = await generate('[{ url: "https://{tenant}.x.com/v1" }]');
    expect(base).toMatchObject({ required: true });
    expect(base?.default).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("openapi.yaml:3:");
    expect(warnings[0]).toContain(
      'the document\'s server "https://{tenant}.x.com/v1" has the variable {tenant} with no default under its variables, so no URL can be made from it: the base URL has no default and must be set',
    );
  });

  it("the next absolute server is the default; declared variables fill as before", async () => {
    const next = await generate('[{ url: "https://{tenant}.x.com" }, { url: "https://api.x.com" }]');
    expect(next.base).toMatchObject({ default: "https://api.x.com", required: false });
    expect(next.warnings[0]).toContain("the next absolute server is the base URL's default");
    const declared = await generate(
      '[{ url: "https://{tenant}.x.com", variables: { tenant: { default: acme } } }]',
    );
    expect(declared.base).toMatchObject({ default: "https://acme.x.com" });
    expect(declared.warnings).toEqual([]);
  });
});
