import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
 * A client-credentials grant asks for the scopes the catalog's operations name (6268dcf). A real authorization
 * server refuses a request naming one scope the client is not allowed (RFC 6749 5.2 `invalid_scope`), and that
 * failed every tool, not only the one whose operation needs the scope. Here an authorization server on 127.0.0.1
 * allows each client some scopes and refuses in the words of real servers (Keycloak, Ory Hydra, Auth0, one that
 * names none); the upstream answers 403 to a token without the scope a path needs. The catalog leaves out the
 * refused scopes (or, when none is named, the scope parameter: the client's default, RFC 6749 3.3), so the tools
 * the client may use work; a manifest's explicit scopes are not second-guessed, and the error names the refusal.
 */

const SECRET = "refusal-secret-5d1e";
/** Per client: the scopes it may request, its default scopes (asked for none), and how refusals read. */
const CLIENTS: Record<
  string,
  { allowed: string[]; defaults: string[]; refuse: (refused: string[]) => [number, object] }
> = {
  keycloak: {
    allowed: ["read:account", "read:moons"],
    defaults: ["read:account"],
    refuse: (r) => [400, { error: "invalid_scope", error_description: `Invalid scopes: ${r.join(" ")}` }],
  },
  hydra: {
    allowed: ["read:account", "read:moons"],
    defaults: [],
    refuse: (r) => [
      400,
      {
        error: "invalid_scope",
        error_description: `The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope '${r[0]}'.`,
      },
    ],
  },
  auth0: {
    allowed: ["read:account", "read:moons"],
    defaults: [],
    refuse: (r) => [
      403,
      { error: "access_denied", error_description: `Client has not been granted scopes: ${r.join(", ")}` },
    ],
  },
  silent: {
    allowed: ["read:account"],
    defaults: ["read:account"],
    refuse: () => [400, { error: "invalid_scope" }],
  },
  // Allowed nothing it asks for, and no default: every token request is refused.
  none: { allowed: [], defaults: [], refuse: () => [400, { error: "invalid_scope" }] },
};

const granted = new Map<string, Set<string>>();
const NEEDS: Record<string, string> = {
  "/me": "read:account",
  "/planets": "read:planets",
  "/moons": "read:moons",
};

let auth: RecordingServer;
let upstream: RecordingServer;
let catalogDir: string;

function form(req: Received): URLSearchParams {
  return new URLSearchParams(req.body.toString());
}

function spec(authUrl: string): object {
  const get = (operationId: string, scopes: string[]) => ({
    get: {
      operationId,
      security: [{ oauth: scopes }],
      responses: {
        "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
      },
    },
  });
  return {
    openapi: "3.0.3",
    info: { title: "refusal", version: "1" },
    servers: [{ url: "https://refusal.example.com" }],
    paths: {
      "/me": get("get_me", ["read:account"]),
      "/planets": get("list_planets", ["read:planets"]),
      "/moons": get("list_moons", ["read:moons"]),
    },
    components: {
      securitySchemes: {
        oauth: {
          type: "oauth2",
          flows: {
            clientCredentials: {
              tokenUrl: `${authUrl}/token`,
              scopes: { "read:account": "", "read:planets": "", "read:moons": "" },
            },
          },
        },
      },
    },
  };
}

beforeAll(async () => {
  let issued = 0;
  auth = await startRecordingServer((req, res) => {
    const f = form(req);
    const [id, secret] = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64")
      .toString()
      .split(":");
    const client = CLIENTS[id ?? ""];
    if (!client || secret !== SECRET || f.get("grant_type") !== "client_credentials")
      return sendJson(res, 401, { error: "invalid_client" });
    const asked = (f.get("scope") ?? "").split(" ").filter((s) => s !== "");
    const refused = asked.filter((s) => !client.allowed.includes(s));
    if (refused.length > 0 || (asked.length === 0 && client.defaults.length === 0)) {
      const [status, body] = client.refuse(refused);
      return sendJson(res, status, body);
    }
    const token = `tok-${++issued}`;
    granted.set(token, new Set(asked.length > 0 ? asked : client.defaults));
    return sendJson(res, 200, { access_token: token, token_type: "Bearer", expires_in: 600 });
  });
  upstream = await startRecordingServer((req, res) => {
    const scopes = granted.get(req.headers.authorization?.replace(/^Bearer /, "") ?? "");
    if (!scopes) return sendJson(res, 401, { error: "invalid_token" });
    const needs = NEEDS[req.path];
    if (needs && !scopes.has(needs)) {
      // RFC 6750 3.1: the scope the request needs, in the challenge.
      res.setHeader("www-authenticate", `Bearer error="insufficient_scope", scope="${needs}"`);
      return sendJson(res, 403, { error: "insufficient_scope" });
    }
    return sendJson(res, 200, { path: req.path });
  });
  const out = tmpDir("oauth-scope-refusal");
  const file = join(out, "refusal.json");
  writeFileSync(file, JSON.stringify(spec(auth.url)));
  const { cat, diags } = await genSpec(file, "refusal", relative(ROOT, join(out, "catalog")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  catalogDir = join(ROOT, cat.dir);
});

afterAll(async () => {
  await upstream?.close();
  await auth?.close();
});

/** Serves the catalog as `client`, calls each tool in turn, and returns the results and the token requests. */
async function run(dir: string, client: string, tools: string[]) {
  const before = auth.received.length;
  const served: Served = await serveOverStdio(dir, {
    REFUSAL_BASE_URL: upstream.url,
    REFUSAL_CLIENT_ID: client,
    REFUSAL_CLIENT_SECRET: SECRET,
    // the manifest catalog's names
    ID: client,
    SECRET,
    BASE: upstream.url,
  });
  try {
    const results: Record<string, { ok: boolean; text: string; json?: unknown }> = {};
    for (const name of tools) {
      const result = await served.client.callTool({ name, arguments: {} });
      const text = (result.content as Array<{ text?: string }>)[0]?.text ?? "";
      results[name] = result.isError ? { ok: false, text } : { ok: true, text, json: textJson(result) };
    }
    const asked = auth.received.slice(before).map((r) => form(r).get("scope"));
    return { results, asked };
  } finally {
    await served.close();
  }
}

const TOOLS = ["get_me", "list_planets", "list_moons", "get_me"];

describe("a bare catalog whose client may not have every scope its operations name", () => {
  it.each([
    ["keycloak", ["read:account read:moons read:planets", "read:account read:moons"]],
    ["hydra", ["read:account read:moons read:planets", "read:account read:moons"]],
    ["auth0", ["read:account read:moons read:planets", "read:account read:moons"]],
  ])(
    "%s names the refused scope: it is left out, the other tools work, one token serves them",
    async (client, asked) => {
      const run1 = await run(catalogDir, client, TOOLS);
      expect(run1.asked).toEqual(asked);
      expect(run1.results.get_me).toMatchObject({ ok: true, json: { path: "/me" } });
      expect(run1.results.list_moons).toMatchObject({ ok: true, json: { path: "/moons" } });
      // The tool whose scope was refused is refused by its upstream, saying which scope.
      expect(run1.results.list_planets?.ok).toBe(false);
      expect(run1.results.list_planets?.text).toContain("the token lacks scope read:planets");
    },
  );

  it("one that names none: the scope parameter is left out, and the client's default scopes serve", async () => {
    const { results, asked } = await run(catalogDir, "silent", TOOLS);
    expect(asked).toEqual(["read:account read:moons read:planets", null]);
    expect(results.get_me).toMatchObject({ ok: true, json: { path: "/me" } });
    expect(results.list_moons?.text).toContain("the token lacks scope read:moons");
  });

  it("refused again without them: every call says what was asked, what was refused, and how to fix it", async () => {
    const { results, asked } = await run(catalogDir, "none", ["get_me", "list_moons"]);
    // Asked with the operations' scopes, then without a scope; the next call, within the failure hold
    // (FAILURE_HOLD_MS), gets the same answer without asking again.
    const said =
      "OAuth2 scheme 'oauth': the token endpoint answered HTTP 400: invalid_scope (asked for scopes read:account read:moons read:planets: it did not say which; then asked for no scope: it did not say which); set auth.oauth.scopes in a manifest";
    expect(results.get_me?.text).toContain(said);
    if (asked.length === 2) {
      expect(asked).toEqual(["read:account read:moons read:planets", null]);
      expect(results.list_moons?.text).toContain(said);
      expect(results.list_moons?.text).toMatch(/\(a moment ago; not asked again for [1-5] s\)/);
    } else {
      // A machine so busy the second call came after the hold: asked again, remembering the refusal.
      expect(asked).toEqual(["read:account read:moons read:planets", null, null]);
      expect(results.list_moons?.text).toContain(
        "OAuth2 scheme 'oauth': the token endpoint answered HTTP 400: invalid_scope (earlier it refused a request for read:account read:moons read:planets; then asked for no scope: it did not say which); set auth.oauth.scopes in a manifest",
      );
    }
    for (const result of Object.values(results)) {
      expect(result.ok).toBe(false);
      expect(result.text).not.toContain(SECRET);
    }
  });
});

describe("a manifest's explicit scopes", () => {
  it("are not second-guessed: a refusal names the refused scope and the setting, with no second request", async () => {
    const dir = writeTree("oauth-scope-refusal-manifest", {
      "refusal.json": JSON.stringify(spec(auth.url)),
      "toolwright.yaml": [
        "catalog: refusal",
        "env:",
        "  ID: { description: Client id. }",
        "  SECRET: { secret: true, description: Client secret. }",
        "  BASE: { type: url, description: Base URL. }",
        "sources:",
        "  api:",
        "    openapi: ./refusal.json",
        "    base_url: { env: BASE }",
        "    auth:",
        "      oauth: { client_id: { env: ID }, client_secret: { env: SECRET }, scopes: [read:account, read:planets] }",
        "tools:",
        "  get_me: { from: get_me }",
      ].join("\n"),
    });
    const { cat, diags } = await genManifest(join(dir, "toolwright.yaml"), relative(ROOT, join(dir, "out")));
    expect(errorsOf(diags)).toEqual([]);
    if (!cat) throw new Error("no catalog");
    writeCatalog(ROOT, cat);
    const { results, asked } = await run(join(ROOT, cat.dir), "keycloak", ["get_me"]);
    expect(asked).toEqual(["read:account read:planets"]);
    expect(results.get_me?.ok).toBe(false);
    expect(results.get_me?.text).toContain(
      "OAuth2 scheme 'oauth': the token endpoint answered HTTP 400: invalid_scope (asked for scopes read:account read:planets: it refuses read:planets); change the manifest's auth.oauth.scopes",
    );
  });
});

describe("where the operations' scopes are recorded", () => {
  it("not for a scheme whose token the user brings: no grant of toolwright's asks for them", async () => {
    const doc = spec("https://auth.example.com") as any;
    doc.components.securitySchemes.oauth.flows = {
      authorizationCode: {
        authorizationUrl: "https://auth.example.com/authorize",
        tokenUrl: "https://auth.example.com/token",
        scopes: { "read:account": "", "read:planets": "", "read:moons": "" },
      },
    };
    const out = tmpDir("oauth-scope-user-token");
    const file = join(out, "user.json");
    writeFileSync(file, JSON.stringify(doc));
    const { cat, diags } = await genSpec(file, "user", relative(ROOT, join(out, "catalog")));
    expect(errorsOf(diags)).toEqual([]);
    const scheme = JSON.parse(cat?.files.get("catalog.json") ?? "{}").sources[0].auth[0];
    expect(scheme).toMatchObject({ kind: "oauth2", flows: ["authorizationCode"], scopes: [] });
    expect(scheme.operationScopes).toBeUndefined();
    // With a client-credentials flow too, bare: the renewal with the client's credentials asks for them.
    doc.components.securitySchemes.oauth.flows.clientCredentials = {
      tokenUrl: "https://auth.example.com/token",
      scopes: {},
    };
    writeFileSync(file, JSON.stringify(doc));
    const both = await genSpec(file, "user", relative(ROOT, join(out, "catalog")));
    const renewed = JSON.parse(both.cat?.files.get("catalog.json") ?? "{}").sources[0].auth;
    expect(renewed.map((s: any) => [s.kind, s.operationScopes])).toEqual([["oauth2", expect.any(Array)]]);
  });
});
