import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASK } from "../../src/policy/index.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import type { Store } from "../upstreams/scaivault/state.js";
import { tools, validArgs } from "./catalog.js";
import { type Served, serve, textOf } from "./harness.js";

/**
 * Secrets never leave. With masking on, canary values planted in env (the upstream token, the confirmation
 * signing secret) and in upstream data (a planted secret, every seeded and generated credential the upstream
 * holds) must not appear in MCP traffic, stderr or the audit file, whatever the agent calls; hostile upstream
 * error bodies are not echoed; huge and non-JSON bodies end as clear errors.
 */

const CONFIRM_SECRET = "confirm-secret-canary-0b7e41d29a";
const PLANTED = { path: "integrations/canary/api-key", value: "planted-value-canary-5c1d8e3f07" };
const PLANTED_DATA = {
  path: "integrations/canary/oauth",
  data: { client_secret: "planted-data-canary-a4b9e2c61f" },
};

let upstream: ScaivaultUpstream;

/** Every credential the upstream holds, for all tenants: the canaries of upstream data. */
function credentialsIn(store: Store): string[] {
  const found: string[] = [];
  const add = (value: unknown) => {
    if (typeof value !== "string") return;
    // Random-looking values only: short or plain words (a username, a host) also appear as ordinary metadata.
    if ((value.length >= 12 && /\d/.test(value)) || value.length >= 20) found.push(value);
  };
  for (const tenant of store.tenants.values()) {
    for (const secret of tenant.secrets.values()) {
      for (const version of secret.versions) {
        add(version.value);
        for (const v of Object.values(version.data ?? {})) add(v);
      }
    }
    for (const key of tenant.apiKeys.values()) add(key.key);
    for (const engine of tenant.engines.values()) add(engine.password);
    for (const backend of tenant.backends.values()) {
      for (const v of Object.values(backend.credentials)) add(v);
      for (const remote of backend.remote.values()) {
        add(remote.value);
        for (const v of Object.values(remote.data ?? {})) add(v);
      }
    }
    for (const subscription of tenant.subscriptions.values()) add(subscription.signingSecret);
  }
  return [...new Set(found)];
}

async function plant(path: string, body: unknown) {
  const response = await fetch(`${upstream.url}/v1/secrets/${path}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${upstream.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
}

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe.each(["v2", "v1"] as const)("with masking on (%s client)", (client) => {
  let server: Served;
  beforeAll(async () => {
    await upstream.reset();
    await plant(PLANTED.path, { value: PLANTED.value });
    await plant(PLANTED_DATA.path, { data: PLANTED_DATA.data });
    server = await serve({
      upstream,
      client,
      env: { SCAIVAULT_MASK_VALUES: "true", SCAIVAULT_CONFIRM_SECRET: CONFIRM_SECRET },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("reads show that secrets exist, never their values", async () => {
    const read = await server.call("scaivault_read_secret", { path: PLANTED.path });
    expect(read.structuredContent).toMatchObject({ path: PLANTED.path, value: MASK });
    const data = await server.call("scaivault_read_secret", { path: PLANTED_DATA.path });
    expect(data.structuredContent).toMatchObject({ value: MASK, data: { client_secret: MASK } });
    const resource = await server.readResource(`scaivault://secrets/acme/${PLANTED_DATA.path}`);
    expect(JSON.parse(String(resource.contents[0]?.text))).toMatchObject({ data: { client_secret: MASK } });
    const proxied = await server.call("scaivault_proxy_read", {
      backend_id: upstream.seed.backends.aws,
      path: upstream.seed.federatedPaths.adyen,
    });
    expect(proxied.structuredContent?.value).toBe(MASK);
  });

  it("generated credentials, keys and private keys come back masked", async () => {
    const creds = await server.call("scaivault_generate_credentials", {
      engine: "postgres-prod",
      role: "readonly",
    });
    expect(creds.isError, textOf(creds)).toBeFalsy();
    expect(creds.structuredContent?.data).toMatchObject({ password: MASK, connection_url: MASK });
    const key = await server.call("scaivault_create_api_key", {
      account_id: upstream.seed.serviceAccounts.reportRunner,
      name: `canary-key-${client}`,
    });
    expect(key.isError, textOf(key)).toBeFalsy();
    expect(key.structuredContent?.key).toBe(MASK);
    const cert = await server.call("scaivault_issue_certificate", {
      ca_id: upstream.seed.ca,
      common_name: `canary-${client}.acme.internal`,
    });
    expect(cert.isError, textOf(cert)).toBeFalsy();
    expect(cert.structuredContent?.private_key).toBe(MASK);
    const preview = await server.call("scaivault_generate_secret_preview", {});
    if (!preview.isError) expect(preview.structuredContent?.value).toBe(MASK);
  });

  it("every read tool, called with plausible arguments, leaks no credential the upstream holds", async () => {
    for (const tool of tools((t) => t.safety === "read")) await server.call(tool.name, validArgs(tool));
    for (const path of Object.values(upstream.seed.secrets)) {
      await server.call("scaivault_read_secret", { path });
      await server.call("scaivault_get_secret_versions", { path });
    }
    await server.call("scaivault_list_secrets", {});
    await server.call("scaivault_query_audit", {});
    await server.call("scaivault_rotate_secret", { path: PLANTED.path });
  });

  it("no canary in MCP traffic, stderr or the audit file", () => {
    const canaries = [
      upstream.tokens.admin,
      CONFIRM_SECRET,
      PLANTED.value,
      PLANTED_DATA.data.client_secret,
      ...credentialsIn(upstream.store),
    ];
    expect(canaries.length).toBeGreaterThan(20);
    const audit = server.auditText();
    expect(audit.split("\n").length).toBeGreaterThan(40);
    const places = { traffic: server.traffic.join("\n"), stderr: server.stderr(), audit };
    for (const [where, text] of Object.entries(places)) {
      for (const canary of canaries) expect(text, `${where} carries a credential`).not.toContain(canary);
    }
  });
});

describe("hostile and odd upstream bodies", () => {
  let server: Served;
  beforeAll(async () => {
    await upstream.reset();
    server = await serve({ upstream });
  });
  afterAll(async () => {
    await server.close();
  });

  it("a 500 carrying internal hosts, URLs and the token is not echoed", async () => {
    const token = upstream.tokens.admin;
    upstream.injectFault({
      operationId: "readSecret",
      status: 500,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: {
          code: "internal",
          message: `connect to db-7.internal.corp:5432 failed (token=${token}) see https://ops.internal.corp/runbook/42`,
        },
        stack: "Error: boom\n    at /srv/vault/app.js:12:5",
        config: { dsn: `postgres://admin:${token}@10.0.0.7:5432/vault` },
      }),
    });
    const result = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^upstream answered HTTP 500 Internal Server Error/);
    expect(text).toMatch(/correlation id [0-9a-f]{12}/);
    for (const leak of [
      token,
      "internal.corp",
      "5432",
      "10.0.0.7",
      "https://",
      "/srv/vault",
      "postgres://",
    ]) {
      expect(text).not.toContain(leak);
      expect(server.stderr()).not.toContain(token);
    }
  });

  it("a 500 with a plain-text body is not echoed either", async () => {
    upstream.injectFault({
      operationId: "listSecrets",
      status: 500,
      headers: { "content-type": "text/plain" },
      body: `panic: token ${upstream.tokens.admin} rejected by 10.1.2.3`,
    });
    const result = await server.call("scaivault_list_secrets", {});
    expect(textOf(result)).toMatch(/^upstream answered HTTP 500 Internal Server Error \(correlation id/);
  });

  it("a body over 10 MB ends as a clear error, and the server keeps serving", async () => {
    upstream.injectFault({
      operationId: "readSecret",
      status: 200,
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(11 * 1024 * 1024, 0x61),
    });
    const result = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
    expect(textOf(result)).toMatch(/^the upstream response is larger than 10 MB/);
    const next = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
    expect(next.isError).toBeFalsy();
  });

  it("non-JSON bodies (HTML, broken JSON, binary) end as clear errors, never as structured data", async () => {
    const bodies: Array<[string, string | Buffer]> = [
      ["text/html", "<html><body>502 Bad Gateway from nginx at lb-3.internal</body></html>"],
      ["application/json", '{"path": "integrations/salesforce/oauth", "value": '],
      ["application/octet-stream", Buffer.from([0, 1, 2, 255])],
    ];
    for (const [type, body] of bodies) {
      upstream.injectFault({
        operationId: "readSecret",
        status: 200,
        headers: { "content-type": type },
        body,
      });
      const result = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
      expect(result.isError, type).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toMatch(/output schema/);
    }
  });
});
