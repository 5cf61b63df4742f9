import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultToolName } from "../../codegen/plan/names.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { genManifest, genSpec, writeTree } from "../helpers/generate.js";

/**
 * Tool names every model provider takes as function names: OpenAI and Anthropic take letters, digits, `_` and `-`;
 * Gemini on Vertex AI wants a letter or `_` first. A default name never starts with a digit; an explicit one that
 * a provider refuses is a located warning (MCP itself allows it, so it stays).
 */

const SPEC = `openapi: 3.1.0
info: { title: Cards, version: "1" }
servers: [{ url: https://cards.example.com }]
paths:
  /3ds/check: { get: { operationId: 3dSecureCheck, responses: { "200": { description: ok } } } }
  /2fa: { post: { operationId: "2fa", responses: { "200": { description: ok } } } }
  /cards: { get: { operationId: listCards, responses: { "200": { description: ok } } } }
`;

describe("tool names model providers take", () => {
  it("a default name from an operationId that starts with a digit gets its method first", async () => {
    expect(defaultToolName("3dSecureCheck", "GET", "/3ds/check")).toBe("get_3d_secure_check");
    expect(defaultToolName("listCards", "GET", "/cards")).toBe("list_cards");
    const dir = writeTree("provider-names", { "cards.yaml": SPEC });
    const { cat, diags } = await genSpec(join(dir, "cards.yaml"), "cards", "test/.tmp/provider-names-out");
    expect(diags.items.filter((d) => d.severity !== "info").map((d) => d.code)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["get_3d_secure_check", "post_2fa", "list_cards"]);
  });

  it("an explicit name or alias a provider refuses is a located warning, and is kept", async () => {
    const dir = writeTree("provider-names-manifest", {
      "cards.yaml": SPEC,
      "tools.yaml": `catalog: cards
sources:
  api: { openapi: ./cards.yaml }
tools:
  cards.list:
    from: listCards
  "3ds_check":
    from: 3dSecureCheck
    aliases: [check-3ds]
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    const warned = diags.items.filter((d) => d.code === "TW127");
    expect(warned.map((d) => [d.severity, d.source?.line, d.message.split(" is a valid")[0]])).toEqual([
      ["warning", 5, '"cards.list"'],
      ["warning", 7, '"3ds_check"'],
    ]);
    expect(warned[0]?.message).toContain("OpenAI and Anthropic take no '.'");
    expect(warned[1]?.message).toContain("Gemini on Vertex AI needs a letter or '_' first");
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["cards.list", "3ds_check"]);
  });
});
