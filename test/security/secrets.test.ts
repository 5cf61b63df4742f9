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
    const preview = await server.call("scaivault_generate_secret_preview", {
      policy_id: upstream.seed.secretPolicies.strongPassword,
    });
    expect(preview.isError, textOf(preview)).toBeFalsy();
    expect(preview.structuredContent).toMatchObject({ type: expect.any(String), value: MASK });
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

  it("no canary in MCP traffic, stderr or the audit file", async () => {
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
    // stderr read whole, once the server has exited: before, a line it wrote may not have been read yet.
    const places = { traffic: server.traffic.join("\n"), stderr: await server.stderrAtExit(), audit };
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
    expect(textOf(result)).toMatch(/^the upstream response is larger than 10 MiB/);
    const next = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
    expect(next.isError).toBeFalsy();
  });

  it("non-JSON bodies (HTML, broken JSON, binary) end as clear errors, never as structured data", async () => {
    const bodies: Array<[string, string | Buffer]> = [
      ["text/html", "<html><body>502 Bad Gateway from nginx at lb-3.internal</body></html>"],
      ["application/json", '{"path": "integrations/salesforce/oauth", "value": '],
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
    // Bytes of a binary type where the spec declares JSON are the body as it came (ea4dd53): a resource block
    // beside a note saying so, and no structured data but the empty object the published schema accepts.
    upstream.injectFault({
      operationId: "readSecret",
      status: 200,
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.from([0, 1, 2, 255]),
    });
    const binary = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
    expect(binary.isError).toBeFalsy();
    expect(binary.structuredContent).toEqual({});
    expect(JSON.stringify(binary.content)).toContain("not the application/json (its 200 response)");
    expect(JSON.stringify(binary.content)).toContain(Buffer.from([0, 1, 2, 255]).toString("base64"));
  });

  it("stderr, read whole once the server has exited, holds no token", async () => {
    expect(await server.stderrAtExit()).not.toContain(upstream.tokens.admin);
  });
});

describe("a secret's body served as something else than JSON", () => {
  // The same JSON the upstream sends for a read or a listing, under a content type (or in a shape) the runtime
  // does not parse as JSON: a gateway rewriting the type, a vendor type, a truncated body. The masked value and
  // the paths outside the scope must stay hidden all the same, whether or not masking is on.
  const VALUE = "plaintext-canary-7d3f19b04e";
  const PATH = "integrations/canary/non-json";
  let servers: Array<[string, Served]>;
  let readBody: string;
  let listBody: string;

  beforeAll(async () => {
    await upstream.reset();
    await plant(PATH, { value: VALUE, data: { client_secret: `${VALUE}-data` } });
    const auth = { authorization: `Bearer ${upstream.tokens.admin}` };
    readBody = await (await fetch(`${upstream.url}/v1/secrets/${PATH}`, { headers: auth })).text();
    listBody = await (await fetch(`${upstream.url}/v1/secrets`, { headers: auth })).text();
    expect(readBody).toContain(VALUE);
    expect(listBody).toContain(upstream.seed.secrets.primaryDb);
    const scope = { SCAIVAULT_ALLOWED_PATHS: "integrations/" };
    servers = [
      ["masking on", await serve({ upstream, env: { ...scope, SCAIVAULT_MASK_VALUES: "true" } })],
      ["masking off", await serve({ upstream, env: scope })],
    ];
  });
  afterAll(async () => {
    for (const [, server] of servers) await server.close();
  });

  /** The body as each non-JSON variant: what it looks like on the wire and how the value might show. */
  const variants = (body: string): Array<[string, string | Buffer]> => [
    ["text/plain; charset=utf-8", body],
    ["application/x-json", body],
    ["application/octet-stream", Buffer.from(body)],
    ["application/json", body.slice(0, body.length - 2)],
  ];

  it("a masked value stays hidden: plain, base64 or truncated", async () => {
    for (const [mode, server] of servers) {
      for (const [type, body] of variants(readBody)) {
        upstream.injectFault({
          operationId: "readSecret",
          status: 200,
          headers: { "content-type": type },
          body,
        });
        const result = await server.call("scaivault_read_secret", { path: PATH });
        const shown = JSON.stringify(result);
        const base64Body = Buffer.from(readBody).toString("base64").slice(0, 24);
        if (/^application\/(x-json|octet-stream)/.test(type)) {
          // A binary type where the spec declares JSON is the body as it came (ea4dd53): with masking on it is
          // masked whole, in text, with no block of its bytes; with masking off its bytes are a resource block, as
          // the JSON read shows the value then.
          expect(result.isError, `${mode}, ${type}`).toBeFalsy();
          const blocks = (result.content as Array<{ type: string }>).filter((c) => c.type !== "text");
          if (mode === "masking on") {
            expect(blocks, `${mode}, ${type}`).toEqual([]);
            expect(shown, `${mode}, ${type}`).not.toContain(VALUE);
            expect(shown, `${mode}, ${type}`).not.toContain(base64Body);
            expect(shown, `${mode}, ${type}`).not.toContain(
              Buffer.from(VALUE).toString("base64").slice(0, 12),
            );
          } else expect(shown, `${mode}, ${type}`).toContain(base64Body);
          continue;
        }
        expect(result.isError, `${mode}, ${type}`).toBe(true);
        expect(shown, `${mode}, ${type}`).not.toContain(VALUE);
        expect(shown, `${mode}, ${type}`).not.toContain(
          Buffer.from(readBody).toString("base64").slice(0, 24),
        );
        expect(shown, `${mode}, ${type}`).not.toContain(Buffer.from(VALUE).toString("base64").slice(0, 12));
        expect(textOf(result)).toMatch(/^the upstream response does not match the tool's output schema/);
      }
      // The same read as JSON is unaffected: masked when masking is on, shown when it is off.
      const plain = await server.call("scaivault_read_secret", { path: PATH });
      expect(plain.structuredContent?.value).toBe(mode === "masking on" ? MASK : VALUE);
    }
  });

  it("a listing stays filtered: refused as a whole rather than shown unfiltered", async () => {
    for (const [mode, server] of servers) {
      for (const [type, body] of variants(listBody)) {
        upstream.injectFault({
          operationId: "listSecrets",
          status: 200,
          headers: { "content-type": type },
          body,
        });
        // The injected answer lists every path whatever prefix was asked: only the filter stands between.
        const result = await server.call("scaivault_list_secrets", {});
        const shown = JSON.stringify(result);
        expect(result.isError, `${mode}, ${type}`).toBe(true);
        expect(shown, `${mode}, ${type}`).not.toContain(upstream.seed.secrets.primaryDb);
        expect(shown, `${mode}, ${type}`).not.toContain(
          Buffer.from(listBody).toString("base64").slice(0, 24),
        );
        expect(textOf(result), `${mode}, ${type}`).toMatch(
          /the path scope cannot check the upstream's listing \(it (is text|is a body of another media type|does not match the output schema)\)/,
        );
      }
    }
  });
});

describe("a remembered secret where long text is cut", () => {
  // Text is cut to 2,000 characters (at a space) before redaction's patterns run. A secret with spaces in it (a
  // passphrase) across the cut lost its tail there, and the words before it were no longer the remembered value:
  // they went out in clear once the URL before them had shrunk to "[url]".
  const PASSPHRASE = "correct horse battery staple 4821";
  let server: Served;
  beforeAll(async () => {
    await upstream.reset();
    server = await serve({ upstream, token: PASSPHRASE });
  });
  afterAll(async () => {
    await server.close();
  });

  it("is replaced whole, never halved, in the result, stderr and the audit file", async () => {
    const url = `https://ops.example/${"a".repeat(1960)}`;
    for (const offset of [0, 5, 14, 20, 28]) {
      const lead = `${url.slice(0, 2000 - offset - 1)} `;
      upstream.injectFault({
        operationId: "readSecret",
        status: 500,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message: `${lead}${PASSPHRASE} was refused` }),
      });
      const result = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text, `offset ${offset}`).toMatch(/^upstream answered HTTP 500/);
      for (const word of ["correct horse", "horse battery", "battery staple", "staple 4821"])
        expect(text, `offset ${offset}`).not.toContain(word);
    }
    // stderr read whole, once the server has exited: before, a line it wrote may not have been read yet.
    const said = `${await server.stderrAtExit()}\n${server.auditText()}`;
    for (const word of ["correct horse", "horse battery", "battery staple", "staple 4821"])
      expect(said).not.toContain(word);
  });
});
