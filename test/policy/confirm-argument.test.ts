import { describe, expect, it } from "vitest";
import type { CatalogTool } from "../../src/catalog.js";
import { confirmationStep, pendingElicitation } from "../../src/policy/confirm.js";
import { ConfirmationTokens, deriveKey } from "../../src/policy/confirm-token.js";
import { ctxFor, runStep, tool } from "./helpers.js";

/**
 * `policy.confirmation.mode: argument`: the contract of servers whose destructive tools take `confirm: true` (the
 * Scaly seed's "preview-first; delete requires confirm"). Without it: a preview, nothing runs. With it: the call runs,
 * after asking the user where the client can answer a form. The executor never sees `confirm`.
 */

const pattern = /(secret|token|passw(or)?d|api[_-]?key)/i;
const del: CatalogTool = {
  ...tool("app_delete_stack", { confirm: "required" }, { safety: "destructive" }),
  binding: {
    kind: "graphql",
    source: "control",
    operationType: "mutation",
    operationName: "DeleteStack",
    document: "mutation DeleteStack($id: ID!) { deleteStack(input: { id: $id }) { deletedStackId } }",
    variables: [{ arg: "id", name: "id" }],
  },
};
const args = { id: "stk_batch" };
const plain = { capabilities: {}, era: "legacy" as const };
const eliciting = { capabilities: { elicitation: { form: {} } }, era: "modern" as const };

function step() {
  const tokens = new ConfirmationTokens({
    key: deriveKey("app", "confirmation", "y".repeat(20)),
    ttlSeconds: 300,
  });
  return confirmationStep(tokens, pattern, "argument");
}

describe("confirmation mode argument", () => {
  it.each([
    ["no confirm", {}],
    ["confirm: false", { confirm: false }],
    ["confirm: 'true' (a string is no confirmation)", { confirm: "true" }],
    ["confirm: 1", { confirm: 1 }],
  ])("%s: a preview that changes nothing and says how to go ahead", async (_label, extra) => {
    const { outcome, executed } = await runStep(
      step(),
      ctxFor(del, { ...args, ...extra }, { client: plain }),
    );
    expect(executed).toBeUndefined();
    expect(outcome.error?.code).toBe("confirmation_required");
    const preview = JSON.parse(outcome.error!.message);
    expect(preview).toMatchObject({
      confirmation_required: true,
      tool: "app_delete_stack",
      would: "mutation DeleteStack($id: ID!) { deleteStack(input: { id: $id }) { deletedStackId } }",
      arguments: args,
    });
    expect(preview.next).toContain("confirm: true");
    expect(preview.confirmation_token).toBeUndefined();
  });

  it("confirm: true runs the call without confirm in the executed arguments, noted for the audit", async () => {
    const ctx = ctxFor(del, { ...args, confirm: true }, { client: plain });
    const { outcome, executed } = await runStep(step(), ctx);
    expect(outcome.error).toBeUndefined();
    expect(executed).toEqual(args);
    expect(ctx.notes.get("policy.applied")).toContain("confirmation:argument");
  });

  it("a client that can answer a form is asked as well; only an accept runs, exactly what was shown", async () => {
    const s = step();
    const ask = async () => {
      const ctx = ctxFor(del, { ...args, confirm: true }, { client: eliciting });
      const asked = await runStep(s, ctx);
      expect(asked.executed).toBeUndefined();
      expect(asked.outcome.error?.code).toBe("input_required");
      return pendingElicitation(ctx)!;
    };
    const retry = (state: string, responses: Record<string, unknown>, a: Record<string, unknown> = args) =>
      ctxFor(del, { ...a, confirm: true }, { client: eliciting, input: { state, responses } });
    const accept = { confirm: { action: "accept", content: { confirm: true } } };

    const first = await ask();
    expect(first.message).toContain("mutation DeleteStack");
    const declined = await runStep(s, retry(first.state, { confirm: { action: "decline" } }));
    expect(declined.executed).toBeUndefined();
    expect(declined.outcome.error?.message).toMatch(/declined/);
    // An answer is spent with its question: a declined state does not run on a later accept.
    expect((await runStep(s, retry(first.state, accept))).executed).toBeUndefined();

    const second = await ask();
    const other = await runStep(s, retry(second.state, accept, { id: "stk_production" }));
    expect(other.executed).toBeUndefined();
    expect(other.outcome.error?.message).toMatch(/other arguments/);
    expect((await runStep(s, retry(second.state, accept))).executed).toEqual(args);
  });

  it("without confirm, even a client that can answer a form gets the preview first (the seed's order)", async () => {
    const ctx = ctxFor(del, args, { client: eliciting });
    const { outcome } = await runStep(step(), ctx);
    expect(outcome.error?.code).toBe("confirmation_required");
    expect(pendingElicitation(ctx)).toBeUndefined();
  });

  it("a confirmation_token is not this mode's way in", async () => {
    const { outcome, executed } = await runStep(
      step(),
      ctxFor(del, { ...args, confirmation_token: "tw1.a.b" }, { client: plain }),
    );
    expect(executed).toBeUndefined();
    expect(outcome.error?.code).toBe("confirmation_required");
  });
});
