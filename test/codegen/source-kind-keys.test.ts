import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";

// A source's setting that only the other kind of source reads (a GraphQL source's param_env or ref_folders, an
// OpenAPI source's mutations or scalars) was accepted and read by nothing: the author believed an argument was sent
// from the environment, or mutations kept out, and neither was. Each is a located TW110, and nothing is written.

const SPEC = JSON.stringify({
  openapi: "3.0.3",
  info: { title: "t", version: "1" },
  servers: [{ url: "https://api.example.com" }],
  paths: { "/a": { get: { operationId: "getA", responses: { 200: { description: "ok" } } } } },
});

describe("a setting of the other kind of source", () => {
  it.each([
    ["param_env: { tenant: T }", "param_env applies to OpenAPI sources only"],
    ["ref_folders: [./refs]", "ref_folders applies to OpenAPI sources only"],
  ])("a GraphQL source's %s is refused where it is written", async (line, message) => {
    const dir = writeTree("kind-keys-graphql", {
      "schema.graphql": "type Query { a(tenant: String): Int }",
      "tools.yaml": `catalog: g\nenv: { T: { description: A tenant. } }\nsources:\n  g:\n    graphql: ./schema.graphql\n    base_url: { default: "http://127.0.0.1:9/graphql" }\n    ${line}\nselect: [{ all: true }]\n`,
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([
      `TW110 ${message}; source "g" is a GraphQL source, so it would do nothing`,
    ]);
    const error = diags.items.find((d) => d.severity === "error");
    expect(error?.source?.line).toBe(7);
  });

  it.each([
    ["mutations: listed", "mutations applies to GraphQL sources only"],
    ["scalars: { Money: { type: string } }", "scalars applies to GraphQL sources only"],
  ])("an OpenAPI source's %s is refused where it is written", async (line, message) => {
    const dir = writeTree("kind-keys-openapi", {
      "openapi.json": SPEC,
      "tools.yaml": `catalog: o\nsources:\n  o:\n    openapi: ./openapi.json\n    ${line}\nselect: [{ all: true }]\n`,
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([
      `TW110 ${message}; source "o" is an OpenAPI source, so it would do nothing`,
    ]);
    expect(diags.items.find((d) => d.severity === "error")?.source?.line).toBe(5);
  });

  it("each kind's own settings still pass", async () => {
    const dir = writeTree("kind-keys-own", {
      "schema.graphql": "type Query { a: Int }\ntype Mutation { b: Int }",
      "openapi.json": SPEC,
      "tools.yaml": `catalog: k\nsources:\n  g:\n    graphql: ./schema.graphql\n    base_url: { default: "http://127.0.0.1:9/graphql" }\n    mutations: listed\n    scalars: { Money: { type: string } }\n  o:\n    openapi: ./openapi.json\n    patch: [{ op: replace, path: /info/title, value: u }]\nselect: [{ source: g, all: true }, { source: o, all: true }]\n`,
    });
    expect(errorsOf((await genManifest(join(dir, "tools.yaml"))).diags)).toEqual([]);
  });
});
