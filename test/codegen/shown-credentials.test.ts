import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageReadme } from "../../codegen/cli/pack-readme.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { shownValue } from "../../src/telemetry/redact.js";
import { runDiff } from "../helpers/diff.js";
import { genManifest, genToDisk, writeTree } from "../helpers/generate.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * Credentials a catalog's values may hold (an env default, a base URL, a policy switch's default) are shown
 * nowhere: not by `diff` (text, --all, --json), `audit` (text, --json, --html), CATALOG.md, `serve --help`, a packed
 * README or a configuration error. Each form of credential carries a marker that must not appear in any output,
 * and each changed default is still reported as changed.
 */

const SPEC = `openapi: 3.1.0
info: { title: Notes, version: "1.0" }
servers: [{ url: https://notes.example.com }]
paths:
  /notes:
    get:
      operationId: listNotes
      responses: { "200": { description: ok } }
`;

/** `V` is the version marker: every credential below changes between the two catalogs. */
const MANIFEST = `catalog: notes
env:
  NOTES_URL: { description: Base URL., type: url, default: "https://notes.example.com/v1?api_key=QKEYV&page=2" }
  NOTES_MIRROR: { description: Mirror., default: "https://bob:PASSWV@mirror.example.com/m" }
  NOTES_AT: { description: A password with an at sign., default: "https://bob:PWA@TV@at.example.com" }
  NOTES_DSN: { description: DSN., default: "bob:DSNPASSV@db.example.com:5432" }
  NOTES_HOOK: { description: Hook., default: "https://hooks.example.com/in#access_token=FRAGV" }
  NOTES_SIGNED: { description: Signed., default: "https://s3.example.com/o?X-Amz-Signature=SGNTRV&key=GKEYV" }
  NOTES_HEADER: { description: Header., default: "Bearer HDRtokV" }
  NOTES_PAIR: { description: Pair., default: "password=hunterV" }
  NOTES_TENANT: { description: Tenant., default: "acme:TENANTPWV@tenants" }
  NOTES_TOKEN: { description: Token., secret: true }
policy:
  tenant: { env: NOTES_TENANT }
sources:
  api: { openapi: ./openapi.yaml, base_url: { default: "https://notes.example.com/v1?access_token=LITKEYV" } }
tools:
  notes_list: { from: listNotes }
`;

const MARKERS = [
  "QKEY",
  "PASSW",
  "PWA@T",
  "DSNPASS",
  "FRAG",
  "SGNTRV",
  "GKEY",
  "HDRtok",
  "hunter",
  "TENANTPW",
  "LITKEY",
];
/** A secret variable's default, which `generate` refuses: a hand-made or edited catalog.json may still hold one. */
const SECRET_DEFAULT = "SECRETDEF";

/** Each marker with its version, as it sits in the catalog. */
const secretsOf = (v: string) => [...MARKERS.map((m) => m.replace(/V$/, "") + v), `${SECRET_DEFAULT}${v}`];

/**
 * The defaults `generate` refuses (a URL holding a credential, TW110): generated with a plain URL in their place,
 * then written into catalog.json, as a hand-made, edited or older catalog may hold them.
 */
const URL_DEFAULTS = ["NOTES_URL", "NOTES_MIRROR", "NOTES_AT", "NOTES_HOOK", "NOTES_SIGNED"];

async function catalogOf(version: string): Promise<string> {
  let manifest = MANIFEST.replace(/([A-Za-z@]+)V\b/g, `$1${version}`);
  const held = new Map<string, string>();
  for (const name of [...URL_DEFAULTS, "base_url"]) {
    const m = new RegExp(`(${name}: \\{[^\\n]*default: )"([^"]*)"`).exec(manifest);
    if (!m) throw new Error(`no default for ${name}`);
    held.set(name, m[2] as string);
    manifest = manifest.replace(m[0], `${m[1]}"https://notes.example.com/plain"`);
  }
  const dir = writeTree(`shown-${version}`, { "openapi.yaml": SPEC, "tools.yaml": manifest });
  const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "generated"));
  const file = join(out, "catalog.json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as CatalogDocument;
  const token = doc.env.find((e) => e.name === "NOTES_TOKEN")!;
  token.default = `${SECRET_DEFAULT}${version}`;
  for (const e of doc.env) if (held.has(e.name)) e.default = held.get(e.name);
  doc.sources[0]!.baseUrl.default = held.get("base_url");
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return out;
}

/** Fails naming the first secret `text` holds. */
function expectNoSecret(text: string, versions = ["111", "222"]): void {
  for (const v of versions)
    for (const secret of secretsOf(v)) expect(text.includes(secret), `${secret} in:\n${text}`).toBe(false);
  for (const marker of MARKERS) expect(text).not.toContain(marker.replace(/V$/, ""));
  expect(text).not.toContain(SECRET_DEFAULT);
}

describe("credentials in a catalog's values", () => {
  it("are never printed by diff, and a changed default is still reported as changed", async () => {
    const [before, after] = [await catalogOf("111"), await catalogOf("222")];
    const text = runDiff(before, after);
    const all = runDiff(before, after, "--all");
    const json = runDiff(before, after, "--json");
    for (const r of [text, all, json]) {
      expect(r.status, r.stderr).toBe(0);
      expectNoSecret(r.stdout + r.stderr);
    }
    const changes = (JSON.parse(json.stdout) as { changes: { kind: string; detail: string }[] }).changes;
    const changed = (name: string) =>
      changes.find((c) => c.kind.endsWith("default changed") && c.detail.startsWith(`${name}: `))?.detail;
    for (const name of [
      "NOTES_URL",
      "NOTES_MIRROR",
      "NOTES_AT",
      "NOTES_DSN",
      "NOTES_HOOK",
      "NOTES_SIGNED",
      "NOTES_HEADER",
      "NOTES_PAIR",
      "NOTES_TENANT",
      "NOTES_TOKEN",
    ])
      expect(changed(name), name).toBeDefined();
    // What is not a credential is still shown; two values that read alike once withheld say what changed.
    expect(changed("NOTES_URL")).toBe(
      "NOTES_URL: https://notes.example.com/v1?api_key=[redacted]&page=2 (a credential in it changed, not shown)",
    );
    expect(changed("NOTES_MIRROR")).toBe(
      "NOTES_MIRROR: https://[redacted]@mirror.example.com/m (a credential in it changed, not shown)",
    );
    expect(changed("NOTES_TOKEN")).toBe("NOTES_TOKEN: the secret default changed (not shown)");
    // The tenant lock's default changes either way: it widens, with no value shown.
    expect(changes.find((c) => c.detail.startsWith("NOTES_TENANT"))?.kind).toBe(
      "policy switch default changed",
    );
  });

  it("are never printed by audit (text, --json, --html), CATALOG.md, serve --help or a packed README", async () => {
    const dir = await catalogOf("111");
    const html = join(dir, "audit.html");
    const outputs: Record<string, string> = {};
    for (const args of [[], ["--json"], ["--html", html]]) {
      const r = spawnSync(process.execPath, [BIN, "audit", dir, ...args], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      outputs[`audit ${args.join(" ")}`] = r.stdout + r.stderr;
    }
    outputs["audit.html"] = readFileSync(html, "utf8");
    outputs["CATALOG.md"] = readFileSync(join(dir, "CATALOG.md"), "utf8");
    const help = spawnSync(process.execPath, [BIN, "serve", dir, "--help"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
    });
    expect(help.status, help.stderr).toBe(0);
    outputs["serve --help"] = help.stdout + help.stderr;
    const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
    outputs.README = packageReadme(doc, { name: "notes-mcp", bin: "notes-mcp" });
    for (const [where, text] of Object.entries(outputs)) {
      expectNoSecret(text, ["111"]);
      // What is no credential stays: the host each value names.
      expect(text, where).toContain("notes.example.com");
    }
    expect(outputs["serve --help"]).toContain('default "https://[redacted]@mirror.example.com/m"');
    expect(outputs["CATALOG.md"]).toContain("`[redacted]@db.example.com:5432`");
    expect(outputs["audit "]).toContain(
      "base URL default https://notes.example.com/v1?access_token=[redacted]",
    );
  });

  it("are never quoted by a configuration error", () => {
    const problems = (() => {
      try {
        resolveConfig([{ name: "N_URL", description: "", type: "url", required: true, secret: false }], {
          N_URL: "htp s://bob:CFGPASS@host.example.com/?api_key=CFGKEY",
        });
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(problems).toContain("expected an http(s) URL");
    expect(problems).toContain("host.example.com");
    expect(problems).not.toContain("CFGPASS");
    expect(problems).not.toContain("CFGKEY");
  });
});

describe("shownValue", () => {
  it.each([
    ["https://user:pass@api.example.com/v1", "https://[redacted]@api.example.com/v1"],
    ["https://u:p@ss@h.example.com/x", "https://[redacted]@h.example.com/x"],
    ["https:u:p@h.example.com", "[redacted]@h.example.com"],
    ["u:p@db.example.com:5432/app", "[redacted]@db.example.com:5432/app"],
    [
      "postgres://admin:s3@db.internal:5432/app?sslmode=require",
      "postgres://[redacted]@db.internal:5432/app?sslmode=require",
    ],
    ["https://a.example.com/?api_key=abcdefgh&page=2", "https://a.example.com/?api_key=[redacted]&page=2"],
    ["https://a.example.com/?api%5Fkey=abc", "https://a.example.com/?api%5Fkey=[redacted]"],
    [
      "https://a.example.com/cb#access_token=zzz&state=1",
      "https://a.example.com/cb#access_token=[redacted]&state=1",
    ],
    [
      "https://a.example.com/o?X-Amz-Credential=AK%2F1&sig=x",
      "https://a.example.com/o?X-Amz-Credential=[redacted]&sig=[redacted]",
    ],
    ["token=hunter", "token=[redacted]"],
    ["Bearer abcdefghijk", "Bearer [redacted]"],
    ["https://a.example.com/v1?page=2", "https://a.example.com/v1?page=2"],
    ["read,write", "read,write"],
    ["/var/log/audit.jsonl", "/var/log/audit.jsonl"],
  ])("%s -> %s", (value, shown) => {
    expect(shownValue(value)).toBe(shown);
  });
});

describe("a manifest value in the wrong place", () => {
  it("is quoted without its credentials", async () => {
    const dir = writeTree("shown-manifest", {
      "openapi.yaml": SPEC,
      "tools.yaml": `catalog: notes
env:
  N_URL: { description: u, type: url }
sources:
  api: { openapi: ./openapi.yaml, base_url: "https://bob:MPASS1@notes.example.com/?api_key=MKEY1" }
tools:
  notes_list: { from: listNotes, masked: "https://bob:MPASS2@notes.example.com/?token=MKEY2" }
`,
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    const text = diags.items.map((d) => `${d.message}\n${d.fix ?? ""}`).join("\n");
    expect(text).toContain("/sources/api/base_url is");
    expect(text).toContain("/tools/notes_list/masked is");
    for (const secret of ["MPASS", "MKEY"]) expect(text).not.toContain(secret);
  });
});
