import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { startBalancer } from "./balancer.js";
import { type Served, serveHttp } from "./serve-http.js";

// Stateless replicas: two `toolwright serve scaivault` processes behind one (imagined) load balancer share only
// configuration. A confirmation token one of them hands out in a preview is accepted by the other, because it
// is signed with the shared SCAIVAULT_CONFIRM_SECRET rather than remembered; a replica with another secret
// refuses it, and so does the same replica a second time (single use).

const CLIENT_KEY = "replica-client-key-9a0c77";
const SHARED_SECRET = "shared-confirm-secret-canary-51f2";

let upstream: ScaivaultUpstream;
const replicas: Served[] = [];

async function replica(secret: string): Promise<Served> {
  const served = await serveHttp("scaivault", {
    MCP_TRANSPORT: "http",
    PORT: "0",
    SCAIVAULT_MCP_TOKEN: CLIENT_KEY,
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: upstream.tokens.admin,
    SCAIVAULT_CONFIRM_SECRET: secret,
    SCAIVAULT_AUDIT: "false",
  });
  replicas.push(served);
  return served;
}

async function connect(served: Served): Promise<Client> {
  // No elicitation capability: confirmation goes through the preview token.
  const client = new Client({ name: "replica-client", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(served.url), {
      requestInit: { headers: { authorization: `Bearer ${CLIENT_KEY}` } },
    }),
  );
  return client;
}

let a: Client;
let b: Client;
let other: Client;
let servedA: Served;
let servedB: Served;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  let servedOther: Served;
  [servedA, servedB, servedOther] = await Promise.all([
    replica(SHARED_SECRET),
    replica(SHARED_SECRET),
    replica("another-confirm-secret-0000"),
  ]);
  [a, b, other] = await Promise.all([connect(servedA), connect(servedB), connect(servedOther)]);
});
afterAll(async () => {
  await Promise.all([a, b, other].map((client) => client?.close()));
  for (const served of replicas) {
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).not.toContain(SHARED_SECRET);
  }
  await upstream.close();
});

const text = (result: Record<string, unknown>) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

async function preview(client: Client, path: string): Promise<string> {
  const before = upstream.requests.length;
  const result = await client.callTool({ name: "scaivault_delete_secret", arguments: { path } });
  expect(result.isError).toBe(true);
  const body = JSON.parse(text(result)) as { confirmation_required: boolean; confirmation_token: string };
  expect(body.confirmation_required).toBe(true);
  // A preview changes nothing upstream.
  expect(upstream.requests.slice(before).filter((r) => r.method === "DELETE")).toEqual([]);
  return body.confirmation_token;
}

const deletes = () => upstream.requests.filter((r) => r.method === "DELETE").map((r) => r.path);

it("a token issued by one replica confirms the call on another", async () => {
  const path = "apps/billing/smtp-password";
  const token = await preview(a, path);
  const result = await b.callTool({
    name: "scaivault_delete_secret",
    arguments: { path, confirmation_token: token },
  });
  expect(result.isError, text(result)).toBeFalsy();
  expect(deletes()).toEqual([`/v1/secrets/${path}`]);

  // Single use: the same token again on the replica that accepted it is refused.
  const replay = await b.callTool({
    name: "scaivault_delete_secret",
    arguments: { path, confirmation_token: token },
  });
  expect(replay.isError).toBe(true);
  expect(deletes()).toHaveLength(1);
});

it("a replica with another secret refuses the token, and no replica accepts it for other arguments", async () => {
  const path = "integrations/stripe/api-key";
  const token = await preview(a, path);
  const foreign = await other.callTool({
    name: "scaivault_delete_secret",
    arguments: { path, confirmation_token: token },
  });
  expect(foreign.isError).toBe(true);
  expect(text(foreign)).not.toContain('"confirmation_required":false');
  const elsewhere = await b.callTool({
    name: "scaivault_delete_secret",
    arguments: { path: "integrations/salesforce/oauth", confirmation_token: token },
  });
  expect(elsewhere.isError).toBe(true);
  expect(deletes()).toEqual(["/v1/secrets/apps/billing/smtp-password"]);
});

it("a 2026-07-28 client confirms by elicitation behind a round-robin balancer (ask on one replica, retry on the other)", async () => {
  const balancer = await startBalancer([servedA.url, servedB.url]);
  const asked: unknown[] = [];
  const client = new ClientV2(
    { name: "eliciting-client", version: "1.0.0" },
    { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: "auto" } },
  );
  client.setRequestHandler("elicitation/create", async (request) => {
    asked.push(request.params);
    return { action: "accept", content: { confirm: true } };
  });
  try {
    await client.connect(
      new HttpV2(new URL(balancer.url), {
        requestInit: { headers: { authorization: `Bearer ${CLIENT_KEY}` } },
      }),
    );
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    const path = "infra/ssh/deploy-key";
    const hitsBefore = balancer.hits.length;
    const result = await client.callTool({ name: "scaivault_delete_secret", arguments: { path } });
    expect(result.isError, text(result)).toBeFalsy();
    expect(asked).toHaveLength(1);
    // The question and the answer were served by different processes: nothing was remembered in between.
    const served = balancer.hits.slice(hitsBefore);
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(new Set(served).size).toBe(2);
    expect(deletes()).toContain(`/v1/secrets/${path}`);
  } finally {
    await client.close();
    await balancer.close();
  }
});

it("a 2025-era client over HTTP gets the preview, never a server-to-client request it could not answer", async () => {
  // Stateless legacy serving cannot carry elicitation/create (the answer would reach another instance), so
  // even a client that declares elicitation is given the preview token instead of being left waiting.
  const client = new ClientV2(
    { name: "legacy-eliciting", version: "1.0.0" },
    { capabilities: { elicitation: { form: {} } } },
  );
  let asked = 0;
  client.setRequestHandler("elicitation/create", async () => {
    asked += 1;
    return { action: "accept", content: { confirm: true } };
  });
  await client.connect(
    new HttpV2(new URL(servedA.url), { requestInit: { headers: { authorization: `Bearer ${CLIENT_KEY}` } } }),
  );
  try {
    const before = deletes().length;
    const result = await client.callTool({
      name: "scaivault_delete_secret",
      arguments: { path: "integrations/salesforce/oauth" },
    });
    expect(result.isError).toBe(true);
    expect(JSON.parse(text(result)).confirmation_required).toBe(true);
    expect(asked).toBe(0);
    expect(deletes()).toHaveLength(before);
  } finally {
    await client.close();
  }
});
