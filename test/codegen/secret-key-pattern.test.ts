import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorsOf, genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * A manifest's `secret_key_pattern` is tested on keys callers write, on RE2 only (src/patterns/matcher.ts): one
 * RE2 cannot express (a lookaround, a backreference) or JavaScript cannot read with the `u` flag is refused at
 * generate time, located at the pattern (TW135), rather than served and failing closed on every key.
 */

const SPEC = readFileSync(join(ROOT, "test/security/regex-keys/openapi.yaml"), "utf8");

function manifest(pattern: string): string {
  return `catalog: keys
server: { name: keys, title: Keys }
env:
  K_URL: { type: url, required: true, description: K_URL. }
policy:
  secret_key_pattern: ${JSON.stringify(pattern)}
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: K_URL }
select:
  - { all: true }
`;
}

async function generate(pattern: string) {
  const dir = writeTree("secret-key-pattern", { "tools.yaml": manifest(pattern), "openapi.yaml": SPEC });
  return genManifest(join(dir, "tools.yaml"));
}

describe("policy.secret_key_pattern", () => {
  it.each([
    ["a lookbehind", "(?<!x_)secret", "RE2 cannot express it"],
    ["a lookahead", "^(?!public_).*key$", "RE2 cannot express it"],
    ["a backreference", "(a)\\1", "RE2 cannot express it"],
    ["an escape the u flag refuses", "api\\-key", "Invalid"],
    ["an invalid pattern", "(secret", "Invalid"],
  ])("with %s is refused, located", async (_label, pattern, message) => {
    const { cat, diags } = await generate(pattern);
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["TW135"]);
    expect(errors[0]?.message).toContain("policy.secret_key_pattern");
    expect(errors[0]?.message).toContain(message);
    expect(errors[0]?.source?.pointer).toBe("#/policy/secret_key_pattern");
  });

  it.each([
    ["(secret|token)_\\w+", "(secret|token)_\\w+"],
    ["^(a+)+$ (exponential on a backtracking engine, linear on RE2)", "^(a+)+$"],
  ])("%s is served", async (_label, pattern) => {
    const { cat, diags } = await generate(pattern);
    expect(errorsOf(diags)).toEqual([]);
    expect(cat).toBeDefined();
  });
});
