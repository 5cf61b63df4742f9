import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import type { CatalogDocument, LimitsConfig } from "../../src/catalog.js";
import { parseRate } from "../../src/catalog.js";
import { ConfigError, resolveConfig } from "../../src/config/config.js";
import { concurrencyStep } from "../../src/limits/concurrency.js";
import { RATE_LIMITED, resolveLimits } from "../../src/limits/index.js";
import { rateLimitStep } from "../../src/limits/rate-limit.js";
import { createMemoryStore, type StateStore, StoreUnavailableError } from "../../src/state/index.js";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { ctxFor, runStep, tool } from "../policy/helpers.js";

// Rate limits counted in the state store (fixed windows aligned to the clock) and a concurrency bound per source,
// as chain steps: a refused call never reaches the executor, and says when to retry.

function doc(limits: LimitsConfig, env: CatalogDocument["env"] = []): CatalogDocument {
  return {
    catalog: "app",
    env,
    limits,
    sources: [{ id: "api", kind: "openapi", baseUrl: {}, auth: [], timeoutMs: 5000 }],
  } as unknown as CatalogDocument;
}

const stringEnv = (name: string) => ({
  name,
  description: "",
  type: "string" as const,
  required: false,
  secret: false,
});

describe("rates", () => {
  it.each([
    ["100/1m", { calls: 100, perSeconds: 60 }],
    ["10/s", { calls: 10, perSeconds: 1 }],
    ["5000/1h", { calls: 5000, perSeconds: 3600 }],
    [" 3 / 10s ", { calls: 3, perSeconds: 10 }],
    ["1/1d", { calls: 1, perSeconds: 86400 }],
  ])("reads %s", (text, rate) => expect(parseRate(text)).toEqual(rate));

  it.each(["", "100", "0/1m", "100/0s", "-1/1m", "100/1w", "1e3/1m", "100 per minute"])(
    "refuses %j",
    (text) => expect(parseRate(text)).toBeUndefined(),
  );
});

describe("settings", () => {
  it("an env override replaces the manifest's rate, off lifts it, and a malformed one stops the server", () => {
    const limits: LimitsConfig = {
      principal: { rate: { calls: 10, perSeconds: 60 }, env: "APP_RATE" },
      tools: { "*": { rate: { calls: 5, perSeconds: 1 }, env: "APP_TOOL_RATE" } },
      sources: { api: { concurrency: 8 } },
    };
    const env = [stringEnv("APP_RATE"), stringEnv("APP_TOOL_RATE")];
    const none = resolveLimits(doc(limits, env), resolveConfig(env, {}));
    expect(none.principal).toMatchObject({
      rate: { calls: 10, perSeconds: 60 },
      rule: "manifest limits.principal",
    });
    expect(none.concurrency.get("api")).toBe(8);
    const overridden = resolveLimits(
      doc(limits, env),
      resolveConfig(env, { APP_RATE: "3/1s", APP_TOOL_RATE: "off" }),
    );
    expect(overridden.principal).toMatchObject({ rate: { calls: 3, perSeconds: 1 }, rule: "APP_RATE=3/1s" });
    expect(overridden.anyTool).toBeUndefined();
    expect(() => resolveLimits(doc(limits, env), resolveConfig(env, { APP_RATE: "lots" }))).toThrow(
      ConfigError,
    );
    expect(() => resolveLimits(doc(limits, env), resolveConfig(env, { APP_RATE: "lots" }))).toThrow(
      /APP_RATE/,
    );
  });
});

describe("per-tool env list", () => {
  const env = [stringEnv("APP_TOOL_RATE")];
  const limits: LimitsConfig = {
    tools: {
      "*": { rate: { calls: 50, perSeconds: 60 }, env: "APP_TOOL_RATE" },
      app_write: { rate: { calls: 20, perSeconds: 60 } },
    },
    sources: {},
  };
  const catalog = () =>
    ({
      ...doc(limits, env),
      tools: ["app_read", "app_write", "app_delete"].map((name) => ({ name })),
    }) as unknown as CatalogDocument;
  const resolve = (value: string) => resolveLimits(catalog(), resolveConfig(env, { APP_TOOL_RATE: value }));

  it("names tools one by one; the list wins over the manifest, and * keeps its manifest rate unless named", () => {
    const settings = resolve("app_delete=2/1m, app_write=off");
    expect(settings.tools.get("app_delete")).toMatchObject({
      rate: { calls: 2, perSeconds: 60 },
      rule: "APP_TOOL_RATE: app_delete=2/1m",
    });
    expect(settings.tools.has("app_write")).toBe(false);
    expect(settings.anyTool?.rate).toEqual({ calls: 50, perSeconds: 60 });
    expect(resolve("*=5/1s").anyTool).toMatchObject({ rate: { calls: 5, perSeconds: 1 } });
    expect(resolve("*=off,app_read=1/1s").anyTool).toBeUndefined();
  });

  it("an unknown tool or a malformed rate in the list stops the server, naming the variable", () => {
    expect(() => resolve("app_delet=2/1m")).toThrow(/APP_TOOL_RATE: no tool named "app_delet"/);
    expect(() => resolve("app_delete=often")).toThrow(/APP_TOOL_RATE: app_delete: expected/);
  });
});

function rateSettings(limits: LimitsConfig) {
  return resolveLimits(doc(limits), resolveConfig([], {}));
}

describe("rate-limit step", () => {
  const read = tool("app_read");
  const limits: LimitsConfig = { principal: { rate: { calls: 3, perSeconds: 60 } }, tools: {}, sources: {} };

  it("lets the declared number through per window, then refuses with the seconds until the window ends", async () => {
    let now = 120_000 + 15_000; // 15 s into a minute window
    const step = rateLimitStep(
      rateSettings(limits),
      createMemoryStore(() => now),
      "app",
      () => now,
    );
    for (let i = 0; i < 3; i++) expect((await runStep(step, ctxFor(read, {}))).executed).toBeDefined();
    const refused = await runStep(step, ctxFor(read, {}));
    expect(refused.executed).toBeUndefined();
    expect(refused.outcome.error).toMatchObject({
      code: RATE_LIMITED,
      details: { retry_after_seconds: 45, limit: "principal" },
    });
    expect(refused.outcome.error?.message).toMatch(/at most 3 calls per 1 min per caller .*Retry after 45 s/);
    now = 180_000; // the next window
    expect((await runStep(step, ctxFor(read, {}))).executed).toBeDefined();
  });

  it("counts each caller apart, and a handler's nested calls not against the caller", async () => {
    const step = rateLimitStep(rateSettings(limits), createMemoryStore(), "app");
    const alice = {
      capabilities: {},
      era: "modern" as const,
      principal: { kind: "jwt" as const, issuer: "i", subject: "alice" },
    };
    const bob = { ...alice, principal: { ...alice.principal, subject: "bob" } };
    for (let i = 0; i < 3; i++) await runStep(step, ctxFor(read, {}, { client: alice }));
    expect((await runStep(step, ctxFor(read, {}, { client: alice }))).executed).toBeUndefined();
    expect((await runStep(step, ctxFor(read, {}, { client: bob }))).executed).toBeDefined();
    expect((await runStep(step, ctxFor(read, {}, { client: alice, depth: 1 }))).executed).toBeDefined();
  });

  it("a tool limit counts that tool only; a source limit every tool of the source; the strictest refuses", async () => {
    const other = tool("app_other");
    const step = rateLimitStep(
      rateSettings({
        tools: { app_read: { rate: { calls: 1, perSeconds: 60 } } },
        sources: { api: { rate: { calls: 3, perSeconds: 60 } } },
      }),
      createMemoryStore(),
      "app",
    );
    expect((await runStep(step, ctxFor(read, {}))).executed).toBeDefined();
    const second = await runStep(step, ctxFor(read, {}));
    expect(second.outcome.error?.details).toMatchObject({ limit: "tool" });
    // The refused call counted against the source too: this is its third call this window, the last it allows.
    expect((await runStep(step, ctxFor(other, {}))).executed).toBeDefined();
    expect((await runStep(step, ctxFor(other, {}))).outcome.error?.details).toMatchObject({
      limit: "source",
    });
  });

  it("fails closed while the store cannot count, and recovers with it", async () => {
    let down = true;
    const inner = createMemoryStore();
    const store: StateStore = {
      ...inner,
      add: (c) => (down ? Promise.reject(new StoreUnavailableError("redis", "ECONNREFUSED")) : inner.add(c)),
    };
    const step = rateLimitStep(rateSettings(limits), store, "app");
    const refused = await runStep(step, ctxFor(read, {}));
    expect(refused.executed).toBeUndefined();
    expect(refused.outcome.error?.code).toBe("state_unavailable");
    expect(refused.outcome.error?.message).toMatch(/cannot be counted right now/);
    down = false;
    expect((await runStep(step, ctxFor(read, {}))).executed).toBeDefined();
  });

  it("calls without an applicable limit never touch the store", async () => {
    const store: StateStore = {
      ...createMemoryStore(),
      add: () => Promise.reject(new Error("not expected")),
    };
    const step = rateLimitStep(
      rateSettings({ tools: { app_other: { rate: { calls: 1, perSeconds: 1 } } }, sources: {} }),
      store,
      "app",
    );
    expect((await runStep(step, ctxFor(read, {}))).executed).toBeDefined();
  });
});

describe("concurrency step", () => {
  it("holds calls over the bound until a slot frees, first come first served", async () => {
    const step = concurrencyStep(new Map([["api", 2]]), () => 60_000);
    const read = tool("app_read");
    const gates: Array<() => void> = [];
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const calls = Array.from({ length: 5 }, (_, i) =>
      step.run(ctxFor(read, {}), () => {
        running += 1;
        peak = Math.max(peak, running);
        order.push(i);
        return new Promise((resolve) =>
          gates.push(() => {
            running -= 1;
            resolve({ data: i });
          }),
        );
      }),
    );
    for (let released = 0; released < 5; released++) {
      while (gates.length <= released) await new Promise((resolve) => setImmediate(resolve));
      gates[released]!();
    }
    const results = await Promise.all(calls);
    expect(results.map((r) => r.data)).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it("a call that finds a free slot reaches the executor at once, without waiting a microtask turn", async () => {
    const step = concurrencyStep(new Map([["api", 1]]), () => 60_000);
    const reached: number[] = [];
    const first = step.run(ctxFor(tool("app_read"), {}), async () => {
      reached.push(1);
      return { data: 1 };
    });
    // Synchronously after run(): the call took the free slot and is already in the executor.
    expect(reached).toEqual([1]);
    // The slot is held until the call is over: a second call waits for it, then runs.
    const second = step.run(ctxFor(tool("app_read"), {}), async () => {
      reached.push(2);
      return { data: 2 };
    });
    expect(reached).toEqual([1]);
    expect((await first).data).toBe(1);
    expect((await second).data).toBe(2);
    expect(reached).toEqual([1, 2]);
  });

  it("a call that finds a free slot arms no wait: no timeout signal, no combined signal", async () => {
    const step = concurrencyStep(new Map([["api", 2]]), () => 60_000);
    const any = vi.spyOn(AbortSignal, "any");
    const timeout = vi.spyOn(AbortSignal, "timeout");
    try {
      for (let i = 0; i < 3; i++) {
        expect((await step.run(ctxFor(tool("app_read"), {}), async () => ({ data: i }))).data).toBe(i);
      }
      expect(any).not.toHaveBeenCalled();
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("a call that waits longer than the source allows is refused with a retry hint, and never runs", async () => {
    const step = concurrencyStep(new Map([["api", 1]]), () => 50);
    const read = tool("app_read");
    let release!: () => void;
    const first = step.run(
      ctxFor(read, {}),
      () => new Promise((resolve) => (release = () => resolve({ data: 1 }))),
    );
    let ran = false;
    const second = await step.run(ctxFor(read, {}), async () => {
      ran = true;
      return { data: 2 };
    });
    expect(ran).toBe(false);
    expect(second.error).toMatchObject({
      code: RATE_LIMITED,
      details: { retry_after_seconds: 1, limit: "concurrency" },
    });
    release();
    expect((await first).data).toBe(1);
  });
});

describe("the manifest's limits section", () => {
  const spec = readFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), "utf8");
  const manifest = (limits: string) =>
    `catalog: pets30\nenv:\n  PETS_RATE: { description: Rate. }\n  PETS_SLOTS: { description: Slots., type: integer }\n  PETS_URL: { description: Base URL., type: url, default: https://pets.example.com }\nsources:\n  pets:\n    openapi: ./openapi.json\n    base_url: { env: PETS_URL }\nselect:\n  - all: true\n${limits}`;

  it("lands in catalog.json as declared", async () => {
    const dir = writeTree("limits-ok", {
      "openapi.json": spec,
      "tools.yaml": manifest(
        "limits:\n  principal: { rate: 100/1m, env: PETS_RATE }\n  tools: { '*': { rate: 10/s } }\n  sources:\n    pets: { concurrency: 4, concurrency_env: PETS_SLOTS }\n",
      ),
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([]);
    const json = JSON.parse(cat!.files.get("catalog.json")!);
    expect(json.limits).toEqual({
      principal: { rate: { calls: 100, perSeconds: 60 }, env: "PETS_RATE" },
      tools: { "*": { rate: { calls: 10, perSeconds: 1 } } },
      sources: { pets: { concurrency: 4, concurrencyEnv: "PETS_SLOTS" } },
    });
  });

  it("unknown tools and sources, undeclared or mistyped env and bad rates are located errors", async () => {
    const dir = writeTree("limits-bad", {
      "openapi.json": spec,
      "tools.yaml": manifest(
        "limits:\n  principal: { env: NOPE_RATE }\n  tools: { nope_tool: { rate: 1/1m } }\n  sources:\n    nope: { rate: 5/1m }\n    pets: { concurrency_env: PETS_RATE }\n",
      ),
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    const errors = errorsOf(diags).join("\n");
    expect(errors).toContain('TW165 limits.tools names unknown tool "nope_tool"');
    expect(errors).toContain('TW165 limits.sources names unknown source "nope"');
    expect(errors).toContain("TW111 NOPE_RATE is not declared under env:");
    expect(errors).toContain("TW110 PETS_RATE must be declared as integer");
    expect(diags.items.find((d) => d.code === "TW165")?.source?.line).toBeGreaterThan(10);
  });
});

describe("rate-limit windows in memory", () => {
  // A window of ten years, aligned to the epoch: the monotonic clock never crosses its end during the test.
  const limits: LimitsConfig = {
    principal: { rate: { calls: 2, perSeconds: 10 * 365 * 86_400 } },
    tools: {},
    sources: {},
  };

  it("a wall-clock step neither resets nor stretches them (the memory store counts on a monotonic clock)", async () => {
    const read = tool("app_read");
    const store = createMemoryStore();
    const step = rateLimitStep(rateSettings(limits), store, "app");
    const real = Date.now();
    const wall = vi.spyOn(Date, "now");
    try {
      for (let i = 0; i < 2; i++) expect((await runStep(step, ctxFor(read, {}))).executed).toBeDefined();
      wall.mockReturnValue(real + 20 * 365 * 86_400_000); // stepped forward past the window's end
      expect((await runStep(step, ctxFor(read, {}))).executed).toBeUndefined();
      wall.mockReturnValue(real - 20 * 365 * 86_400_000); // and back before its start
      expect((await runStep(step, ctxFor(read, {}))).executed).toBeUndefined();
    } finally {
      wall.mockRestore();
    }
    // Redis and SQLite are shared between processes: they keep wall time (no clock of their own).
    expect(store.clock).toBeDefined();
  });
});
