import { describe, expect, it } from "vitest";
import { catalogNameFromTitle } from "../../codegen/synthesize.js";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Names written with accented Latin letters (and, last test, in other scripts) (German, French, Italian, Nordic specs) keep their letters in the
 * names a model sees: `größeHolen` is the tool `grosse_holen`, `città` the argument `citta`; the letters were cut
 * out (`gr_e_holen`, `citt`, `st_ck`). What is sent keeps the spec's own names.
 */
const SPEC = `openapi: 3.0.3
info: { title: Größen-Katalog, version: "1" }
servers: [{ url: https://katalog.example.com }]
paths:
  /sizes/{stück}:
    get:
      operationId: größeHolen
      parameters:
        - { name: stück, in: path, required: true, schema: { type: string } }
        - { name: città, in: query, schema: { type: string } }
        - { name: Ｎａｍｅ, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /orders:
    post:
      operationId: créerCommandeÆrø
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [Straße]
              properties:
                Straße: { type: string }
                Øre: { type: integer }
      responses: { "200": { description: ok } }
  /users:
    get:
      operationId: ユーザー一覧
      parameters:
        - { name: 名前, in: query, schema: { type: string } }
        - { name: 年齢, in: query, schema: { type: integer } }
        - { name: имя, in: query, schema: { type: string } }
        - { name: 이름, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
`;

const spec = servedSpec(
  `${writeTree("latin-names", { "katalog.yaml": SPEC })}/katalog.yaml`,
  "katalog",
  "latin-names-out",
  (url) => ({ KATALOG_BASE_URL: url }),
);

describe("accented Latin names", () => {
  it("a catalog name from a title keeps its letters", () => {
    expect(catalogNameFromTitle("Größen-Katalog")).toBe("grossen-katalog");
    expect(catalogNameFromTitle("Café Øresund API")).toBe("cafe-oresund");
  });

  it("tool and argument names spell the letters in ASCII; the spec's names are sent", async () => {
    const { tools } = await spec.client().listTools();
    expect(tools.map((t) => [t.name, Object.keys(t.inputSchema.properties ?? {})])).toEqual([
      ["grosse_holen", ["stuck", "citta", "Name"]],
      ["creer_commande_aero", ["Strasse", "Ore"]],
      ["get_users", ["MingQian", "NianLing", "imya", "ileum"]],
    ]);
    expect(tools[1]?.inputSchema.required).toEqual(["Strasse"]);
    const get = await spec.call("grosse_holen", { stuck: "xl", citta: "Roma", Name: "n" });
    expect(get.result.isError).toBeFalsy();
    expect(get.sent.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /sizes/xl?citt%C3%A0=Roma&%EF%BC%AE%EF%BD%81%EF%BD%8D%EF%BD%85=n`,
    ]);
    const post = await spec.call("creer_commande_aero", { Strasse: "Hauptstraße 1", Ore: 5 });
    expect(post.result.isError).toBeFalsy();
    expect(JSON.parse(post.sent[0]?.body.toString() ?? "")).toEqual({ Straße: "Hauptstraße 1", Øre: 5 });
  });

  it("names in other scripts are spelled in ASCII too, not `arg` and `arg_2`; the spec's names are sent", async () => {
    const users = await spec.call("get_users", {
      MingQian: "Ann",
      NianLing: 30,
      imya: "Анна",
      ileum: "안나",
    });
    expect(users.result.isError, JSON.stringify(users.result)).toBeFalsy();
    const sent = new URL(users.sent[0]?.url ?? "", "http://x");
    expect([...sent.searchParams]).toEqual([
      ["名前", "Ann"],
      ["年齢", "30"],
      ["имя", "Анна"],
      ["이름", "안나"],
    ]);
  });
});
