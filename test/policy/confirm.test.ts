import { describe, expect, it } from "vitest";
import type { CatalogTool } from "../../src/catalog.js";
import type { ClientInfo } from "../../src/chain.js";
import { requestLine } from "../../src/executors/request.js";
import {
  confirmationStep,
  describeAction,
  pendingElicitation,
  redactedArguments,
  supportsFormElicitation,
} from "../../src/policy/confirm.js";
import { ConfirmationTokens, deriveKey } from "../../src/policy/confirm-token.js";
import { MASK } from "../../src/policy/mask.js";
import { createMemoryStore } from "../../src/state/memory.js";
import { ctxFor, docWith, policiesFor, runStep, tool } from "./helpers.js";

const pattern = /(secret|token|passw(or)?d|api[_-]?key)/i;
const del: CatalogTool = {
  ...tool("app_delete_secret", { confirm: "required", scopedPath: "path" }, { safety: "destructive" }),
  binding: {
    kind: "http",
    source: "api",
    method: "DELETE",
    path: "/v1/secrets/{path}",
    params: [
      {
        arg: "path",
        name: "path",
        in: "path",
        style: "simple",
        explode: false,
        required: true,
        multiSegment: true,
      },
      { arg: "tenant", name: "X-Tenant", in: "header", style: "simple", explode: false, required: false },
    ],
    security: [],
    success: { status: "200" },
  },
};
const args = { path: "integrations/old", tenant: "acme" };
/** The request line as the runtime gives it to the confirmation step (the executor's encoding). */
const line = (t: CatalogTool, a: Record<string, unknown>) =>
  t.binding.kind === "http" ? requestLine(t.binding, a) : undefined;

function setup() {
  const tokens = new ConfirmationTokens({
    key: deriveKey("app", "confirmation", "x".repeat(20)),
    ttlSeconds: 300,
  });
  return { tokens, step: confirmationStep(tokens, pattern, "token", line) };
}

async function preview(step: ReturnType<typeof setup>["step"], a: Record<string, unknown> = args) {
  const { outcome, executed } = await runStep(step, ctxFor(del, a));
  expect(executed).toBeUndefined();
  expect(outcome.error?.code).toBe("confirmation_required");
  return JSON.parse(outcome.error!.message);
}

describe("confirmation: preview and token", () => {
  it("a call without a token returns a preview and changes nothing", async () => {
    const { step } = setup();
    const p = await preview(step);
    expect(p).toMatchObject({
      confirmation_required: true,
      tool: "app_delete_secret",
      would: "DELETE /v1/secrets/integrations/old",
      arguments: args,
      correlation_id: "c0ffee000000",
    });
    expect(p.confirmation_token).toMatch(/^tw1\./);
    expect(Date.parse(p.expires_at)).toBeGreaterThan(Date.now());
    expect(p.next).toMatch(/repeat the identical call with confirmation_token/);
  });

  it("a token runs only for the principal that got the preview", async () => {
    const { step } = setup();
    const alice = { kind: "jwt" as const, issuer: "https://id.example", subject: "alice", clientId: "a" };
    const as = (principal: ClientInfo["principal"], a: Record<string, unknown>) =>
      ctxFor(del, a, { client: { capabilities: {}, era: "legacy", principal } });
    const first = await runStep(step, as(alice, args));
    const { confirmation_token } = JSON.parse(first.outcome.error!.message);
    for (const other of [{ ...alice, subject: "bob" }, { kind: "static-key" as const }, undefined]) {
      const { executed, outcome } = await runStep(step, as(other, { ...args, confirmation_token }));
      expect(executed).toBeUndefined();
      expect(outcome.error?.message).toMatch(/confirmation_token was issued to another caller/);
      expect(outcome.error?.message).not.toContain(confirmation_token);
    }
    expect((await runStep(step, as({ ...alice }, { ...args, confirmation_token }))).executed).toEqual(args);
  });

  it("the identical call with the token runs once, without the token in its arguments", async () => {
    const { step } = setup();
    const { confirmation_token } = await preview(step);
    const ctx = ctxFor(del, { ...args, confirmation_token });
    const first = await runStep(step, ctx);
    expect(first.executed).toEqual(args);
    expect(ctx.notes.get("policy.applied")).toEqual(["confirmation:token"]);
    const again = await runStep(step, ctxFor(del, { ...args, confirmation_token }));
    expect(again.executed).toBeUndefined();
    expect(again.outcome.error?.message).toMatch(/confirmation_token was already used/);
  });

  it.each([
    ["other arguments", { path: "integrations/other", tenant: "acme" }, /issued for other arguments/],
    ["a dropped argument", { path: "integrations/old" }, /issued for other arguments/],
  ])("a token is refused for %s", async (_label, other, message) => {
    const { step } = setup();
    const { confirmation_token } = await preview(step);
    const { outcome, executed } = await runStep(step, ctxFor(del, { ...other, confirmation_token }));
    expect(executed).toBeUndefined();
    expect(outcome.error?.code).toBe("refused");
    expect(outcome.error?.message).toMatch(message);
  });

  it("a token for another tool is refused", async () => {
    const { step } = setup();
    const other = { ...del, name: "app_delete_other" };
    const { outcome } = await runStep(step, ctxFor(other, args));
    const token = JSON.parse(outcome.error!.message).confirmation_token;
    const { executed, outcome: refused } = await runStep(
      step,
      ctxFor(del, { ...args, confirmation_token: token }),
    );
    expect(executed).toBeUndefined();
    expect(refused.error?.message).toMatch(/issued for another tool/);
  });

  it.each([
    ["a made-up token", "yes"],
    ["true", true],
    ["an object", { confirm: true }],
    ["an empty string", ""],
  ])("%s is refused", async (_label, confirmation_token) => {
    const { step } = setup();
    const { executed, outcome } = await runStep(step, ctxFor(del, { ...args, confirmation_token }));
    expect(executed).toBeUndefined();
    expect(outcome.error?.message).toMatch(
      /^refused by confirmation: the confirmation_token is not a confirmation token/,
    );
  });

  it("tools without confirm: required pass untouched", async () => {
    const { step } = setup();
    expect((await runStep(step, ctxFor(tool("app_read"), { path: "x" }))).executed).toEqual({ path: "x" });
  });

  it("nested calls from handlers get a preview too, never an elicitation", async () => {
    const { step } = setup();
    const ctx = ctxFor(del, args, {
      entry: "handler",
      depth: 1,
      client: { capabilities: { elicitation: {} }, era: "legacy" },
    });
    const { outcome } = await runStep(step, ctx);
    expect(outcome.error?.code).toBe("confirmation_required");
    expect(pendingElicitation(ctx)).toBeUndefined();
  });
});

describe("confirmation: elicitation", () => {
  const elicitingClient = { capabilities: { elicitation: { form: {} } }, era: "modern" as const };

  async function ask(step: ReturnType<typeof setup>["step"]) {
    const ctx = ctxFor(del, args, { client: elicitingClient });
    const { outcome, executed } = await runStep(step, ctx);
    expect(executed).toBeUndefined();
    expect(outcome.error?.code).toBe("input_required");
    return pendingElicitation(ctx)!;
  }

  it("asks a client that declared form elicitation", async () => {
    const { step } = setup();
    const pending = await ask(step);
    expect(pending.key).toBe("confirm");
    expect(pending.message).toMatch(/DELETE \/v1\/secrets\/integrations\/old/);
    expect(pending.requestedSchema).toMatchObject({ type: "object", required: ["confirm"] });
    expect(pending.requestedSchema.properties.confirm?.type).toBe("boolean");
    expect(pending.state).toMatch(/^tw1\./);
  });

  it("cuts the request line and each value between escapes and characters, never inside one", async () => {
    // The request line is cut at 600 characters and each value's JSON at 200. Before, the cut fell where it fell:
    // `%2` of `%20` (a different escape to whoever reads it), `\u20` of `\u202e`, a lone `\` of `\"`.
    const { step } = setup();
    const asked = async (a: Record<string, unknown>) => {
      const ctx = ctxFor(del, a, { client: elicitingClient });
      await runStep(step, ctx);
      return pendingElicitation(ctx)!.message;
    };
    const prefix = "DELETE /v1/secrets/".length;
    for (const shift of [0, 1, 2]) {
      // `%20` at 599 (the cut leaves `%`), 598 (`%2`), 597 (whole: the cut falls after it).
      const line = `DELETE /v1/secrets/${"p".repeat(600 - prefix - 1 - shift)}%20tail`;
      const kept = shift === 2 ? line.slice(0, 600) : line.slice(0, 599 - shift);
      const message = await asked({ path: `${"p".repeat(600 - prefix - 1 - shift)} tail`, tenant: "acme" });
      expect(message).toContain(`: ${kept}… (${line.length - kept.length} more characters). Arguments:`);
      for (const tenant of [
        `${"t".repeat(198 - shift)}"tail`,
        `${"t".repeat(197 - shift)}\u202etail`,
        `${"t".repeat(198 - shift)}😀tail`,
      ]) {
        const json = JSON.stringify(tenant).replace("\u202e", "\\u202e");
        const message = await asked({ path: "a", tenant });
        const [, shown, more] = /tenant: (.*?)… \((\d+) more characters\)\./u.exec(message)!;
        expect(json.startsWith(shown!) && shown!.length + Number(more) === json.length).toBe(true);
        expect(shown!.length).toBeGreaterThan(200 - 6);
        expect(shown).toMatch(/(t|a|i|\\"|\\u202e|😀)$/u);
      }
    }
  });

  const retry = (state: string, responses: Record<string, unknown>, a = args) =>
    ctxFor(del, a, { client: elicitingClient, input: { state, responses } });

  it("runs on accept with the box ticked, once", async () => {
    const { step } = setup();
    const { state } = await ask(step);
    const accept = { confirm: { action: "accept", content: { confirm: true } } };
    expect((await runStep(step, retry(state, accept))).executed).toEqual(args);
    expect((await runStep(step, retry(state, accept))).outcome.error?.message).toMatch(/already used/);
  });

  it.each([
    ["decline", { confirm: { action: "decline" } }, /the user declined/],
    ["cancel", { confirm: { action: "cancel" } }, /the user cancelled/],
    [
      "accept without the box",
      { confirm: { action: "accept", content: { confirm: false } } },
      /did not tick/,
    ],
    ["accept with a string", { confirm: { action: "accept", content: { confirm: "true" } } }, /did not tick/],
    ["no answer", {}, /gave no answer/],
    [
      "an answer under another key",
      { other: { action: "accept", content: { confirm: true } } },
      /gave no answer/,
    ],
  ])("refuses on %s", async (_label, responses, message) => {
    const { step } = setup();
    const { state } = await ask(step);
    const { outcome, executed } = await runStep(step, retry(state, responses));
    expect(executed).toBeUndefined();
    expect(outcome.error?.message).toMatch(message);
  });

  it("an accept does not carry over to other arguments, and a forged state is refused", async () => {
    const { step } = setup();
    const { state } = await ask(step);
    const accept = { confirm: { action: "accept", content: { confirm: true } } };
    const other = await runStep(step, retry(state, accept, { path: "integrations/other", tenant: "acme" }));
    expect(other.executed).toBeUndefined();
    const forged = await runStep(step, retry("tw1.e30.AAAA", accept));
    expect(forged.executed).toBeUndefined();
    expect(forged.outcome.error?.message).toMatch(/state is not a confirmation token this server issued/);
  });

  it("another principal cannot answer a round the first one was asked", async () => {
    const { step } = setup();
    const alice = { kind: "jwt" as const, issuer: "https://id.example", subject: "alice" };
    const asked = ctxFor(del, args, { client: { ...elicitingClient, principal: alice } });
    await runStep(step, asked);
    const { state } = pendingElicitation(asked)!;
    const accept = { confirm: { action: "accept", content: { confirm: true } } };
    const as = (principal?: typeof alice) =>
      ctxFor(del, args, { client: { ...elicitingClient, principal }, input: { state, responses: accept } });
    for (const other of [{ ...alice, subject: "bob" }, undefined]) {
      const { executed, outcome } = await runStep(step, as(other));
      expect(executed).toBeUndefined();
      expect(outcome.error?.message).toMatch(/state was issued to another caller/);
    }
    expect((await runStep(step, as({ ...alice }))).executed).toEqual(args);
  });

  it("an elicitation state is not accepted as a confirmation_token argument", async () => {
    const { step } = setup();
    const { state } = await ask(step);
    const { executed, outcome } = await runStep(step, ctxFor(del, { ...args, confirmation_token: state }));
    expect(executed).toBeUndefined();
    expect(outcome.error?.message).toMatch(/not a confirmation token this server issued/);
  });

  it.each([
    [{ elicitation: {} }, true],
    [{ elicitation: { form: {} } }, true],
    [{ elicitation: { form: {}, url: {} } }, true],
    [{ elicitation: { url: {} } }, false],
    [{}, false],
    [undefined, false],
  ])("capabilities %j support form elicitation: %s", (capabilities, want) => {
    expect(supportsFormElicitation({ capabilities, era: "legacy" })).toBe(want);
  });
});

describe("preview text", () => {
  it("describes HTTP, GraphQL and custom bindings", () => {
    // The request line as sent: a multi-segment path keeps its slashes, each segment encoded.
    expect(describeAction(del, { path: "a/b c" }, line)).toBe("DELETE /v1/secrets/a/b%20c");
    // Without the runtime's request line (or for arguments that would be refused), the template.
    expect(describeAction(del, { path: "a/b" })).toBe("DELETE /v1/secrets/{path}");
    expect(describeAction(del, { path: "a/../b" }, line)).toBe("DELETE /v1/secrets/{path}");
    const gql: CatalogTool = {
      ...del,
      binding: {
        kind: "graphql",
        source: "g",
        operationType: "mutation",
        operationName: "deleteStack",
        document: "mutation deleteStack($id: ID!) {\n  deleteStack(id: $id) {\n    id\n  }\n}",
        variables: [],
      },
    };
    // The document as sent, on one line (the variables are the arguments beside it).
    expect(describeAction(gql, {})).toBe("mutation deleteStack($id: ID!) { deleteStack(id: $id) { id } }");
    expect(
      describeAction(
        { ...del, summary: "handler wipe.ts", binding: { kind: "custom", handler: "w", module: "m" } },
        {},
      ),
    ).toBe("handler wipe.ts");
  });

  it("masks secret-looking arguments and key/value write values", () => {
    const t = tool("set", { secretKeys: { keysArg: "vars", valuesArg: "raw" } });
    expect(
      redactedArguments(
        t,
        { vars: { PORT: "1" }, raw: "v", api_key: "k", name: "n", confirmation_token: "t" },
        pattern,
      ),
    ).toEqual({ vars: { PORT: MASK }, raw: MASK, api_key: MASK, name: "n" });
  });
});

describe("confirmation across processes of one server", () => {
  // Each process of a server started without the shared secret signs with a key of its own: a token one issued is
  // refused by another. That is what a bridge which starts a server per request does (supergateway 4.0's stateless
  // stdio -> Streamable HTTP: the preview came from one toolwright process, the confirmed call reached the next),
  // and replicas without the secret; the refusal says why and what the operator sets. The processes share their
  // state store (spent tokens), as replicas do.
  const doc = docWith([del]);
  const state = createMemoryStore();
  const stepOf = (env: Record<string, string>) =>
    confirmationStep(policiesFor(doc, env, { audit: false, state }).tokens, pattern);

  it("without the shared secret another process refuses the token and names the env that shares the key", async () => {
    const { confirmation_token } = await preview(stepOf({}));
    const { executed, outcome } = await runStep(stepOf({}), ctxFor(del, { ...args, confirmation_token }));
    expect(executed).toBeUndefined();
    expect(outcome.error?.message).toMatch(
      /not a confirmation token this server issued; nothing was changed/,
    );
    expect(outcome.error?.message).toMatch(
      /a key of its own process.*set APP_CONFIRM_SECRET to the same value/,
    );
  });

  it("with the shared secret another process accepts it; a forged token is refused without the note", async () => {
    const env = { APP_CONFIRM_SECRET: "one-secret-for-every-process" };
    const { confirmation_token } = await preview(stepOf(env));
    const other = stepOf(env);
    const accepted = await runStep(other, ctxFor(del, { ...args, confirmation_token }));
    expect(accepted.outcome.error?.message ?? "").toBe("");
    expect(accepted.executed).toEqual(args);
    const forged = `${confirmation_token.slice(0, -4)}AAAA`;
    const { outcome } = await runStep(stepOf(env), ctxFor(del, { ...args, confirmation_token: forged }));
    expect(outcome.error?.message).toMatch(/not a confirmation token this server issued/);
    expect(outcome.error?.message).not.toMatch(/own process/);
  });
});
