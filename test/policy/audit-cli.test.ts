import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildReport, renderText } from "../../codegen/cli/audit.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/** `toolwright audit`: the policy surface of a catalog from catalog.json alone, deterministic. */

const BIN = join(ROOT, "bin/toolwright.mjs");
const scaivault = JSON.parse(
  readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
) as CatalogDocument;

function cli(...args: string[]) {
  return spawnSync(process.execPath, [BIN, "audit", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 240_000, // a failure bound for a hung child, not a speed target
  });
}

describe("toolwright audit scaivault", () => {
  it("prints every tool with its safety class, binding and policies, and the switches with their env", () => {
    const run = cli("scaivault");
    expect(run.status, run.stderr).toBe(0);
    const text = run.stdout;
    expect(text).toMatch(/^Catalog scaivault 1\.6\.0 \(ScaiVault\)\n/);
    expect(text).toContain(
      "67 tools: 40 read, 21 write, 6 destructive; 6 need confirmation; 7 mask result fields",
    );
    expect(text).toMatch(
      /read-only\s+SCAIVAULT_READ_ONLY \(boolean, default false\)\n\s+write and destructive tools are not listed and refuse to run; reads work; applies to 27 tools/,
    );
    expect(text).toMatch(/allowed paths\s+SCAIVAULT_ALLOWED_PATHS \(list, unset by default\)/);
    expect(text).toContain("signed with SCAIVAULT_CONFIRM_SECRET (secret; the same on every replica)");
    expect(text).toContain("bearer token from SCAIVAULT_TOKEN");
    expect(text).toContain(
      "  scaivault_delete_secret  [destructive]  DELETE /v1/secrets/{path}  <vault>\n    hidden and refused when SCAIVAULT_READ_ONLY=true; confirmation required (preview, token or elicitation); scoped path: path (SCAIVAULT_ALLOWED_PATHS / SCAIVAULT_DENIED_PATHS); tenant lock: tenant (SCAIVAULT_TENANT_ID); partner lock: partner (SCAIVAULT_PARTNER_ID)\n",
    );
    expect(text).toContain("masked: value, data.* (when SCAIVAULT_MASK_VALUES=true)");
    for (const tool of scaivault.tools)
      expect(text).toContain(`  ${tool.name}  [${tool.safety}]  ${tool.summary}`);
  });

  it("is deterministic and carries no absolute path; --json is the same report", () => {
    const a = cli("scaivault");
    const b = cli("./generated/scaivault");
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toContain(ROOT);
    const json = cli("scaivault", "--json");
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toEqual(JSON.parse(JSON.stringify(buildReport(scaivault))));
    expect(renderText(report)).toBe(a.stdout);
    expect(report.tools.find((t: { name: string }) => t.name === "scaivault_read_secret").policies).toEqual({
      refusedWhenReadOnly: false,
      confirmation: false,
      deniedByManifest: false,
      scopedPath: "path",
      pathScope: { touches: ["path"] },
      tenantArg: "tenant",
      partnerArg: "partner",
      masked: ["value", "data.*"],
    });
  });

  it("usage errors exit 2, a missing catalog 1", () => {
    expect(cli().status).toBe(2);
    expect(cli("a", "b").status).toBe(2);
    expect(cli("scaivault", "--nope").status).toBe(2);
    const missing = cli("no-such-catalog");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(
      /"no-such-catalog" is not a catalog bundled with toolwright .*pass its path, e\.g\. \.\/generated\/no-such-catalog/,
    );
    expect(cli("--help").stdout).toMatch(/^Usage: toolwright audit <catalog> \[--json \| --html FILE\]/);
  });
});

describe("what a reviewer asks of audit", () => {
  it("a bare name is the working directory's ./generated/<name> first, as --help says, and stderr says so", () => {
    const cwd = tmpDir("audit-cwd");
    mkdirSync(join(cwd, "generated/scaivault"), { recursive: true });
    writeFileSync(
      join(cwd, "generated/scaivault/catalog.json"),
      JSON.stringify({ ...scaivault, server: { ...scaivault.server, version: "9.9.9-mine" } }),
    );
    const mine = spawnSync(process.execPath, [BIN, "audit", "scaivault"], { cwd, encoding: "utf8" });
    expect(mine.status, mine.stderr).toBe(0);
    expect(mine.stdout).toMatch(/^Catalog scaivault 9\.9\.9-mine/);
    expect(mine.stderr).toContain("reading ./generated/scaivault (the working directory's)");
    const bundled = spawnSync(process.execPath, [BIN, "audit", "scaly"], { cwd, encoding: "utf8" });
    expect(bundled.status).toBe(0);
    expect(bundled.stdout).toMatch(/^Catalog scaly /);
    expect(bundled.stderr).toBe("");
    expect(cli("--help").stdout).toContain("looked\nup as ./generated/<name> in the current directory first");
  });

  it("shows what serve would serve with run-time switches; a switch serve would refuse exits 2", () => {
    const run = cli("scaivault", "--read-only", "--deny", "tag:pki", "--mask", "value");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("with --read-only --deny tag:pki --mask value: 34 of 67 tools served");
    expect(run.stdout).toContain("    NOT SERVED with --deny tag:pki");
    expect(run.stdout).toMatch(/scaivault_write_secret .*\n {4}NOT SERVED with --read-only/);
    const typo = cli("scaivault", "--deny", "tag:pkk");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('--deny: "tag:pkk" matches no tool of catalog scaivault');
  });

  it("--html writes one self-contained page next to the text report; --html - prints it instead", () => {
    const file = join(tmpDir("audit-html-cli"), "report.html");
    const run = cli("scaivault", "--html", file);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Catalog scaivault/);
    const page = readFileSync(file, "utf8");
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/(?:src|href)="(?!data:)/);
    expect(cli("scaivault", "--html", "-").stdout).toBe(page);
  });
});

describe("policy facts of every kind", () => {
  let doc: CatalogDocument;
  beforeAll(async () => {
    const { dir } = await genToDisk(join(ROOT, "test/policy/fixture/tools.yaml"), tmpDir("audit-fixture"));
    doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8"));
  });

  it("shows secret-like keys, names-only, denied-by-manifest tools and custom handlers", () => {
    const report = buildReport(doc);
    expect(report.summary).toMatchObject({ secretKeys: 1, namesOnly: 1, deniedByManifest: 1, masked: 1 });
    expect(report.deniedByManifest).toEqual(["app_wipe_everything"]);
    const text = renderText(report);
    expect(text).toContain("secret-like keys refused in: vars; values never echoed");
    expect(text).toContain("names only: vars");
    expect(text).toMatch(
      /app_wipe_everything {2}\[destructive\] {2}POST \/v1\/wipe {2}<app>\n {4}DENIED by the manifest \(not served\)/,
    );
    expect(text).toMatch(
      /app_copy_secret {2}\[write\] {2}.*<test\/policy\/fixture\/handlers\/copy-secret\.ts/,
    );
  });

  it("flags unmasked result fields named like credentials, and destructive tools without confirmation", () => {
    const edited: CatalogDocument = {
      ...doc,
      tools: doc.tools.map((t) =>
        t.name === "app_read_secret"
          ? { ...t, policy: { ...t.policy, masked: ["value"] } }
          : t.name === "app_delete_secret"
            ? { ...t, policy: { ...t.policy, confirm: "none" as const } }
            : t,
      ),
    };
    const report = buildReport(edited);
    expect(report.tools.find((t) => t.name === "app_read_secret")?.review).toEqual([
      "result fields named like credentials, not masked: private_key",
    ]);
    expect(report.tools.find((t) => t.name === "app_delete_secret")?.review).toEqual([
      "destructive without confirmation (confirm: none in the manifest)",
    ]);
  });
});
