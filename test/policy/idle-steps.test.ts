import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, JsonSchema, ToolOutcome } from "../../src/catalog.js";
import { checkRedirect, type NamedMiddleware } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { createLimits } from "../../src/limits/index.js";
import { createPolicies } from "../../src/policy/index.js";
import { createMemoryStore } from "../../src/state/index.js";
import { ROOT } from "../helpers/paths.js";
import { ctxFor } from "./helpers.js";

/**
 * A step that says it is idle for a tool (`NamedMiddleware.idle`) is left out of that tool's chain, so the claim must
 * hold for every call: run anyway, it returns the very outcome `next()` gave, and leaves the call's arguments, notes
 * and redirect checks as they were. Checked on both catalogs' tools, with no policy set and with every one set.
 */

const catalog = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, `generated/${name}/catalog.json`), "utf8")) as CatalogDocument;

/** Every policy of the catalog's manifest switched on (the bench's full chain for ScaiVault). */
function everyPolicy(doc: CatalogDocument): Record<string, string> {
  const p = doc.policy;
  const env: Record<string, string> = {};
  if (p.readOnly?.env) env[p.readOnly.env] = "true";
  if (p.maskValues?.env) env[p.maskValues.env] = "true";
  if (p.allowedPaths?.env) env[p.allowedPaths.env] = "integrations/,apps/";
  if (p.deniedPaths?.env) env[p.deniedPaths.env] = "integrations/netsuite/";
  if (p.tenant?.env) env[p.tenant.env] = "acme";
  if (p.partner?.env) env[p.partner.env] = "p1";
  if (p.deniedTools.env) env[p.deniedTools.env] = doc.tools[0]!.name;
  for (const v of doc.env) if (v.required && env[v.name] === undefined) env[v.name] = "https://api.example";
  return env;
}

function requiredOnly(doc: CatalogDocument): Record<string, string> {
  return Object.fromEntries(doc.env.filter((v) => v.required).map((v) => [v.name, "https://api.example"]));
}

/** A value of the schema's kind that policies look at: path-like, another tenant, a key that looks secret. */
function sample(schema: JsonSchema | boolean | undefined): unknown {
  const type = typeof schema === "object" ? schema.type : undefined;
  if (type === "integer" || type === "number") return 7;
  if (type === "boolean") return true;
  if (type === "array") return ["other/../x"];
  if (type === "object") return { api_key: "v", path: "other/x" };
  return "other/../x";
}

function argumentSets(tool: CatalogTool): Record<string, unknown>[] {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, JsonSchema | boolean>;
  const every = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, sample(s)]));
  return [{}, every, { ...every, tenant_id: "other", confirmation_token: "t" }];
}

const outcomes = (): ToolOutcome[] => [
  { data: { path: "other/x", value: "s3cr3t", items: [{ path: "other/y" }] }, status: 200 },
  {
    data: { detail: "other/x" },
    status: 422,
    error: { message: "the upstream said other/x", code: "upstream_error", quoted: { pieces: ["other/x"] } },
    notes: ['GraphQL extensions: {"cost":1}'],
  },
  { data: "plain text other/x", status: 200 },
];

async function idleHolds(step: NamedMiddleware, tool: CatalogTool): Promise<void> {
  for (const args of argumentSets(tool)) {
    for (const outcome of outcomes()) {
      const ctx = ctxFor(tool, args);
      const before = JSON.stringify(ctx.args);
      let nexts = 0;
      const got = await step.run(ctx, async () => {
        nexts += 1;
        return outcome;
      });
      expect({ step: step.name, tool: tool.name, same: got === outcome, nexts }).toEqual({
        step: step.name,
        tool: tool.name,
        same: true,
        nexts: 1,
      });
      expect(JSON.stringify(ctx.args)).toBe(before);
      expect(ctx.rawArgs).toBe(args);
      expect([...ctx.notes.keys()]).toEqual([]);
      expect(
        checkRedirect(ctx, new URL("https://elsewhere.example/x"), new URL("https://api.example/x")),
      ).toBe(undefined);
    }
  }
}

describe("a step idle for a tool has nothing to do on any of its calls", () => {
  for (const name of ["scaivault", "scaly"]) {
    const doc = catalog(name);
    for (const [label, env] of [
      ["no policy set", requiredOnly(doc)],
      ["every policy set", everyPolicy(doc)],
    ] as const) {
      it(`${name}, ${label}`, async () => {
        const config = resolveConfig(doc.env, env);
        const steps = createPolicies(doc, config, { audit: false }).wrap([]);
        const limited = createLimits(doc, config, () => createMemoryStore()).wrap([]);
        let idle = 0;
        for (const step of [...steps, ...limited]) {
          for (const tool of doc.tools) {
            if (step.idle?.(tool) !== true) continue;
            idle += 1;
            await idleHolds(step, tool);
          }
        }
        // Most tools leave most steps out: the check covered real cases.
        expect(idle).toBeGreaterThan(doc.tools.length * 2);
      });
    }
  }

  it("limits: a tool without a rate limit or a concurrency pool leaves both steps out, one with them keeps them", () => {
    const doc = catalog("scaivault");
    const source = doc.sources[0]!.id;
    const config = resolveConfig(doc.env, requiredOnly(doc));
    const limited = (limits: CatalogDocument["limits"]) =>
      createLimits({ ...doc, limits }, config, () => createMemoryStore()).wrap([]);
    const read = doc.tools.find((t) => t.name === "scaivault_read_secret")!;
    const other = doc.tools.find((t) => t.name !== read.name)!;
    const steps = limited({
      tools: { [read.name]: { rate: { calls: 5, perSeconds: 1 } } },
      sources: { [source]: { concurrency: 2 } },
    });
    const idleFor = (tool: CatalogTool) => steps.filter((s) => s.idle?.(tool)).map((s) => s.name);
    expect(steps.map((s) => s.name).sort()).toEqual(["concurrency", "rate-limit"]);
    expect(idleFor(read)).toEqual([]);
    expect(idleFor(other)).toEqual(["rate-limit"]);
  });
});
