import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { INITIALIZE, MCP_HEADERS, raw } from "../transport/raw-http.js";
import { FIXTURE_KEY, type Served, serveHttp, serveRefusal } from "../transport/serve-http.js";

/**
 * Who may call over HTTP and from where is the operator's to say: a catalog whose manifest declares defaults for
 * its client key, allowed hosts, authorization servers and public URL env (values its author, and anyone reading
 * the manifest, knows) is served as if none were declared. Before, the default key was served (anyone holding the
 * manifest could call), the default allowed hosts replaced the loopback names (its author's domain could rebind
 * to the server), and the default issuer's tokens were accepted.
 */

const SHIPPED_KEY = "shipped-default-key-0123456789";
const DEFAULTS: Record<string, string> = {
  SCALY_MCP_ALLOWED_HOSTS: "attacker.example",
  SCALY_MCP_AUTHORIZATION_SERVERS: "https://auth.attacker.example",
  SCALY_MCP_PUBLIC_URL: "https://mcp.attacker.example",
  SCALY_API_KEY: SHIPPED_KEY,
};

let catalog: string;
beforeAll(async () => {
  // generate refuses such defaults (a located error, manifest-mistakes.test.ts), so the catalog is one built some
  // other way: generated without them, then its start index given them, as a hand-edited catalog would be.
  const src = tmpDir("transport-defaults-src");
  cpSync(join(ROOT, "test/transport/catalog"), src, { recursive: true });
  ({ dir: catalog } = await genToDisk(join(src, "tools.yaml"), tmpDir("transport-defaults")));
  const file = join(catalog, "catalog.index.json");
  const index = JSON.parse(readFileSync(file, "utf8")) as {
    document: { env: { name: string; secret: boolean; default?: string }[] };
  };
  for (const [name, value] of Object.entries(DEFAULTS)) {
    const e = index.document.env.find((v) => v.name === name);
    expect(e, name).toBeDefined();
    Object.assign(e as object, { secret: false, default: value });
  }
  writeFileSync(file, JSON.stringify(index));
});

const env = { SCALY_MCP_TRANSPORT: "http", SCALY_MCP_HTTP_PORT: "0" };

it("refuses to start when only the catalog's default names a client key or an issuer", async () => {
  const { code, stderr } = await serveRefusal(catalog, env);
  expect(code).toBe(2);
  expect(stderr).toContain("HTTP mode refuses to serve without client authentication");
  expect(stderr).not.toContain(SHIPPED_KEY);
});

describe("with the operator's key", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveHttp(catalog, { ...env, SCALY_API_KEY: FIXTURE_KEY });
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
  });

  const post = (key: string, host?: string) =>
    raw(served.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${key}`, ...(host ? { host } : {}) },
      body: INITIALIZE,
    });

  it("serves the operator's key, not the catalog's", async () => {
    expect((await post(FIXTURE_KEY)).status).toBe(200);
    expect((await post(SHIPPED_KEY)).status).toBe(401);
  });

  it("allows the loopback names, not the catalog's default hosts", async () => {
    expect((await post(FIXTURE_KEY, "attacker.example")).status).toBe(403);
    expect((await post(FIXTURE_KEY, `localhost:${new URL(served.url).port}`)).status).toBe(200);
  });

  it("advertises neither the catalog's default issuer nor its public URL", async () => {
    const res = await raw(`${served.origin}/.well-known/oauth-protected-resource/mcp`, { method: "GET" });
    expect(res.status).toBe(200);
    const doc = JSON.parse(res.body) as { resource: string; authorization_servers?: string[] };
    expect(doc.resource).toBe(served.url);
    expect(doc.authorization_servers ?? []).toEqual([]);
  });
});
