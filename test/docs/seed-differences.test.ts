import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";

// Issue 13, "done means": docs/catalogs.md lists every remaining, deliberate difference from the seeds, and the
// README points there. Checked against the generated catalogs, so a variable or a confirmation step added to a
// reference catalog without a word in that list fails here.

/** The variables each seed names (literal copies: the seeds live outside the repository). */
const SEED_ENV = {
  scaivault: [
    "SCAIVAULT_URL",
    "SCAIVAULT_TOKEN",
    "SCAIVAULT_READ_ONLY",
    "SCAIVAULT_MASK_VALUES",
    "SCAIVAULT_ALLOWED_PATHS",
    "SCAIVAULT_DENIED_PATHS",
    "SCAIVAULT_PARTNER_ID",
    "SCAIVAULT_TENANT_ID",
    "MCP_TRANSPORT",
    "PORT",
  ],
  scaly: [
    "SCALY_API_KEY",
    "SCALY_APPSYNC_KEY",
    "SCALY_OIDC_TOKEN",
    "SCALY_AUTH_STORE_PATH",
    "SCALY_MCP_AUDIT",
    "SCALY_MCP_AUDIT_FILE",
    "SCALY_STAGE",
    "SCALY_API_URL",
    "SCALY_MCP_TRANSPORT",
    "SCALY_MCP_HTTP_HOST",
    "SCALY_MCP_HTTP_PORT",
    "SCALY_MCP_ALLOWED_HOSTS",
    "SCALY_MCP_PUBLIC_URL",
    "SCALY_MCP_AUTHORIZATION_SERVERS",
    "SCALY_MCP_OAUTH_PROBE",
    "SCALY_MCP_OAUTH_PROBE_REDIRECT_ORIGINS",
  ],
} as const;
/** Required in the seeds; every other seed variable is optional there. */
const SEED_REQUIRED = new Set(["SCAIVAULT_TOKEN", "SCALY_API_KEY"]);
/** The only confirmation a seed states: Scaly's "delete requires confirm" for stacks. */
const SEED_CONFIRMS = new Set(["scaly_delete_stack"]);

interface Catalog {
  env: Array<{ name: string; required: boolean }>;
  tools: Array<{ name: string; policy?: { confirm?: string } }>;
}

const docs = readFileSync(join(ROOT, "docs/catalogs.md"), "utf8");
/** One catalog's part of the "Differences from the seeds" section. */
function differences(title: "ScaiVault" | "Scaly"): string {
  const section = docs.slice(docs.indexOf("\n## Differences from the seeds"));
  expect(section.length, "docs/catalogs.md has a Differences from the seeds section").toBeGreaterThan(100);
  const start = section.indexOf(`\n### ${title}\n`);
  expect(start, `a ${title} part`).toBeGreaterThan(0);
  const end = section.indexOf("\n### ", start + 1);
  return section.slice(start, end < 0 ? undefined : end);
}

const catalogOf = (name: string): Catalog =>
  JSON.parse(readFileSync(join(ROOT, "generated", name, "catalog.json"), "utf8"));

describe("docs/catalogs.md lists what differs from the seeds", () => {
  for (const [name, title] of [
    ["scaivault", "ScaiVault"],
    ["scaly", "Scaly"],
  ] as const) {
    it(`${title}: every variable added, left out or made required, and every confirmation the seed lacks`, () => {
      const text = differences(title);
      const catalog = catalogOf(name);
      const declared = new Set(catalog.env.map((e) => e.name));
      const seed = new Set<string>(SEED_ENV[name]);
      const added = [...declared].filter((v) => !seed.has(v));
      const missing = [...seed].filter((v) => !declared.has(v));
      const required = catalog.env.filter((e) => e.required && !SEED_REQUIRED.has(e.name)).map((e) => e.name);
      for (const variable of [...added, ...missing, ...required])
        expect(text, `${variable} differs from the seed`).toContain(`\`${variable}\``);
      const confirms = catalog.tools.filter((t) => t.policy?.confirm === "required").map((t) => t.name);
      for (const tool of confirms.filter((t) => !SEED_CONFIRMS.has(t)))
        expect(text, `${tool} asks for confirmation`).toContain(`\`${tool}\``);
    });
  }

  it("the README's reference-catalog section points there", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("(docs/catalogs.md#differences-from-the-seeds)");
  });
});
