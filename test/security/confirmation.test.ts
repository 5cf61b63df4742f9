import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { type ClientKind, type ElicitAnswer, previewOf, type Served, serve, textOf } from "./harness.js";

/**
 * Confirmation of destructive tools over stdio: previews change nothing; a token works once, for the identical
 * call only; a client without elicitation cannot confirm by setting an argument; a client with elicitation
 * confirms through the user (accept: one DELETE; decline or cancel: none), on both protocol eras and with the
 * legacy v1 client; a token from one replica verifies on another only with the shared secret.
 */

let upstream: ScaivaultUpstream;
const deletes = () => upstream.requests.filter((r) => r.method === "DELETE");
const SHARED = { SCAIVAULT_CONFIRM_SECRET: "replica-shared-secret-3e9d0c71" };

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(async () => {
  await upstream.reset();
});

async function withServer<T>(
  options: Parameters<typeof serve>[0],
  body: (s: Served) => Promise<T>,
): Promise<T> {
  const server = await serve(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

describe.each(["v2", "v1"] as const)("without elicitation (%s client)", (client) => {
  it("preview, one confirmed delete, no replay, no carrying over to other arguments or tools", async () => {
    await withServer({ upstream, client }, async (server) => {
      const args = { path: upstream.seed.secrets.smtp };
      const preview = previewOf(await server.call("scaivault_delete_secret", args));
      expect(preview).toMatchObject({
        tool: "scaivault_delete_secret",
        would: `DELETE /v1/secrets/${args.path}`,
        arguments: args,
      });
      expect(upstream.requests).toEqual([]);
      const token = preview!.confirmation_token as string;

      const other = await server.call("scaivault_delete_secret", {
        path: upstream.seed.secrets.jwt,
        confirmation_token: token,
      });
      expect(textOf(other)).toMatch(/issued for other arguments/);
      const otherTool = await server.call("scaivault_delete_api_key", {
        account_id: upstream.seed.serviceAccounts.reportRunner,
        key_id: upstream.seed.apiKeys.reportRunner,
        confirmation_token: token,
      });
      expect(textOf(otherTool)).toMatch(/issued for (another tool|other arguments)/);
      expect(upstream.requests).toEqual([]);

      const done = await server.call("scaivault_delete_secret", { ...args, confirmation_token: token });
      expect(done.isError, textOf(done)).toBeFalsy();
      expect(done.structuredContent).toMatchObject({ path: args.path, deleted: true });
      expect(deletes().map((r) => r.path)).toEqual([`/v1/secrets/${args.path}`]);
      // The token is not sent upstream.
      expect(deletes()[0]?.url).not.toContain("tw1.");

      const replay = await server.call("scaivault_delete_secret", { ...args, confirmation_token: token });
      expect(textOf(replay)).toMatch(/already used/);
      expect(deletes()).toHaveLength(1);
    });
  });

  it("no argument a model can set stands in for the token", async () => {
    await withServer({ upstream, client }, async (server) => {
      const path = upstream.seed.secrets.jwt;
      for (const extra of [
        { confirm: true },
        { confirmed: true },
        { confirmation: "yes" },
        { confirmation_token: "true" },
        { confirmation_token: "" },
        { confirmation_token: "tw1.e30.AAAA" },
      ]) {
        const result = await server.call("scaivault_delete_secret", { path, ...extra });
        expect(result.isError, JSON.stringify(extra)).toBe(true);
        expect(previewOf(result), JSON.stringify(extra)).toBeUndefined();
      }
      expect(upstream.requests).toEqual([]);
    });
  });
});

describe.each([
  ["v2-modern", "input_required round (2026-07-28)"],
  ["v2", "elicitation/create (legacy era, SDK shim)"],
  ["v1", "elicitation/create (legacy v1 client)"],
] as const)("with elicitation: %s, %s", (client: ClientKind, _how: string) => {
  // One server per client kind; each test sets what the user answers.
  let server: Served;
  let answer: ElicitAnswer = { action: "cancel" };
  let asked: Array<{ message?: string }> = [];
  beforeAll(async () => {
    server = await serve({
      upstream,
      client,
      elicit: (params) => {
        asked.push(params);
        return answer;
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  const run = async (given: ElicitAnswer) => {
    answer = given;
    asked = [];
    const result = await server.call("scaivault_delete_secret", { path: upstream.seed.secrets.smtp });
    asked.push({ message: `result:${result.isError ? "error" : "ok"}:${textOf(result)}` });
    return asked;
  };

  it("accept with the box ticked: the user was asked, one DELETE", async () => {
    const asked = await run({ action: "accept", content: { confirm: true } });
    expect(asked[0]?.message).toMatch(/DELETE \/v1\/secrets\/apps\/billing\/smtp-password/);
    expect(asked.at(-1)?.message).toMatch(/^result:ok:/);
    expect(deletes()).toHaveLength(1);
  });

  it.each([
    ["decline", { action: "decline" }, /the user declined/],
    ["cancel", { action: "cancel" }, /the user cancelled/],
    ["accept without ticking", { action: "accept", content: { confirm: false } }, /did not tick/],
  ] as const)("%s: refused, zero DELETEs", async (_label, answer, message) => {
    const asked = await run(answer as ElicitAnswer);
    expect(asked).toHaveLength(2);
    expect(asked.at(-1)?.message).toMatch(/^result:error:not confirmed/);
    expect(asked.at(-1)?.message).toMatch(message);
    expect(upstream.requests).toEqual([]);
  });
});

describe("replicas", () => {
  it("a token issued by one process verifies on another with the shared secret, and only with it", async () => {
    const path = upstream.seed.secrets.jwt;
    const a = await serve({ upstream, env: SHARED });
    const b = await serve({ upstream, env: SHARED });
    const c = await serve({ upstream });
    try {
      const token = previewOf(await a.call("scaivault_delete_secret", { path }))!.confirmation_token;
      const refused = await c.call("scaivault_delete_secret", { path, confirmation_token: token });
      expect(textOf(refused)).toMatch(/not a confirmation token this server issued/);
      expect(upstream.requests).toEqual([]);
      const done = await b.call("scaivault_delete_secret", { path, confirmation_token: token });
      expect(done.isError, textOf(done)).toBeFalsy();
      expect(deletes()).toHaveLength(1);
      const replay = await b.call("scaivault_delete_secret", { path, confirmation_token: token });
      expect(textOf(replay)).toMatch(/already used/);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
