import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASK } from "../../src/policy/index.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { type Served, serve } from "./harness.js";

/**
 * Item 5: masking is an allow list. With SCAIVAULT_MASK_VALUES=true, a real upstream that drifts from the spec
 * (properties the output schema does not declare, items of an undeclared array, objects nested in undeclared
 * places, undeclared maps, a scalar where a masked path expects an object, drift the tolerant schema accepts)
 * never gets a canary to the client (content text and structuredContent), the audit file or stderr; undeclared
 * properties are dropped, and structuredContent still validates against the published output schema.
 */

const CANARY = "drift-canary-7f3a9c41e5";
const PATH = "integrations/drift/key";

let upstream: ScaivaultUpstream;
let server: Served;
let readBody: Record<string, unknown>;
let listBody: Record<string, unknown>;
const published = new Map<string, unknown>();

async function upstreamJson(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${upstream.url}${path}`, {
    headers: { authorization: `Bearer ${upstream.tokens.admin}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  const put = await fetch(`${upstream.url}/v1/secrets/${PATH}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${upstream.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({ value: "the-real-value-is-not-the-canary" }),
  });
  expect(put.status).toBeLessThan(300);
  readBody = await upstreamJson(`/v1/secrets/${PATH}`);
  listBody = await upstreamJson("/v1/secrets?prefix=integrations/");
  server = await serve({ upstream, env: { SCAIVAULT_MASK_VALUES: "true" } });
  for (const tool of await server.listTools()) published.set(tool.name, tool.outputSchema);
});
afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

/** Drifted bodies of readSecret: each carries the canary where no declared, unmasked field is. */
const readDrifts: Array<[string, (body: Record<string, unknown>) => unknown]> = [
  ["new top-level properties", (b) => ({ ...b, secret: CANARY, token: CANARY, previous_value: CANARY })],
  ["items of an undeclared array", (b) => ({ ...b, history: [CANARY, { value: CANARY }, [CANARY]] })],
  ["objects nested in an undeclared place", (b) => ({ ...b, extra: { nested: { deeper: { v: CANARY } } } })],
  ["an undeclared map", (b) => ({ ...b, annotations: { "x-secret": CANARY, other: { k: CANARY } } })],
  [
    "an object with a token where a declared string is",
    (b) => ({ ...b, created_by: { ...(b.created_by as object), session_token: CANARY } }),
  ],
  ["a scalar where the masked path expects an object", (b) => ({ ...b, data: CANARY })],
  ["a declared scalar that is an object", (b) => ({ ...b, description: { text: CANARY } })],
  [
    "drift the tolerant schema accepts, plus a new property",
    (b) => {
      const { tenant: _t, ...rest } = b;
      return { ...rest, version: 1.5, previous_value: CANARY };
    },
  ],
  ["a number as the value", (b) => ({ ...b, value: 4711, data: { pin: 90210, nested: CANARY } })],
  // Keys the schema does not declare are dropped with their values (keys of a declared map are its structure).
  ["a canary as an undeclared key", (b) => ({ ...b, [CANARY]: "x", tags: [{ [CANARY]: CANARY }] })],
];

const listDrifts: Array<[string, (body: Record<string, unknown>) => unknown]> = [
  [
    "a value added to each listed item",
    (b) => ({ ...b, items: (b.items as object[]).map((i) => ({ ...i, value: CANARY })) }),
  ],
  [
    "an undeclared array of values beside the items",
    (b) => ({ ...b, values: [{ path: PATH, value: CANARY }] }),
  ],
];

function validator(tool: string) {
  const schema = published.get(tool);
  expect(schema, tool).toBeDefined();
  return new Ajv2020({ strict: false, validateFormats: false }).compile(schema as object);
}

async function expectHidden(tool: string, args: Record<string, unknown>, label: string) {
  const requestsBefore = upstream.requests.length;
  const result = await server.call(tool, args);
  expect(upstream.requests.length - requestsBefore, label).toBe(1);
  expect(JSON.stringify(result), label).not.toContain(CANARY);
  if (!result.isError) {
    const validate = validator(tool);
    expect(validate(result.structuredContent), `${label}: ${JSON.stringify(validate.errors)}`).toBe(true);
    // The text block says the same as structuredContent: both went through masking.
    expect(JSON.parse(result.content?.[0]?.text ?? "null"), label).toEqual(result.structuredContent);
  }
  return result;
}

describe("masking as an allow list against a drifting upstream", () => {
  it("never shows the canary from a drifted read, dropping undeclared properties", async () => {
    for (const [label, drift] of readDrifts) {
      upstream.injectFault({ operationId: "readSecret", status: 200, body: JSON.stringify(drift(readBody)) });
      const result = await expectHidden("scaivault_read_secret", { path: PATH }, label);
      if (!result.isError) {
        const shown = result.structuredContent ?? {};
        for (const key of ["secret", "token", "previous_value", "history", "extra", "annotations"])
          expect(shown, `${label}: ${key}`).not.toHaveProperty(key);
        expect(shown.value, label).toBe(MASK);
        expect(shown.path, label).toBe(PATH);
      }
    }
  });

  it("never shows the canary from a drifted listing (a tool with no masked paths)", async () => {
    for (const [label, drift] of listDrifts) {
      upstream.injectFault({
        operationId: "listSecrets",
        status: 200,
        body: JSON.stringify(drift(listBody)),
      });
      const result = await expectHidden("scaivault_list_secrets", { prefix: "integrations/" }, label);
      expect(result.isError, label).toBeFalsy();
      const items = (result.structuredContent?.items ?? []) as Array<Record<string, unknown>>;
      expect(items.length, label).toBeGreaterThan(0);
      for (const item of items) expect(item, label).not.toHaveProperty("value");
      expect(result.structuredContent, label).not.toHaveProperty("values");
    }
  });

  it("the canary reached neither the audit file nor stderr (read whole, once the server has exited)", async () => {
    expect(server.auditText()).not.toContain(CANARY);
    expect(await server.stderrAtExit()).not.toContain(CANARY);
    expect(server.audit().length).toBe(readDrifts.length + listDrifts.length);
  });
});
