import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../../upstreams/scaivault/index.js";
import { connect, type Session } from "./harness.js";

// Issue 13 item 11, the seed's "browseable resources at MCP URIs like scaivault://secrets/{tenant}/{path} and
// scaivault://policies/{id}": what a host's @-mention picker does against `toolwright serve scaivault` (stdio,
// the v2 SDK client) in front of the reference upstream. resources/list and completion/complete list through
// scaivault_list_secrets / scaivault_list_policies in the one chain: the upstream sees the listing requests,
// and path scopes, the tenant lock, denied tools, masking and the audit log apply as they do to tools/call.

let up: ScaivaultUpstream;
let dir = "";
const SECRETS = "scaivault://secrets/";

beforeAll(async () => {
  up = await startScaivaultUpstream();
  dir = mkdtempSync(join(tmpdir(), "tw-sv-resources-"));
});
afterAll(async () => {
  await up?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every page of resources/list, following cursors; with the listing requests the upstream received. */
async function listAll(session: Session) {
  const before = up.requests.length;
  const uris: string[] = [];
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    // Page by page, as a host walking cursors does (listResources() without a cursor aggregates them itself).
    const page = await session.client.request({ method: "resources/list", params: cursor ? { cursor } : {} });
    for (const r of page.resources) {
      uris.push(r.uri);
      names.push(r.name);
      expect(JSON.stringify(r)).not.toMatch(/"value"/);
    }
    cursor = page.nextCursor;
    pages++;
    expect(pages, "resources/list ends").toBeLessThan(50);
  } while (cursor);
  return { uris, names, pages, requests: up.requests.slice(before) };
}

const secretUris = (tenant: string, prefix = "") =>
  [...up.store.tenants.get(tenant)!.secrets.keys()]
    .filter((path) => path.startsWith(prefix))
    .map((path) => `${SECRETS}${tenant}/${path}`);

async function complete(
  session: Session,
  uri: string,
  name: string,
  value: string,
  context?: Record<string, string>,
) {
  const before = up.requests.length;
  const { completion } = await session.client.complete({
    ref: { type: "ref/resource", uri },
    argument: { name, value },
    ...(context ? { context: { arguments: context } } : {}),
  });
  return { ...completion, requests: up.requests.slice(before) };
}

describe("resources/list: the seed's templates, listed from the API", () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await connect({ upstream: up, token: up.tokens.admin, env: { TOOLWRIGHT_PAGE_SIZE: "2" } });
  });
  afterAll(() => admin?.close());

  it("lists every secret and access policy, page by page as the API pages them, and each reads back", async () => {
    const { uris, names, pages, requests } = await listAll(admin);
    const policies = [...up.store.tenants.get("acme")!.accessPolicies.keys()].map(
      (id) => `scaivault://policies/${id}`,
    );
    expect(uris.filter((u) => u.startsWith(SECRETS)).sort()).toEqual(secretUris("acme").sort());
    expect(uris.filter((u) => u.startsWith("scaivault://policies/")).sort()).toEqual(policies.sort());
    expect(names).toContain("integrations/salesforce/oauth");
    expect(pages).toBeGreaterThan(3);
    // One upstream listing request per page, at the page size, following the API's own cursors.
    const listings = requests.map((r) => r.operationId);
    expect(new Set(listings)).toEqual(new Set(["listSecrets", "listPolicies"]));
    for (const r of requests) expect(r.query.limit).toBe("2");
    expect(requests.filter((r) => r.query.cursor !== undefined).length).toBeGreaterThan(0);
    // A listed URI is what resources/read takes.
    const deep = uris.find((u) => u.endsWith("/integrations/salesforce/oauth"))!;
    const { contents } = await admin.client.readResource({ uri: deep });
    expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({ version: 3, tenant: "acme" });
    const policy = uris.find((u) => u.startsWith("scaivault://policies/"))!;
    await expect(admin.client.readResource({ uri: policy })).resolves.toBeTruthy();
  });

  it("an upstream failure while listing is a clear error, and the next listing works", async () => {
    up.injectFault({ operationId: "listSecrets", status: 500, body: '{"error":"boom"}' });
    await expect(admin.client.request({ method: "resources/list", params: {} })).rejects.toThrow(
      /listing through scaivault_list_secrets failed: .*500.*correlation id/,
    );
    expect((await listAll(admin)).uris.length).toBeGreaterThan(6);
  });

  it("a tampered cursor is refused and the server keeps serving", async () => {
    await expect(admin.client.listResources({ cursor: "eyJ0Ijo5OX0" })).rejects.toThrow(/invalid cursor/);
    await expect(admin.client.listResources({ cursor: "not json" })).rejects.toThrow(/invalid cursor/);
    expect((await admin.client.listResources()).resources.length).toBeGreaterThan(0);
  });
});

describe("completion/complete: template variables from the API", () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await connect({ upstream: up, token: up.tokens.admin });
  });
  afterAll(() => admin?.close());
  const SECRET = "scaivault://secrets/{tenant}/{path}";

  it("{path}: the typed text up to its last '/' narrows the listing, the rest is matched", async () => {
    const got = await complete(admin, SECRET, "path", "integrations/s", { tenant: "acme" });
    expect(got.values).toEqual(["integrations/salesforce/oauth", "integrations/stripe/api-key"]);
    expect(got.hasMore).toBe(false);
    expect(got.requests).toHaveLength(1);
    expect(got.requests[0]).toMatchObject({ operationId: "listSecrets", query: { prefix: "integrations/" } });
    expect(got.requests[0]!.headers["x-scaivault-tenant"]).toBe("acme");
    const top = await complete(admin, SECRET, "path", "inf");
    expect(top.values).toEqual(
      secretUris("acme", "inf")
        .map((u) => u.slice(`${SECRETS}acme/`.length))
        .sort(),
    );
    expect(top.requests[0]!.query.prefix).toBeUndefined();
  });

  it("{tenant} and {id}", async () => {
    expect((await complete(admin, SECRET, "tenant", "a")).values).toEqual(["acme"]);
    const ids = await complete(admin, "scaivault://policies/{id}", "id", "pol_i");
    expect(ids.values).toEqual(["pol_integrations_readers"]);
    expect(ids.requests.map((r) => r.operationId)).toEqual(["listPolicies"]);
  });

  it("a narrowing the API refuses (a tenant that is not the token's) completes nothing, without an error", async () => {
    const got = await complete(admin, SECRET, "path", "", { tenant: "globex" });
    expect(got.values).toEqual([]);
  });
});

describe("the policies apply to listings and completions as to tool calls", () => {
  let scoped: Session;
  let locked: Session;
  let audit = "";
  beforeAll(async () => {
    audit = join(dir, "audit.jsonl");
    [scoped, locked] = await Promise.all([
      connect({
        upstream: up,
        token: up.tokens.admin,
        env: {
          SCAIVAULT_ALLOWED_PATHS: "integrations/",
          SCAIVAULT_DENIED_TOOLS: "scaivault_list_policies",
          SCAIVAULT_MASK_VALUES: "true",
          SCAIVAULT_AUDIT_FILE: audit,
        },
      }),
      connect({ upstream: up, token: up.tokens.partner, env: { SCAIVAULT_TENANT_ID: "globex" } }),
    ]);
  });
  afterAll(() => Promise.all([scoped?.close(), locked?.close()]));

  it("path scope: only allowed secrets are listed (the prefix is filled), a denied listing tool lists nothing", async () => {
    const { uris, requests } = await listAll(scoped);
    expect(uris.sort()).toEqual(secretUris("acme", "integrations/").sort());
    expect(requests.map((r) => r.operationId)).toEqual(["listSecrets"]);
    expect(requests[0]!.query.prefix).toBe("integrations/");
    // Masking: a listed resource reads back without its value.
    const { contents } = await scoped.client.readResource({ uri: uris[0]! });
    expect((contents[0] as { text: string }).text).not.toMatch(/sf-secret|sk_/);
    // Completion outside the scope is refused in the chain: nothing listed, nothing sent upstream.
    const outside = await complete(scoped, "scaivault://secrets/{tenant}/{path}", "path", "infra/db/");
    expect(outside).toMatchObject({ values: [], requests: [] });
    // The policies' listing tool is denied: none are listed or completed (reading one by its id still works).
    expect((await complete(scoped, "scaivault://policies/{id}", "id", "pol")).values).toEqual([]);
  });

  it("the audit log records each listing and completion with its entry point", async () => {
    const records = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const entries = records.map((r) => `${r.entry} ${r.tool} ${r.decision}`);
    expect(entries).toContain("resources/list scaivault_list_secrets allowed");
    expect(entries).toContain("completion/complete scaivault_list_secrets refused");
    expect(entries).toContain("resources/read scaivault_read_secret allowed");
  });

  it("tenant lock: a partner token locked to globex lists globex's secrets only, and never completes acme", async () => {
    const { uris, requests } = await listAll(locked);
    expect(uris.filter((u) => u.startsWith(SECRETS)).sort()).toEqual(secretUris("globex").sort());
    for (const r of requests) expect(r.headers["x-scaivault-tenant"]).toBe("globex");
    const tenants = await complete(locked, "scaivault://secrets/{tenant}/{path}", "tenant", "");
    expect(tenants.values).toEqual(["globex"]);
    const other = await complete(locked, "scaivault://secrets/{tenant}/{path}", "path", "", {
      tenant: "acme",
    });
    expect(other).toMatchObject({ values: [], requests: [] });
  });
});
