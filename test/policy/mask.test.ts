import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import _addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { MASK, maskAll, maskFields, maskStep } from "../../src/policy/mask.js";
import { widenForMask } from "../../src/policy/mask-schema.js";
import { namesOnlyStep, reduceToNames } from "../../src/policy/names-only.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { renderToolResult } from "../../src/runtime/result.js";
import { ROOT } from "../helpers/paths.js";
import { ctxFor, runStep, tool } from "./helpers.js";

const addFormats = ((_addFormats as any).default ?? _addFormats) as (ajv: Ajv2020) => void;

function validator(schema: JsonSchema) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe("maskFields", () => {
  it.each([
    ["a top-level string", { value: "s3cr3t", version: 3 }, ["value"], { value: MASK, version: 3 }],
    [
      "every key of a map (data.*)",
      { data: { client_id: "id", client_secret: "x" }, path: "p" },
      ["data.*"],
      { data: { client_id: MASK, client_secret: MASK }, path: "p" },
    ],
    [
      "inside arrays (items looked through)",
      {
        items: [
          { key: "k1", n: 1 },
          { key: "k2", n: 2 },
        ],
      },
      ["items.key"],
      {
        items: [
          { key: MASK, n: 1 },
          { key: MASK, n: 2 },
        ],
      },
    ],
    ["`*` over an array", { list: ["a", "b"] }, ["list.*"], { list: [MASK, MASK] }],
    [
      "a nested object: every leaf, keys kept",
      { creds: { user: "u", pin: 1234, on: true, none: null } },
      ["creds"],
      { creds: { user: MASK, pin: MASK, on: MASK, none: null } },
    ],
    ["a number", { pin: 1234 }, ["pin"], { pin: MASK }],
    ["a missing field stays missing", { version: 1 }, ["value", "data.*"], { version: 1 }],
    ["null stays null", { value: null }, ["value"], { value: null }],
    [
      "several paths",
      { data: { password: "pw", connection_url: "postgres://u:pw@h/db", username: "u" } },
      ["data.password", "data.connection_url"],
      { data: { password: MASK, connection_url: MASK, username: "u" } },
    ],
  ])("%s", (_label, data, paths, want) => {
    expect(maskFields(data, paths).data).toEqual(want);
  });

  it("does not touch the input", () => {
    const data = { value: "s3cr3t", data: { a: "b" } };
    maskFields(data, ["value", "data.*"]);
    expect(data).toEqual({ value: "s3cr3t", data: { a: "b" } });
  });

  it("survives a deeply nested hostile body", () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 5000; i++) deep = { a: deep };
    expect(() => maskAll(deep)).not.toThrow();
    expect(JSON.stringify(maskAll(deep).data)).not.toContain("leaf");
  });
});

describe("mask step", () => {
  const t = tool("read", { masked: ["value"] });
  it("masks when on, counts it for the audit", async () => {
    const ctx = ctxFor(t, {});
    const { outcome } = await runStep(maskStep(true), ctx, { data: { value: "s3cr3t", v: 1 } });
    expect(outcome.data).toEqual({ value: MASK, v: 1 });
    expect(ctx.notes.get("policy.applied")).toEqual(["mask"]);
  });
  it("leaves results alone when off", async () => {
    const { outcome } = await runStep(maskStep(false), ctxFor(t, {}), { data: { value: "s3cr3t" } });
    expect(outcome.data).toEqual({ value: "s3cr3t" });
  });
  it("drops a GraphQL response's extensions where masking applies (nothing says what they hold)", async () => {
    const extensions = 'GraphQL extensions: {"echo":{"value":"s3cr3t"}}';
    const charset = "the body was not valid UTF-8";
    const outcome = { data: { value: "s3cr3t" }, notes: [charset, extensions] };
    // Masked paths, masking off: kept on success (the data is shown as it is), dropped beside an error's data.
    expect((await runStep(maskStep(false), ctxFor(t, {}), outcome)).outcome.notes).toEqual([
      charset,
      extensions,
    ]);
    const failed = { ...outcome, error: { message: "does not match", code: "output_mismatch" } };
    expect((await runStep(maskStep(false), ctxFor(t, {}), failed)).outcome.notes).toEqual([charset]);
    // Masking on: dropped; a tool with neither masked paths nor an output schema keeps them.
    expect((await runStep(maskStep(true), ctxFor(t, {}), outcome)).outcome.notes).toEqual([charset]);
    const plain = tool("read", {});
    expect((await runStep(maskStep(true), ctxFor(plain, {}), outcome)).outcome.notes).toEqual([
      charset,
      extensions,
    ]);
  });
  it("masks the data an error result carries even when off", async () => {
    const { outcome } = await runStep(maskStep(false), ctxFor(t, {}), {
      data: { value: "s3cr3t" },
      error: { message: "does not match", code: "output_mismatch" },
    });
    expect(outcome.data).toEqual({ value: MASK });
  });
});

describe("fails closed on data the paths cannot address", () => {
  const t = tool("read", { masked: ["value"] });
  const names = tool("env", { namesOnly: "vars" });
  const json = JSON.stringify({ value: "s3cr3t-canary", v: 1 });
  const undecoded = {
    content: Buffer.from(json).toString("base64"),
    contentType: "application/x-json",
    size: 30,
  };
  const offSchema = { error: { message: "does not match", code: "output_mismatch" } };

  it.each([
    ["text (a text/plain body or unparsable JSON), masking on", true, { data: json }, MASK],
    ["an undecoded body (base64), masking on", true, { data: undecoded }, MASK],
    ["text in an error, masking off", false, { data: json, ...offSchema }, MASK],
    ["an undecoded body in an error, masking off", false, { data: undecoded, ...offSchema }, MASK],
    [
      "JSON off the output schema: keys kept, every value masked",
      false,
      { data: { secret: { value: "s3cr3t-canary" }, n: 1 }, ...offSchema },
      { secret: { value: MASK }, n: MASK },
    ],
  ])("%s", async (_label, enabled, outcome, want) => {
    const { outcome: out } = await runStep(maskStep(enabled), ctxFor(t, {}), outcome);
    expect(out.data).toEqual(want);
    expect(JSON.stringify(out)).not.toContain("s3cr3t-canary");
    expect(JSON.stringify(out)).not.toContain(undecoded.content.slice(0, 12));
  });

  it("masking off leaves a successful text result alone (the operator chose to see values)", async () => {
    const { outcome } = await runStep(maskStep(false), ctxFor(t, {}), { data: json });
    expect(outcome.data).toBe(json);
  });

  it.each([
    ["text", { data: '{"vars":{"DB_URL":"postgres://u:canary@db/x"}}' }, MASK],
    ["an undecoded body", { data: { ...undecoded } }, MASK],
    [
      "JSON off the output schema: the names (keys) stay, the values go",
      { data: { variables: { DB_URL: "postgres://u:canary@db/x" } }, ...offSchema },
      { variables: { DB_URL: MASK } },
    ],
  ])("names-only: %s", async (_label, outcome, want) => {
    const { outcome: out } = await runStep(namesOnlyStep(), ctxFor(names, {}), outcome);
    expect(out.data).toEqual(want);
    expect(JSON.stringify(out)).not.toContain("canary");
  });
});

describe("failures of path-shaped tools never show raw data", () => {
  const failure = { error: { message: "does not match", code: "output_mismatch" } };
  const blocks = (t: ReturnType<typeof tool>, data: unknown) =>
    renderToolResult({ data, ...failure }, t, "c0ffee000000").content.map((c) => c.text);

  it.each([
    ["masked fields", tool("read", { masked: ["value"] })],
    ["names-only", tool("env", { namesOnly: "vars" })],
    [
      "a scoped listing",
      tool("list", { scopedList: { prefixArg: "p", itemsPath: "items", itemPathField: "path" } }),
    ],
    ["further path lists", tool("sum", { scopedItems: [{ itemsPath: "top", itemPathField: "key" }] })],
  ])("%s: text is left out, JSON (already shaped by the policies) is shown", (_label, t) => {
    expect(blocks(t, '{"value":"s3cr3t-canary"}')).toEqual(["does not match (correlation id c0ffee000000)"]);
    expect(blocks(t, { content: "czNjcjN0", contentType: "application/x-json", size: 6 })).toHaveLength(1);
    expect(blocks(t, { value: MASK })).toEqual([
      "does not match (correlation id c0ffee000000)",
      JSON.stringify({ value: MASK }),
    ]);
    const envelope = renderToolResult({ data: "s3cr3t-canary", ...failure }, t, "c0ffee000000", {
      envelope: "success-data",
    });
    expect(JSON.stringify(envelope)).not.toContain("s3cr3t-canary");
  });

  it("other tools keep the data an error carries (a mismatch is still useful to see)", () => {
    expect(blocks(tool("plain"), "not json")).toEqual([
      "does not match (correlation id c0ffee000000)",
      "not json",
    ]);
  });
});

describe("names-only", () => {
  it.each([
    ["a map keeps names", { DB_URL: "postgres://x", PORT: "8080" }, { DB_URL: MASK, PORT: MASK }],
    [
      "a list keeps names and metadata",
      [
        { name: "DB_URL", value: "postgres://x", source: "USER" },
        { name: "PORT", source: "PLATFORM" },
      ],
      [
        { name: "DB_URL", value: MASK, source: "USER" },
        { name: "PORT", source: "PLATFORM" },
      ],
    ],
    ["a list of names stays", ["A", "B"], ["A", "B"]],
    [
      "a map of objects masks their value fields",
      { A: { value: "x", secret: "y", updatedAt: "t" } },
      { A: { value: MASK, secret: MASK, updatedAt: "t" } },
    ],
  ])("%s", (_label, field, want) => {
    expect(reduceToNames(field).data).toEqual(want);
  });
});

describe("published schemas accept masked results", () => {
  const doc = JSON.parse(
    readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
  ) as CatalogDocument;
  // What clients receive (the catalog's root plus its named schemas), before masking widens it.
  const publisher = createPublisher(doc);
  const published = (t: CatalogDocument["tools"][number]) => ({ ...t, outputSchema: publisher.output(t) });
  const masked = doc.tools.filter((t) => t.policy.masked && t.outputSchema).map(published);
  const toolNamed = (name: string) => published(doc.tools.find((x) => x.name === name)!);

  it("covers the ScaiVault tools with masked fields", () => {
    expect(masked.map((t) => t.name).sort()).toEqual([
      "scaivault_create_api_key",
      "scaivault_generate_credentials",
      "scaivault_generate_secret_preview",
      "scaivault_issue_certificate",
      "scaivault_proxy_read",
      "scaivault_read_secret",
      "scaivault_request_certificate",
    ]);
  });

  const samples: Record<string, unknown> = {
    scaivault_issue_certificate: {
      id: "cert_x",
      certificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      private_key: "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
    },
    scaivault_generate_credentials: {
      data: {
        username: "v_ro",
        password: "pw-123",
        connection_url: "postgresql://v_ro:pw-123@db.internal:5432/main",
      },
    },
  };

  it.each(Object.keys(samples))(
    "%s: the marker fails the spec's schema, passes the published one",
    (name) => {
      const t = toolNamed(name);
      const strictProps = validator({ ...t.outputSchema!, required: [] });
      const wideProps = validator({ ...widenForMask(t.outputSchema!, t.policy.masked!), required: [] });
      const data = maskFields(samples[name], t.policy.masked!).data;
      // Only the masked fields matter here, so required fields the sample leaves out are not asked for.
      const errorsAt = (v: ReturnType<typeof validator>) => {
        v(data);
        return (v.errors ?? [])
          .map((e) => e.instancePath)
          .filter((p) => /private_key|password|connection_url/.test(p));
      };
      expect(errorsAt(strictProps).length).toBeGreaterThan(0);
      expect(errorsAt(wideProps)).toEqual([]);
    },
  );

  it.each(masked.map((t) => t.name))("%s: widened schema is still strict elsewhere", (name) => {
    const t = toolNamed(name);
    const wide = widenForMask(t.outputSchema!, t.policy.masked!);
    expect(wide.type).toBe("object");
    // Something the original refuses at the root is still refused.
    expect(validator(t.outputSchema!)("not an object")).toBe(false);
    expect(validator(wide)("not an object")).toBe(false);
    // A shared definition is inlined, not changed in place.
    expect(JSON.stringify(t.outputSchema)).not.toContain(MASK);
  });

  it("a read_secret result with every masked field validates (allOf, $ref, map values)", () => {
    const t = toolNamed("scaivault_read_secret");
    const result = {
      path: "integrations/salesforce/oauth",
      tenant: "acme",
      version: 3,
      tags: ["crm"],
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      created_by: "user:admin@acme.example",
      updated_by: "user:admin@acme.example",
      value: '{"client_id":"x","client_secret":"y"}',
      data: { client_id: "x", client_secret: "y" },
    };
    const wide = validator(widenForMask(t.outputSchema!, t.policy.masked!));
    const maskedResult = maskFields(result, t.policy.masked!).data;
    expect(wide(maskedResult), JSON.stringify(wide.errors)).toBe(true);
    expect(JSON.stringify(maskedResult)).not.toContain('client_secret":"y');
  });

  it("wrapped results are widened under `result`", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        result: {
          type: "array",
          items: { type: "object", properties: { key: { type: "string", pattern: "^k" } } },
        },
      },
    };
    const wide = validator(widenForMask(schema, ["key"], true));
    expect(wide({ result: [{ key: MASK }] })).toBe(true);
    expect(validator(schema)({ result: [{ key: MASK }] })).toBe(false);
  });
});
