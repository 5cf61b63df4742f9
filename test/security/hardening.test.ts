import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Findings of the independent security review that need operations ScaiVault does not have: object arguments
 * that would add query or cookie names (the credential's, the locked tenant's), form bodies with `encoding`
 * styles, and argument and result names like `Object.prototype` members. A catalog generated from
 * test/security/hardening, served over stdio (`toolwright serve <folder>`) in front of a real HTTP server on
 * 127.0.0.1, asserting what that server received.
 */

const KEY = "query-key-canary-4b1e";
const SESSION = "session-canary-93d0";

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const { dir } = await genToDisk(join(ROOT, "test/security/hardening/tools.yaml"), tmpDir("hardening"));
  upstream = await startRecordingServer((req, res) => {
    if (req.path === "/v1/probe") return sendJson(res, 200, { ok: true, nested: {} });
    if (req.path === "/v1/search") return sendJson(res, 200, { items: [] });
    if (req.path === "/v1/customers") return sendJson(res, 200, { id: "cus_1" });
  });
  served = await serveOverStdio(dir, { HARD_URL: upstream.url, HARD_KEY: KEY, HARD_SESSION: SESSION });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});
beforeEach(() => {
  upstream.received.length = 0;
});

const text = (result: { content?: unknown }) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

describe("names like Object.prototype members", () => {
  it("omitting optional `constructor` and `toString` arguments is fine, and so is a result without them", async () => {
    const bare = await served.client.callTool({ name: "hard_probe", arguments: {} });
    expect(bare.isError, text(bare)).toBeFalsy();
    expect(bare.structuredContent).toEqual({ ok: true, nested: {} });
    const given = await served.client.callTool({
      name: "hard_probe",
      arguments: { constructor: 5, toString: "x" },
    });
    expect(given.isError, text(given)).toBeFalsy();
    expect(upstream.received.map((r) => [...r.query.entries()])).toEqual([
      [["api_key", KEY]],
      [
        ["constructor", "5"],
        ["toString", "x"],
        ["api_key", KEY],
      ],
    ]);
    const wrong = await served.client.callTool({ name: "hard_probe", arguments: { constructor: "five" } });
    expect(text(wrong)).toMatch(/^invalid arguments: constructor: /);
  });
});

describe("object arguments never add a name another source sets", () => {
  it.each([
    ["the credential's query parameter", { filter: { api_key: "attacker" } }, /override a credential/],
    ["in another case", { filter: { API_KEY: "attacker" } }, /override a credential/],
    [
      "the locked tenant",
      { filter: { tenant: "other-tenant" }, tenant: "acme" },
      /would both set the query parameter name "tenant"/,
    ],
    ["the credential's cookie", { prefs: { session: "attacker-session" } }, /keys would become cookie names/],
    // PHP drops a name's leading spaces and ends it at a NUL byte (php_register_variable_ex), so each of these is
    // the credential's `api_key` or the `tenant` there; PHP keeps the last value, and the absent `tenant` has none.
    ["the credential's, after spaces", { filter: { "  api_key": "attacker" } }, /override a credential/],
    ["the credential's, before a NUL", { filter: { "api_key\u0000x": "attacker" } }, /override a credential/],
    // A `[` with no `]` after it is no index to PHP: it is read as `_` (`api[key` is `api_key`).
    [
      "the credential's, with an unclosed bracket",
      { filter: { "api[key": "attacker" } },
      /override a credential/,
    ],
    [
      "the credential's, after a space, unclosed",
      { filter: { " API[KEY": "attacker" } },
      /override a credential/,
    ],
    [
      "the locked tenant, after a space",
      { tenant: "acme", filter: { " tenant": "other-tenant" } },
      /would both set the query parameter name "tenant"/,
    ],
    [
      "an absent argument's name, after a space",
      { filter: { " tenant": "other-tenant" } },
      /would set the query parameter name " tenant", which belongs to argument 'tenant'/,
    ],
  ])("%s: refused before any request", async (_label, args, message) => {
    const result = await served.client.callTool({ name: "hard_search", arguments: args });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(message);
    expect(text(result)).not.toContain(KEY);
    expect(upstream.received).toEqual([]);
  });

  it("other keys go out once each, next to exactly one credential", async () => {
    const result = await served.client.callTool({
      name: "hard_search",
      arguments: { filter: { status: "live" }, tenant: "acme" },
    });
    expect(result.isError, text(result)).toBeFalsy();
    const [req] = upstream.received;
    expect(req?.url).toBe(`/v1/search?status=live&tenant=acme&api_key=${KEY}`);
    expect(req?.headers.cookie).toBe(`session=${SESSION}`);
  });
});

describe("form bodies follow the spec's encoding", () => {
  it("deepObject objects, exploded and delimited arrays, as Stripe reads them", async () => {
    const result = await served.client.callTool({
      name: "hard_create_customer",
      arguments: {
        name: "Ada Lovelace",
        address: { city: "Paris", line1: "1 rue X" },
        metadata: { order_id: "42" },
        expand: ["sources", "tax"],
        tax_ids: ["t1", "t2"],
      },
    });
    expect(result.isError, text(result)).toBeFalsy();
    const [req] = upstream.received;
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.body.toString()).toBe(
      "name=Ada%20Lovelace&address[city]=Paris&address[line1]=1%20rue%20X&metadata[order_id]=42&expand[]=sources&expand[]=tax&tax_ids=t1,t2",
    );
    expect([...new URLSearchParams(req?.body.toString()).entries()]).toEqual([
      ["name", "Ada Lovelace"],
      ["address[city]", "Paris"],
      ["address[line1]", "1 rue X"],
      ["metadata[order_id]", "42"],
      ["expand[]", "sources"],
      ["expand[]", "tax"],
      ["tax_ids", "t1,t2"],
    ]);
  });

  it("an exploded object cannot shadow another field", async () => {
    const result = await served.client.callTool({
      name: "hard_create_customer",
      arguments: { name: "Ada", extra: { name: "Mallory" } },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/arguments 'name' and 'extra' would both set the form field name "name"/);
    expect(upstream.received).toEqual([]);
  });

  it("nor with a name PHP reads as that field (leading spaces, a NUL byte, an unclosed bracket)", async () => {
    for (const key of [" name", "name\u0000x"]) {
      const result = await served.client.callTool({
        name: "hard_create_customer",
        arguments: { name: "Ada", extra: { [key]: "Mallory" } },
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/arguments 'name' and 'extra' would both set the form field name /);
    }
    const shadowed = await served.client.callTool({
      name: "hard_create_customer",
      arguments: { name: "Ada", tax_ids: ["t1"], extra: { "tax[ids": "t9" } },
    });
    expect(text(shadowed)).toMatch(
      /arguments 'tax_ids' and 'extra' would both set the form field name "tax\[ids"/,
    );
    const absent = await served.client.callTool({
      name: "hard_create_customer",
      arguments: { name: "Ada", extra: { "tax[ids": "t9" } },
    });
    expect(text(absent)).toMatch(
      /would set the form field name "tax\[ids", which belongs to argument 'tax_ids'/,
    );
    expect(upstream.received).toEqual([]);
  });
});
