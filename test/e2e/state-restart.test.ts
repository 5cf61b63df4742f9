import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { serveOverStdio, textJson } from "../helpers/mcp.js";
import { tmpDir } from "../helpers/paths.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// Single use survives a restart: `toolwright serve scaivault` over stdio keeps spent confirmation tokens in its
// embedded store (node:sqlite, the default file under XDG_STATE_HOME), so a token spent before the process
// stopped is refused by the next one, with no upstream request. (Before the store, a restart forgot them.)

const SECRET = "restart-confirm-secret-5be1c0";
let up: ScaivaultUpstream;
let stateHome: string;

beforeAll(async () => {
  up = await startScaivaultUpstream();
  stateHome = tmpDir("state-home");
});
afterAll(async () => {
  await up?.close();
});

const env = (extra: Record<string, string> = {}) => ({
  SCAIVAULT_URL: up.url,
  SCAIVAULT_TOKEN: up.tokens.admin,
  SCAIVAULT_CONFIRM_SECRET: SECRET,
  SCAIVAULT_AUDIT: "false",
  XDG_STATE_HOME: stateHome,
  ...extra,
});
const deletes = () => up.requests.filter((r) => r.method === "DELETE").length;

async function preview(client: Awaited<ReturnType<typeof serveOverStdio>>["client"], path: string) {
  const result = await client.callTool({ name: "scaivault_delete_secret", arguments: { path } });
  const body = textJson(result);
  expect(body.confirmation_required).toBe(true);
  return body.confirmation_token as string;
}

it("a token spent before a restart stays spent; one issued but unspent still works once", async () => {
  const spentPath = "apps/billing/smtp-password";
  const laterPath = "integrations/stripe/api-key";
  const first = await serveOverStdio("scaivault", env());
  const spent = await preview(first.client, spentPath);
  const unspent = await preview(first.client, laterPath);
  const ran = await first.client.callTool({
    name: "scaivault_delete_secret",
    arguments: { path: spentPath, confirmation_token: spent },
  });
  expect(ran.isError, JSON.stringify(ran)).toBeFalsy();
  expect(deletes()).toBe(1);
  await first.close();

  const second = await serveOverStdio("scaivault", env());
  try {
    const replay = await second.client.callTool({
      name: "scaivault_delete_secret",
      arguments: { path: spentPath, confirmation_token: spent },
    });
    expect(replay.isError).toBe(true);
    expect(JSON.stringify(replay.content)).toContain("was already used");
    expect(deletes()).toBe(1);

    const later = await second.client.callTool({
      name: "scaivault_delete_secret",
      arguments: { path: laterPath, confirmation_token: unspent },
    });
    expect(later.isError, JSON.stringify(later)).toBeFalsy();
    expect(deletes()).toBe(2);
    // Written at start, but on stderr, its own pipe, read after stdout's answers: waited for there.
    const shared = `shared state: sqlite at ${join(stateHome, "toolwright/state.sqlite")}`;
    for (const stderr of [await first.waitForStderr(shared), await second.waitForStderr(shared)]) {
      expect(stderr).not.toMatch(/ExperimentalWarning|experimental feature/);
      expect(stderr).not.toContain(SECRET);
    }
  } finally {
    await second.close();
  }
});

it("with --state memory a restart forgets nothing silently: a token from the previous process is refused", async () => {
  const path = "apps/billing/db-password";
  const first = await serveOverStdio("scaivault", env(), {}, ["--state", "memory"]);
  const token = await preview(first.client, path);
  await first.close();
  const second = await serveOverStdio("scaivault", env(), {}, ["--state", "memory"]);
  try {
    const before = deletes();
    const result = await second.client.callTool({
      name: "scaivault_delete_secret",
      arguments: { path, confirmation_token: token },
    });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("state store last lost its memory");
    expect(deletes()).toBe(before);
  } finally {
    await second.close();
  }
});
