import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tmpDir } from "../helpers/paths.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { body, connect, type Replica, replicaEnv, startReplica, text } from "./cluster.js";

// The embedded store (node:sqlite, one file) shared by two replicas on one machine: a token is spent once across
// both even when redeemed at both at once, and stays spent after both are killed (SIGKILL: no orderly shutdown)
// and one is started again on the same file.

let upstream: ScaivaultUpstream;
const replicas: Replica[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(replicas.map((r) => r.served.stop()));
  await upstream?.close();
});

async function start(env: Record<string, string>): Promise<Client> {
  const replica = await startReplica(env);
  replicas.push(replica);
  const client = await connect(replica.served.url);
  clients.push(client);
  return client;
}

const deletes = () => upstream.requests.filter((r) => r.operationId === "deleteSecret").length;

it("a token spent on one replica of a shared file stays spent across both, and after a kill and restart", async () => {
  const file = join(tmpDir("load-embedded"), "state.sqlite");
  const env = replicaEnv(upstream, `sqlite:${file}`);
  const [a, b] = await Promise.all([start(env), start(env)]);
  // Ordered: serve writes this line before its "over Streamable HTTP at" one, which startReplica read on the same pipe.
  for (const replica of replicas)
    expect(replica.served.stderr()).toContain(`shared state: sqlite at ${file}`);

  const paths = ["apps/billing/smtp-password", "apps/billing/jwt-signing-key"];
  const tokens: string[] = [];
  for (const path of paths) {
    const preview = await a.callTool({ name: "scaivault_delete_secret", arguments: { path } });
    expect(body(preview)?.confirmation_required, text(preview)).toBe(true);
    tokens.push(body(preview).confirmation_token);
  }
  const redeem = (client: Client, i: number) =>
    client.callTool({
      name: "scaivault_delete_secret",
      arguments: { path: paths[i]!, confirmation_token: tokens[i]! },
    });

  // The first token, redeemed at both at once: one deletion.
  const both = await Promise.all([redeem(a, 0), redeem(b, 0)]);
  expect(both.filter((r) => !r.isError)).toHaveLength(1);
  expect(text(both.find((r) => r.isError))).toContain("was already used");
  expect(deletes()).toBe(1);

  await Promise.all(replicas.splice(0).map((r) => r.served.stop("SIGKILL")));
  const restarted = await start(env);
  const replay = await redeem(restarted, 0);
  expect(replay.isError).toBe(true);
  expect(text(replay)).toContain("was already used");
  expect(deletes()).toBe(1);
  // The token issued but never spent still works, once.
  expect((await redeem(restarted, 1)).isError).toBeFalsy();
  expect((await redeem(restarted, 1)).isError).toBe(true);
  expect(deletes()).toBe(2);
}, 240_000);

it("a token issued by a process that never redeemed one still works after a kill and restart on a new file", async () => {
  // The file is created on the store's first use; issuing the token is that use, so the restarted process finds
  // a file that remembers from before the token was issued (not `forgotten`).
  const file = join(tmpDir("load-embedded-new"), "state.sqlite");
  const env = replicaEnv(upstream, `sqlite:${file}`);
  const first = await start(env);
  const path = "infra/ssh/deploy-key";
  const preview = await first.callTool({ name: "scaivault_delete_secret", arguments: { path } });
  expect(body(preview)?.confirmation_required, text(preview)).toBe(true);
  const token: string = body(preview).confirmation_token;
  const before = deletes();

  await Promise.all(replicas.splice(0).map((r) => r.served.stop("SIGKILL")));
  const restarted = await start(env);
  const redeem = () =>
    restarted.callTool({ name: "scaivault_delete_secret", arguments: { path, confirmation_token: token } });
  const done = await redeem();
  expect(done.isError, text(done)).toBeFalsy();
  expect(deletes()).toBe(before + 1);
  const again = await redeem();
  expect(again.isError).toBe(true);
  expect(text(again)).toContain("was already used");
  expect(deletes()).toBe(before + 1);
}, 240_000);
