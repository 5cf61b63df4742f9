import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../codegen/audit/report.js";
import { classifyGraphql, classifyHttp } from "../../codegen/bind/classify.js";
import type { CatalogDocument, HttpMethod } from "../../src/catalog.js";
import { errorsOf, genManifest, genSpec, writeTree } from "../helpers/generate.js";

/**
 * Safety beyond the HTTP method: writes that move money, delete, revoke, cancel, send, deploy or grant are
 * destructive (confirmation by default), with a reason; a word counts only where it is what the operation does.
 * Cases follow the naming styles of real specs: Stripe (method-led operationIds, POST for updates), GitHub
 * (`namespace/verb-object`), Shopify (`objectVerb` GraphQL fields), Slack/Twilio (RPC paths).
 */

type Row = [HttpMethod, string, string | undefined, string | undefined, string | undefined];

const CONSEQUENTIAL: Array<[...Row, string]> = [
  // Stripe: creating refunds, payouts, transfers and charges moves money; their actions too.
  [
    "POST",
    "/v1/refunds",
    "PostRefunds",
    "Create a refund",
    undefined,
    'moves money or ownership: "refunds" in the path',
  ],
  [
    "POST",
    "/v1/payouts",
    "PostPayouts",
    undefined,
    "<p>To send funds to your bank account, create a new payout.</p>",
    "moves money",
  ],
  [
    "POST",
    "/v1/transfers",
    "PostTransfers",
    undefined,
    undefined,
    'moves money or ownership: "transfers" in the path',
  ],
  ["POST", "/v1/charges", "PostCharges", undefined, "Use this to charge a card.", "moves money"],
  [
    "POST",
    "/v1/charges/{charge}/capture",
    "PostChargesChargeCapture",
    undefined,
    undefined,
    '"capture" in the path',
  ],
  [
    "POST",
    "/v1/charges/{charge}/refund",
    "PostChargesChargeRefund",
    undefined,
    undefined,
    '"refund" in the path',
  ],
  [
    "POST",
    "/v1/payouts/{payout}/cancel",
    "PostPayoutsPayoutCancel",
    undefined,
    undefined,
    'cancels or reverses: "cancel"',
  ],
  [
    "POST",
    "/v1/transfers/{id}/reversals",
    "PostTransfersIdReversals",
    undefined,
    undefined,
    'cancels or reverses: "reversals" in the path',
  ],
  [
    "POST",
    "/v1/invoices/{invoice}/pay",
    "PostInvoicesInvoicePay",
    "Pay an invoice",
    undefined,
    '"pay" in the path',
  ],
  [
    "POST",
    "/v1/invoices/{invoice}/void",
    "PostInvoicesInvoiceVoid",
    undefined,
    undefined,
    'cancels or reverses: "void" in the path',
  ],
  // GitHub.
  [
    "POST",
    "/repos/{owner}/{repo}/transfer",
    "repos/transfer",
    "Transfer a repository",
    undefined,
    '"transfer"',
  ],
  [
    "PUT",
    "/repos/{owner}/{repo}/collaborators/{username}",
    "repos/add-collaborator",
    "Add a repository collaborator",
    undefined,
    "grants access or permissions",
  ],
  [
    "PUT",
    "/orgs/{org}/memberships/{username}",
    "orgs/set-membership-for-user",
    "Set organization membership for a user",
    undefined,
    '"memberships" in the path',
  ],
  [
    "PUT",
    "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    "pulls/merge",
    "Merge a pull request",
    undefined,
    '"merge"',
  ],
  [
    "POST",
    "/repos/{owner}/{repo}/deployments",
    "repos/create-deployment",
    "Create a deployment",
    undefined,
    '"deployment"',
  ],
  [
    "POST",
    "/credentials/revoke",
    "credentials/revoke",
    "Revoke a list of credentials",
    undefined,
    "revokes or disables access",
  ],
  [
    "POST",
    "/enterprises/{e}/teams/{t}/memberships/remove",
    "enterprise-team-memberships/bulk-remove",
    "Bulk remove team members",
    undefined,
    '"remove"',
  ],
  [
    "POST",
    "/orgs/{org}/invitations",
    "orgs/create-invitation",
    "Create an organization invitation",
    undefined,
    "sends messages",
  ],
  // RPC paths and verbs in summaries or descriptions only.
  [
    "POST",
    "/chat.postMessage",
    "chat_postMessage",
    undefined,
    undefined,
    'sends messages or publishes: "message" in the path',
  ],
  [
    "POST",
    "/Accounts/{AccountSid}/Messages.json",
    "CreateMessage",
    "Send a message",
    undefined,
    "sends messages",
  ],
  [
    "POST",
    "/api/v2/apps/{id}/actions",
    undefined,
    "Restart the app",
    undefined,
    'deploys, releases, migrates or restarts: "restart" in the summary',
  ],
  [
    "POST",
    "/things/{id}/x",
    undefined,
    undefined,
    "This endpoint permanently deletes the thing and its history.",
    'deletes or destroys data: "deletes" in the description',
  ],
  ["PATCH", "/users/{id}", "suspendUser", undefined, undefined, 'revokes or disables access: "suspend"'],
  ["POST", "/api/createRefund", undefined, undefined, undefined, '"refund" in the path'],
];

const NOT_CONSEQUENTIAL: Row[] = [
  // Stripe updates (POST to an item) and creations of harmless objects.
  ["POST", "/v1/payouts/{payout}", "PostPayoutsPayout", "Update a payout", undefined],
  ["POST", "/v1/transfers/{transfer}", "PostTransfersTransfer", undefined, undefined],
  ["POST", "/v1/refunds/{refund}", "PostRefundsRefund", undefined, undefined],
  ["POST", "/v1/customers", "PostCustomers", "Create a customer", undefined],
  ["POST", "/v1/payment_methods", "PostPaymentMethods", "Create a PaymentMethod", undefined],
  ["POST", "/v1/payment_methods", "createPaymentMethod", "Create a payment method for a customer", undefined],
  // GitHub: the object is not what the verb-like word says.
  [
    "POST",
    "/user/emails",
    "users/add-email-for-authenticated-user",
    "Add an email address for the authenticated user",
    undefined,
  ],
  ["POST", "/repos/{owner}/{repo}/keys", "repos/create-deploy-key", "Create a deploy key", undefined],
  [
    "POST",
    "/orgs/{org}/actions/runners/remove-token",
    "actions/create-remove-token-for-org",
    "Create a remove token for an organization",
    undefined,
  ],
  [
    "POST",
    "/repos/{owner}/{repo}/releases/{id}/reactions",
    "reactions/create-for-release",
    "Create reaction for a release",
    undefined,
  ],
  [
    "PATCH",
    "/enterprises/{e}/settings",
    "updateEnterpriseMembersCanDeleteIssuesSetting",
    undefined,
    undefined,
  ],
  // A description addressing the caller does not count when a summary says what the call does.
  [
    "POST",
    "/db/migrations/plan",
    "planDatabaseMigrations",
    "Compare migration files with the database",
    "Send every migration file of the project.",
  ],
  ["PUT", "/v1/secrets/{path}", "writeSecret", "Write a secret", undefined],
];

describe("HTTP operations", () => {
  it.each(CONSEQUENTIAL)(
    "%s %s (%s) is destructive",
    (method, path, operationId, summary, description, reason) => {
      const basis = classifyHttp({ method, path, operationId, summary, description });
      expect(basis).toMatchObject({ binding: "write", proposed: "destructive" });
      expect(basis.reasons.join("\n")).toContain(reason);
    },
  );

  it.each(NOT_CONSEQUENTIAL)(
    "%s %s (%s) stays a write",
    (method, path, operationId, summary, description) => {
      expect(classifyHttp({ method, path, operationId, summary, description })).toEqual({
        binding: "write",
        proposed: "write",
        reasons: [],
      });
    },
  );

  it("reads are never raised, DELETE is destructive by its method, and nothing is lowered", () => {
    expect(classifyHttp({ method: "GET", path: "/v1/refunds", operationId: "deleteAll" })).toEqual({
      binding: "read",
      proposed: "read",
      reasons: ["GET method"],
    });
    expect(classifyHttp({ method: "DELETE", path: "/v1/things/{id}", summary: "Archive a thing" })).toEqual({
      binding: "destructive",
      proposed: "destructive",
      reasons: ["DELETE method"],
    });
  });

  it("gives one reason per category, names first", () => {
    const basis = classifyHttp({
      method: "POST",
      path: "/v1/subscriptions/{id}/cancel",
      operationId: "cancelAndRefundSubscription",
      summary: "Cancel a subscription and refund it",
    });
    expect(basis.reasons).toEqual([
      'cancels or reverses: "cancel" in the operationId cancelAndRefundSubscription',
    ]);
  });
});

describe("GraphQL mutations", () => {
  const cases: Array<[string, string | undefined, "write" | "destructive"]> = [
    ["deleteStack", undefined, "destructive"],
    ["removeUsersFromGroup", undefined, "destructive"],
    ["revokeApiKey", undefined, "destructive"],
    ["orderCancel", undefined, "destructive"],
    ["refundCreate", undefined, "destructive"],
    ["transferCreate", undefined, "destructive"],
    ["inviteUser", undefined, "destructive"],
    ["deployApp", undefined, "destructive"],
    ["grantRole", undefined, "destructive"],
    ["unlinkRepository", "Deletes a link between a repository and a project.", "destructive"],
    ["createStack", "Create a stack.", "write"],
    ["productUpdate", undefined, "write"],
    ["addComment", "Adds a comment to an issue.", "write"],
    ["updateMembersCanDeleteReposSetting", undefined, "write"],
  ];
  it.each(cases)("mutation %s is %s", (field, description, expected) => {
    const basis = classifyGraphql({ operationType: "mutation", field, operationName: field, description });
    expect(basis.proposed).toBe(expected);
    expect(basis.binding).toBe("write");
    if (expected === "destructive") expect(basis.reasons.length).toBeGreaterThan(0);
  });

  it("queries and subscriptions are reads whatever their names", () => {
    expect(
      classifyGraphql({ operationType: "query", field: "deletedItems", operationName: "q" }).proposed,
    ).toBe("read");
  });
});

const SPEC = `openapi: 3.0.3
info: { title: Pay Ops, version: "1" }
servers: [{ url: https://pay.example.com }]
tags: [{ name: money }]
paths:
  /v1/refunds:
    post:
      operationId: PostRefunds
      tags: [money]
      summary: Create a refund
      responses: { "200": { description: ok } }
  /v1/refunds/{refund}:
    post:
      operationId: PostRefundsRefund
      tags: [money]
      summary: Update a refund
      parameters: [{ name: refund, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
    delete:
      operationId: DeleteRefund
      tags: [money]
      parameters: [{ name: refund, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: gone } }
  /v1/search:
    post:
      operationId: search
      responses: { "200": { description: ok } }
`;

describe("in a generated catalog", () => {
  it("a bare spec's consequential writes are destructive, confirm first and say why", async () => {
    const dir = writeTree("classify-bare", { "openapi.yaml": SPEC });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "payops", "test/.tmp/classify-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const refund = doc.tools.find((t) => t.name === "post_refunds");
    expect(refund).toMatchObject({
      safety: "destructive",
      annotations: { destructiveHint: true, readOnlyHint: false },
      policy: { confirm: "required" },
      tags: ["money"],
      safetyBasis: { binding: "write", proposed: "destructive" },
    });
    expect(refund?.safetyBasis?.reasons[0]).toContain('"refunds" in the path /v1/refunds');
    expect(JSON.stringify(refund?.inputSchema)).toContain("confirmation_token");
    const update = doc.tools.find((t) => t.name === "post_refunds_refund");
    expect(update?.safety).toBe("write");
    // Decided by the binding alone: no basis written (the summary says DELETE).
    expect(doc.tools.find((t) => t.name === "delete_refund")?.safetyBasis).toBeUndefined();
    expect(cat?.files.get("CATALOG.md")).toContain(
      'Safety: classified destructive (write by its binding): moves money or ownership: "refunds" in the path /v1/refunds.',
    );
  });

  it("the manifest decides; audit reports classes below the binding's (high) and the classifier's (review)", async () => {
    const dir = writeTree("classify-manifest", {
      "openapi.yaml": SPEC,
      "tools.yaml": `catalog: payops
sources: { api: { openapi: ./openapi.yaml } }
tools:
  create_refund: { from: PostRefunds, safety: write, tags: [ops, money] }
  delete_refund: { from: DeleteRefund, safety: write }
  search: { from: search, safety: read }
  update_refund: { from: PostRefundsRefund, safety: destructive }
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/classify-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const byName = (n: string) => doc.tools.find((t) => t.name === n);
    expect(byName("create_refund")).toMatchObject({
      safety: "write",
      tags: ["money", "ops"],
      safetyBasis: { binding: "write", proposed: "destructive", manifest: "write" },
    });
    expect(byName("create_refund")?.policy.confirm).toBeUndefined();
    const report = buildReport(doc);
    expect(report.findings.map((f) => [f.tool, f.severity, f.kind])).toEqual([
      ["create_refund", "review", "overrides-classifier"],
      ["delete_refund", "high", "weakens-binding"],
      ["search", "high", "weakens-binding"],
    ]);
    expect(report.findings[0]?.message).toBe(
      "the manifest's safety: write overrides the classifier's destructive (moves money or ownership: \"refunds\" in the path /v1/refunds)",
    );
    expect(report.findings[1]?.message).toBe(
      "the manifest's safety: write weakens its binding's destructive (DELETE method)",
    );
    expect(report.tools.find((t) => t.name === "update_refund")?.classification).toEqual({
      decidedBy: "manifest",
      binding: "write",
      proposed: "write",
      reasons: [],
      manifest: "destructive",
    });
  });
});
