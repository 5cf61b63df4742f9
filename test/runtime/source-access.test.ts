import { describe, expect, it } from "vitest";
import type { EnvVar, Source } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { createSourceAccess, isAccess } from "../../src/executors/source-access.js";

// A source's URL is resolved for every call (its env or file may change) but checked once per value: a call that
// resolves the same URL again parses nothing.

const vars: EnvVar[] = [{ name: "BASE", description: "", type: "string", required: true, secret: false }];
const source: Source = { id: "api", kind: "openapi", baseUrl: { env: "BASE" }, auth: [], timeoutMs: 1000 };
const accessWith = (base: string) =>
  createSourceAccess({
    sources: [source],
    config: resolveConfig(vars, { BASE: base }),
    fetch: globalThis.fetch,
    urlName: "base URL",
  });

/** Counts the URLs parsed from `text` while `run` runs (URL is looked up on globalThis at each use). */
async function parsesOf(text: string, run: () => Promise<void>): Promise<number> {
  const Original = globalThis.URL;
  let parsed = 0;
  globalThis.URL = class extends Original {
    constructor(input: string | URL, base?: string | URL) {
      super(input, base);
      if (String(input) === text) parsed += 1;
    }
  } as typeof URL;
  try {
    await run();
  } finally {
    globalThis.URL = Original;
  }
  return parsed;
}

describe("source access", () => {
  it("checks a base URL once across calls; the parsed URL is a new object on each read", async () => {
    const base = "https://api.example.com/v1";
    const access = accessWith(base);
    const auths = new Set<unknown>();
    const parsed = await parsesOf(base, async () => {
      for (let i = 0; i < 5; i++) {
        const resolved = await access("api");
        if (!isAccess(resolved)) throw new Error(resolved.error?.message);
        expect(resolved.raw).toBe(base);
        auths.add(resolved.auth);
      }
    });
    expect(parsed).toBe(1);
    expect(auths.size).toBe(1);
    const resolved = await access("api");
    if (!isAccess(resolved)) throw new Error("no access");
    const url = resolved.url;
    url.pathname = "/changed";
    expect(resolved.url.href).toBe(base);
  });

  it("refuses a URL that is not http(s), has a fragment or does not parse, on every call", async () => {
    for (const [base, message] of [
      ["ftp://api.example.com", "must be http(s), without a fragment"],
      ["https://api.example.com/#x", "must be http(s), without a fragment"],
      ["not a url", "is not a URL"],
    ] as const) {
      const access = accessWith(base);
      for (let i = 0; i < 2; i++) {
        const resolved = await access("api");
        expect(isAccess(resolved)).toBe(false);
        expect(!isAccess(resolved) && resolved.error?.message).toContain(message);
      }
    }
  });
});
