import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { initManifest } from "../../codegen/cli/init.js";
import { Diagnostics } from "../../codegen/index.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genManifest, genSpec, writeTree } from "../helpers/generate.js";

/**
 * `toolwright init`: the manifest it writes for a spec generates the very catalog `generate --openapi` makes of
 * that spec (only the input hash, which covers the manifest's text, differs); it lists every operation by tag
 * with name and safety class, the credentials' env variables, and the schema line editors read; deleting an
 * operation's line removes that tool.
 */

const SPEC = `openapi: 3.0.3
info: { title: Pay Desk API, version: "2.1" }
servers: [{ url: https://pay.example.com/v2 }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    key: { type: apiKey, in: header, name: X-Api-Key }
security: [{ bearer: [] }, { key: [] }]
tags: [{ name: payouts }, { name: customers }]
paths:
  /customers:
    get: { operationId: listCustomers, tags: [customers], summary: List customers, responses: { "200": { description: ok } } }
  /customers/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    delete: { operationId: deleteCustomer, tags: [customers], responses: { "204": { description: gone } } }
  /payouts:
    post: { operationId: createPayout, tags: [payouts], summary: Send money to a bank account, responses: { "200": { description: ok } } }
  /health:
    get: { operationId: health, responses: { "200": { description: ok } } }
`;

function withoutHash(doc: CatalogDocument): Omit<CatalogDocument, "inputHash"> {
  const { inputHash: _hash, ...rest } = doc;
  return rest;
}

const catalogOf = (files: Map<string, string> | undefined) =>
  JSON.parse(files?.get("catalog.json") ?? "null") as CatalogDocument;

describe("toolwright init", () => {
  it("writes a manifest that generates the bare catalog exactly; a deleted line removes its tool", async () => {
    const dir = writeTree("init", { "api/pay.yaml": SPEC });
    const diags = new Diagnostics();
    const init = await initManifest(dir, "api/pay.yaml", {}, diags);
    expect(errorsOf(diags)).toEqual([]);
    expect(init?.out).toBe(join(dir, "specs/pay-desk/tools.yaml"));
    const text = init!.text;
    mkdirSync(dirname(init!.out), { recursive: true });
    writeFileSync(init!.out, text);

    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./tools.schema.json");
    expect(text).toMatch(
      /# ── tag: customers \(2\) ──\n\s+- \{ operation: GET \/customers \} # list_customers · read · List customers/,
    );
    expect(text).toMatch(/- \{ operation: POST \/payouts \} # create_payout · destructive \(moves money/);
    expect(text).toMatch(/# ── untagged \(1\) ──\n\s+- \{ operation: GET \/health \}/);
    const manifest = parse(text);
    expect(Object.keys(manifest.env).sort()).toEqual([
      "PAY_DESK_API_KEY",
      "PAY_DESK_BASE_URL",
      "PAY_DESK_TOKEN",
    ]);
    expect(manifest.sources.api.openapi).toBe("../../api/pay.yaml");

    const bare = await genSpec(join(dir, "api/pay.yaml"), "pay-desk", "test/.tmp/init-bare");
    const curated = await genManifest(init!.out);
    expect(errorsOf(curated.diags)).toEqual([]);
    const a = catalogOf(bare.cat?.files);
    const b = catalogOf(curated.cat?.files);
    expect(b.tools.map((t) => t.name)).toEqual(a.tools.map((t) => t.name));
    expect(withoutHash(b)).toEqual(withoutHash(a));

    writeFileSync(init!.out, text.replace(/^.*DELETE \/customers\/\{id\}.*\n/m, ""));
    const fewer = catalogOf((await genManifest(init!.out)).cat?.files);
    expect(fewer.tools.map((t) => t.name)).toEqual(
      a.tools.map((t) => t.name).filter((n) => n !== "delete_customer"),
    );
  });

  it("a spec with errors gives located diagnostics and no manifest", async () => {
    const dir = writeTree("init-bad", { "bad.yaml": "openapi: 3.0.3\ninfo: { title: X }\npaths: 7\n" });
    const diags = new Diagnostics();
    expect(await initManifest(dir, "bad.yaml", {}, diags)).toBeUndefined();
    expect(diags.items.some((d) => d.severity === "error" && d.source?.file?.endsWith("bad.yaml"))).toBe(
      true,
    );
  });
});
