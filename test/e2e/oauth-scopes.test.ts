import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../codegen/audit/report.js";
import { compareCatalogs } from "../../codegen/diff/compare.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genManifest, genSpec, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import {
  type Received,
  type RecordingServer,
  sendJson,
  startRecordingServer,
} from "../helpers/recording-server.js";

/**
 * OAuth2 client credentials in a bare catalog, in front of an authorization server on 127.0.0.1 that grants only
 * the scopes a token request names and an upstream that answers 403 insufficient_scope to a token without the
 * scope its path needs (Galaxy's `GET /me` needs `read:account`). The catalog requests the scopes its tools'
 * operations name; a manifest's own `scopes` keep winning.
 */

const CLIENT = { id: "scoped-client", secret: "scoped-secret-77c1" };
/** Issued tokens and the scopes each was granted. */
const granted = new Map<string, Set<string>>();
/** The scope each upstream path needs. */
const NEEDS: Record<string, string> = { "/me": "read:account", "/planets": "read:planets" };

let auth: RecordingServer;
let upstream: RecordingServer;
let served: Served;
let catalogJson: any;

function form(req: Received): URLSearchParams {
  return new URLSearchParams(req.body.toString());
}

function spec(authUrl: string): object {
  const get = (operationId: string, security: object[]) => ({
    get: {
      operationId,
      security,
      responses: {
        "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
      },
    },
  });
  return {
    openapi: "3.1.0",
    info: { title: "scoped", version: "1" },
    servers: [{ url: "https://scoped.example.com" }],
    paths: {
      "/me": get("get_me", [{ oauth: ["read:account"] }]),
      // Either alternative: the scope named in the OAuth2 one is what a client-credentials token needs.
      "/planets": get("list_planets", [{ apiKey: [] }, { oauth: ["read:planets"] }]),
      "/open": get("get_open", [{ oauth: [] }]),
    },
    components: {
      securitySchemes: {
        oauth: {
          type: "oauth2",
          flows: {
            clientCredentials: {
              tokenUrl: `${authUrl}/token`,
              // `admin` is declared but no operation needs it: it is never requested.
              scopes: { "read:account": "", "read:planets": "", admin: "" },
            },
          },
        },
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
      },
    },
  };
}

beforeAll(async () => {
  let issued = 0;
  auth = await startRecordingServer((req, res) => {
    if (req.path !== "/token" || req.method !== "POST") return;
    const f = form(req);
    const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
    if (f.get("grant_type") !== "client_credentials" || basic !== `${CLIENT.id}:${CLIENT.secret}`)
      return sendJson(res, 400, { error: "invalid_client" });
    // Grants exactly what was asked: no scope asked, no scope granted.
    const scopes = new Set((f.get("scope") ?? "").split(" ").filter((s) => s !== ""));
    const token = `scoped-${++issued}`;
    granted.set(token, scopes);
    return sendJson(res, 200, { access_token: token, token_type: "Bearer", expires_in: 600 });
  });
  upstream = await startRecordingServer((req, res) => {
    const scopes = granted.get(req.headers.authorization?.replace(/^Bearer /, "") ?? "");
    if (!scopes) return sendJson(res, 401, { error: "invalid_token" });
    const needs = NEEDS[req.path];
    if (needs && !scopes.has(needs)) return sendJson(res, 403, { error: "insufficient_scope", scope: needs });
    return sendJson(res, 200, { path: req.path });
  });
  const out = tmpDir("oauth-scopes");
  const file = join(out, "scoped.json");
  writeFileSync(file, JSON.stringify(spec(auth.url)));
  const { cat, diags } = await genSpec(file, "scoped", relative(ROOT, join(out, "catalog")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  catalogJson = JSON.parse(cat.files.get("catalog.json") ?? "{}");
  served = await serveOverStdio(join(ROOT, cat.dir), {
    SCOPED_BASE_URL: upstream.url,
    SCOPED_CLIENT_ID: CLIENT.id,
    SCOPED_CLIENT_SECRET: CLIENT.secret,
  });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
  await auth?.close();
});

describe("OAuth2 scopes in a bare catalog", () => {
  it("catalog.json records the scopes the tools' operations name, not every scope the scheme declares", () => {
    const scheme = catalogJson.sources[0].auth.find((a: { scheme: string }) => a.scheme === "oauth");
    expect(scheme.scopes).toEqual([]);
    expect(scheme.operationScopes).toEqual(["read:account", "read:planets"]);
    // The audit says what the grant will ask for (the declared-only `admin` is not in it).
    const credentials = buildReport(catalogJson).sources[0]?.credentials ?? [];
    expect(credentials.filter((c) => c.includes("scopes"))).toEqual([
      expect.stringContaining("scopes read:account read:planets (named by the tools' operations)"),
    ]);
  });

  it("requests them with client credentials, so every tool's call is allowed, with one token request", async () => {
    const calls: [string, string][] = [
      ["get_me", "/me"],
      ["list_planets", "/planets"],
      ["get_open", "/open"],
    ];
    for (const [name, path] of calls) {
      const result = await served.client.callTool({ name, arguments: {} });
      expect(result.isError ?? false, `${name}: ${JSON.stringify(result.content)}`).toBe(false);
      expect(textJson(result)).toEqual({ path });
    }
    const requests = auth.received.filter((r) => r.path === "/token").map(form);
    expect(requests.map((f) => [f.get("grant_type"), f.get("scope")])).toEqual([
      ["client_credentials", "read:account read:planets"],
    ]);
    expect(upstream.received.map((r) => r.path)).toEqual(["/me", "/planets", "/open"]);
  });
});

describe("OAuth2 scopes with a manifest", () => {
  async function catalogOf(scopes: string): Promise<any> {
    const dir = writeTree("oauth-scopes-manifest", {
      "scoped.json": JSON.stringify(spec("https://auth.example.com")),
      "toolwright.yaml": [
        "catalog: scoped",
        "env:",
        "  ID: { description: Client id. }",
        "  SECRET: { secret: true, description: Client secret. }",
        "sources:",
        "  api:",
        "    openapi: ./scoped.json",
        "    auth:",
        `      oauth: { client_id: { env: ID }, client_secret: { env: SECRET }${scopes} }`,
        "tools:",
        "  me: { from: get_me }",
      ].join("\n"),
    });
    const { cat, diags } = await genManifest(join(dir, "toolwright.yaml"), relative(ROOT, join(dir, "out")));
    expect(errorsOf(diags)).toEqual([]);
    return JSON.parse(cat?.files.get("catalog.json") ?? "{}");
  }

  it("its explicit scopes win; without them, only the catalog's tools' operations count", async () => {
    const explicitDoc = await catalogOf(", scopes: [custom]");
    const explicit = explicitDoc.sources[0].auth[0];
    expect(explicit).toMatchObject({ kind: "oauth2ClientCredentials", scopes: ["custom"] });
    expect(explicit.operationScopes).toBeUndefined();
    // One tool (GET /me): list_planets' scope is not asked for, since no tool of the catalog calls it.
    const derivedDoc = await catalogOf("");
    expect(derivedDoc.sources[0].auth[0]).toMatchObject({ scopes: [], operationScopes: ["read:account"] });
    // diff names what the grant asks for now.
    expect(compareCatalogs(explicitDoc, derivedDoc).map((c) => `${c.kind}: ${c.detail}`)).toEqual([
      "source credentials changed: api: oauth scopes: custom -> read:account",
    ]);
  });
});
