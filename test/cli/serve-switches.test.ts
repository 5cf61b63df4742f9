import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { BIN, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * Safety for a catalog generated straight from a spec (no manifest, so no policy of its own): serve's run-time
 * switches, as flags and as env, over stdio with a real client, in front of a recording upstream.
 */

const SPEC = `openapi: 3.0.3
info: { title: Shop Ops, version: "1" }
paths:
  /customers/{id}:
    get:
      operationId: getCustomer
      tags: [customers]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: string }
                  email: { type: string }
                  card: { type: object, properties: { last4: { type: string }, fingerprint: { type: string } } }
    delete:
      operationId: deleteCustomer
      tags: [customers]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: gone } }
  /refunds:
    post:
      operationId: createRefund
      tags: [money]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /orders:
    get:
      operationId: listOrders
      tags: [orders]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

let upstream: RecordingServer;
let dir: string;

beforeAll(async () => {
  upstream = await startRecordingServer((req, res) => {
    if (req.path === "/customers/c1")
      sendJson(res, 200, {
        id: "c1",
        email: "ann@example.com",
        card: { last4: "4242", fingerprint: "fp-canary" },
      });
    if (req.path === "/orders")
      sendJson(res, 200, { orders: [{ id: "o1", customer: { email: "bob@example.com" } }] });
  });
  const tree = writeTree("serve-switches", { "openapi.yaml": SPEC });
  const out = join(tree, "catalog");
  const { cat, diags } = await genSpec(join(tree, "openapi.yaml"), "shop", out.slice(ROOT.length + 1));
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  dir = out;
});
afterAll(() => upstream?.close());

describe("serve's policy switches on a bare catalog", () => {
  it("flags: --read-only hides writes, --deny takes a tag, --mask masks a field at any depth", async () => {
    const served = await serveOverStdio(dir, { SHOP_BASE_URL: upstream.url }, {}, [
      "--read-only",
      "--deny",
      "tag:orders",
      "--mask",
      "fingerprint,email",
    ]);
    try {
      const names = (await served.client.listTools()).tools.map((t) => t.name);
      expect(names).toEqual(["get_customer"]);
      const read = await served.client.callTool({ name: "get_customer", arguments: { id: "c1" } });
      expect(read.structuredContent).toEqual({
        id: "c1",
        email: "••••••",
        card: { last4: "4242", fingerprint: "••••••" },
      });
      const refund = await served.client.callTool({ name: "create_refund", arguments: {} });
      expect(refund.isError).toBe(true);
      expect((refund.content as Array<{ text: string }>)[0]?.text).toMatch(
        /^refused by --read-only: create_refund moves money or ownership; serve without --read-only to allow writes/,
      );
      await expect(served.client.callTool({ name: "list_orders", arguments: {} })).rejects.toMatchObject({
        code: -32602,
      });
      // Written before the first answer, but on stderr, its own pipe, read after stdout's: waited for there.
      await served.waitForStderr("serving shop (1 of 4 tools) over stdio");
      expect(upstream.received.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /customers/c1"]);
    } finally {
      await served.close();
    }
  });

  it("env: TOOLWRIGHT_ALLOW and TOOLWRIGHT_MASK; a typo in a selector stops the server with exit 2", async () => {
    upstream.received.length = 0;
    const served = await serveOverStdio(dir, {
      SHOP_BASE_URL: upstream.url,
      TOOLWRIGHT_ALLOW: "safety:read",
      TOOLWRIGHT_MASK: "email",
    });
    try {
      const names = (await served.client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual(["get_customer", "list_orders"]);
      const orders = await served.client.callTool({ name: "list_orders", arguments: {} });
      expect(JSON.stringify(orders.structuredContent)).not.toContain("bob@example.com");
    } finally {
      await served.close();
    }
    const typo = spawnSync(process.execPath, [BIN, "serve", dir, "--deny", "delete_custmer"], {
      encoding: "utf8",
      input: "",
      env: { PATH: process.env.PATH ?? "", SHOP_BASE_URL: upstream.url },
    });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('--deny: "delete_custmer" matches no tool of catalog shop');
  });
});
