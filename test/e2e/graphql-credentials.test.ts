import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildSchema, graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genManifest } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A GraphQL source's credentials go through the gate an OpenAPI operation's do (codegen/bind/skips.ts, the runtime's
 * upstream-auth.ts): schemes required together that share one bearer token, or API keys of the very same slot, are
 * asked for and sent once; an
 * alternative two of whose schemes need one slot (basic and bearer both as Authorization) is never sent, said with
 * a located TW142 (a warning when another alternative remains, an error when none does); two OAuth2 schemes of
 * different authorization servers are not one token (each is meant for its own server). Served over stdio in
 * front of a real GraphQL server (graphql-js behind node:http on 127.0.0.1) that records what it received.
 */
const SDL = "type Query { whoami: String! }\n";
const ID_TOKEN = "id-token-4b2e91";
const ACCESS_TOKEN = "access-token-4b2e91";
const KEY = "api-key-4b2e91";

function manifest(sources: string): string {
  return `catalog: gqlcreds
server: { name: gqlcreds }
env:
  SHOP_URL: { type: url, description: The GraphQL server. }
  ID_TOKEN: { secret: true, description: A token. }
  ACCESS_TOKEN: { secret: true, description: A token. }
  OPS_USER: { description: A user name. }
  OPS_PASSWORD: { secret: true, description: A password. }
  OPS_KEY: { secret: true, description: A key. }
  CLIENT_ID: { description: A client id. }
  CLIENT_SECRET: { secret: true, description: A client secret. }
sources:
${sources}`;
}

const SERVED = `  shop:
    graphql: ./schema.graphql
    base_url: { env: SHOP_URL }
    auth:
      id_token: { type: bearer, token: { env: ID_TOKEN } }
      access: { type: bearer, token: { env: ACCESS_TOKEN } }
  ops:
    graphql: ./schema.graphql
    base_url: { env: SHOP_URL }
    path: /ops
    auth:
      user: { type: basic, username: { env: OPS_USER }, password: { env: OPS_PASSWORD } }
      token: { type: bearer, token: { env: ACCESS_TOKEN } }
      key: { type: apiKey, in: header, name: X-Api-Key, value: { env: OPS_KEY } }
    security: [[user, token], [key]]
  keys:
    graphql: ./schema.graphql
    base_url: { env: SHOP_URL }
    path: /keys
    auth:
      k1: { type: apiKey, in: header, name: X-Api-Key, value: { env: OPS_KEY } }
      k2: { type: apiKey, in: header, name: x-api-key, value: { env: ID_TOKEN } }
tools:
  shop_whoami: { from: "shop#Query.whoami" }
  ops_whoami: { from: "ops#Query.whoami" }
  keys_whoami: { from: "keys#Query.whoami" }
`;

async function generate(name: string, sources: string) {
  const dir = tmpDir(name);
  writeFileSync(join(dir, "schema.graphql"), SDL);
  writeFileSync(join(dir, "tools.yaml"), manifest(sources));
  return genManifest(join(dir, "tools.yaml"), relative(ROOT, join(tmpDir(`${name}-out`), "gqlcreds")));
}

describe("GraphQL sources through the shared-token and one-slot gate", () => {
  let upstream: RecordingServer;
  let served: Served;
  let infos: string[];
  let warnings: string[];

  beforeAll(async () => {
    const schema = buildSchema(SDL);
    upstream = await startRecordingServer(async (req, res) => {
      const body = JSON.parse(req.body.toString()) as { query: string };
      const result = await graphql({ schema, source: body.query, rootValue: { whoami: () => req.path } });
      sendJson(res, 200, result);
    });
    const { cat, diags } = await generate("graphql-credentials", SERVED);
    expect(errorsOf(diags)).toEqual([]);
    infos = diags.items.filter((d) => d.code === "TW142" && d.severity === "info").map((d) => d.message);
    warnings = diags.items
      .filter((d) => d.code === "TW142" && d.severity === "warning")
      .map((d) => `${d.message} @ ${d.source?.pointer}`);
    writeCatalog(ROOT, cat!);
    served = await serveOverStdio(join(ROOT, cat!.dir), {
      SHOP_URL: upstream.url,
      ID_TOKEN,
      ACCESS_TOKEN,
      OPS_USER: "ops",
      OPS_PASSWORD: "ops-password-4b2e91",
      OPS_KEY: KEY,
    });
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });

  it("two bearer schemes required together send one token, once, said with a TW142 info", async () => {
    expect(infos[0]).toBe(
      'source "shop": security schemes "id_token" and "access", required together, share one token: each sends it as "Authorization: Bearer", from one authorization server, so the catalog asks for and sends "id_token"\'s token once',
    );
    const result = await served.client.callTool({ name: "shop_whoami", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    expect(result.content).toEqual([{ type: "text", text: "/" }]);
    const got = upstream.received.at(-1)!;
    expect(got.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === "authorization")).toHaveLength(
      1,
    );
    expect(got.headers.authorization).toBe(`Bearer ${ID_TOKEN}`);
  });

  it("two API keys of one header (names case-insensitive) send the first scheme's key, once, said with a TW142 info", async () => {
    expect(infos.slice(1)).toEqual([
      'source "keys": security schemes "k1" and "k2", required together, share one key: each sends an API key as the header x-api-key, which one request carries once, so the catalog asks for and sends "k1"\'s key once',
    ]);
    const result = await served.client.callTool({ name: "keys_whoami", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1)!;
    expect(got.path).toBe("/keys");
    expect(got.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === "x-api-key")).toHaveLength(1);
    expect(got.headers["x-api-key"]).toBe(KEY);
  });

  it("an alternative needing the Authorization header twice is never sent, said with a located warning", async () => {
    expect(warnings).toEqual([
      'source "ops": security alternative never sent: user + token (user and token both need the Authorization header, which one request carries once) @ #/sources/ops/security',
    ]);
    const result = await served.client.callTool({ name: "ops_whoami", arguments: {} });
    expect(result.isError ?? false).toBe(false);
    const got = upstream.received.at(-1)!;
    expect(got.path).toBe("/ops");
    expect(got.headers["x-api-key"]).toBe(KEY);
    expect(got.headers.authorization).toBeUndefined();
  });
});

describe("a GraphQL source none of whose alternatives one request can carry", () => {
  it("is an error located at its security (basic and bearer, both as Authorization)", async () => {
    const { cat, diags } = await generate(
      "graphql-credentials-clash",
      `  ops:
    graphql: ./schema.graphql
    base_url: { env: SHOP_URL }
    auth:
      user: { type: basic, username: { env: OPS_USER }, password: { env: OPS_PASSWORD } }
      token: { type: bearer, token: { env: ACCESS_TOKEN } }
    security: [[user, token]]
tools:
  ops_whoami: { from: "ops#Query.whoami" }
`,
    );
    expect(cat).toBeUndefined();
    const error = diags.items.find((d) => d.code === "TW142" && d.severity === "error");
    expect(error?.message).toBe(
      'source "ops": every security alternative needs one slot twice: user + token (user and token both need the Authorization header, which one request carries once)',
    );
    expect(error?.source?.pointer).toBe("#/sources/ops/security");
  });

  it("two OAuth2 schemes of different authorization servers are not one token: an error, by default too", async () => {
    const { cat, diags } = await generate(
      "graphql-credentials-servers",
      `  ops:
    graphql: ./schema.graphql
    base_url: { env: SHOP_URL }
    auth:
      a: { type: oauth2ClientCredentials, token_url: "https://a.example/token", client_id: { env: CLIENT_ID }, client_secret: { env: CLIENT_SECRET } }
      b: { type: oauth2ClientCredentials, token_url: "https://b.example/token", client_id: { env: CLIENT_ID }, client_secret: { env: CLIENT_SECRET } }
tools:
  ops_whoami: { from: "ops#Query.whoami" }
`,
    );
    expect(cat).toBeUndefined();
    expect(errorsOf(diags)).toEqual([
      'TW142 source "ops": every security alternative needs one slot twice: a + b (a and b both need the Authorization header, which one request carries once)',
    ]);
    expect(diags.items.find((d) => d.code === "TW142")?.source?.pointer).toBe("#/sources/ops/auth");
  });
});
