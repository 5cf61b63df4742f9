import { cpSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../codegen/diff/compare.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { catalogFileOf } from "../helpers/diff.js";
import { BIN } from "../helpers/mcp.js";
import { tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * `toolwright diff` on a source's endpoint and credentials: each said apart (`source endpoint changed`, `source
 * credentials changed`), naming where the base URL is read from and which scheme changed how, never a value; and
 * the catalogs it takes: two folders named bare in the current directory were refused ("no catalog at old").
 */

const SPEC = `openapi: 3.1.0
info: { title: Notes, version: "1.0" }
servers: [{ url: https://notes.example.com }]
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
    bearer: { type: http, scheme: bearer }
security: [{ key: [] }]
paths:
  /notes:
    get:
      operationId: listNotes
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: notes
env:
  NOTES_URL: { description: Base URL., type: url, default: https://notes.example.com }
  NOTES_KEY: { description: Key., secret: true }
  NOTES_OTHER_KEY: { description: Key., secret: true }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: NOTES_URL }, auth: { key: { value: { env: NOTES_KEY } } } }
tools:
  notes_list: { from: listNotes }
`;

const docOf = async (manifest: string, spec = SPEC) =>
  JSON.parse(readFileSync(await catalogFileOf("diff-sources", spec, manifest), "utf8")) as CatalogDocument;

const lines = (before: CatalogDocument, after: CatalogDocument) =>
  compareCatalogs(before, after)
    .filter((c) => c.kind.startsWith("source"))
    .map((c) => `${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`);

describe("diff on a source", () => {
  it("says the endpoint changed, and where it is read from, apart from the credentials", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace("base_url: { env: NOTES_URL }", 'base_url: { default: "https://notes2.example.com" }'),
    );
    // generate refuses a default holding credentials (TW110): a hand-made or older catalog may still hold one.
    after.sources[0]!.baseUrl = { default: "https://bob:PW1@notes2.example.com" };
    expect(lines(before, after)).toEqual([
      "source endpoint changed: api: env NOTES_URL, else default https://notes.example.com -> default https://[redacted]@notes2.example.com [widens]",
    ]);
  });

  it("names the scheme whose credential moved, and how, never its value", async () => {
    const before = await docOf(MANIFEST);
    const moved = await docOf(
      MANIFEST.replace("value: { env: NOTES_KEY }", "value: { env: NOTES_OTHER_KEY }"),
    );
    expect(lines(before, moved)).toEqual([
      "source credentials changed: api: key: read from env NOTES_KEY -> env NOTES_OTHER_KEY [widens]",
    ]);
    const query = await docOf(MANIFEST, SPEC.replace("in: header, name: X-Key", "in: query, name: key"));
    expect(lines(before, query)).toEqual([
      "source credentials changed: api: key: apiKey in header X-Key -> apiKey in query key [widens]",
    ]);
    const added = await docOf(
      MANIFEST.replace(
        "auth: { key: { value: { env: NOTES_KEY } } }",
        "auth: { key: { value: { env: NOTES_KEY } }, bearer: { token: { env: NOTES_OTHER_KEY } } }",
      ),
      SPEC.replace("security: [{ key: [] }]", "security: [{ key: [], bearer: [] }]"),
    );
    expect(lines(before, added)).toEqual(["source credentials changed: api: bearer added (bearer) [widens]"]);
    expect(lines(added, before)).toEqual([
      "source credentials changed: api: bearer removed (bearer) [widens]",
    ]);
  });
});

describe("diff's catalogs", () => {
  it("are folders named bare in the current directory, and one without a catalog.json is said to be so", async () => {
    const file = await catalogFileOf("diff-sources", SPEC, MANIFEST);
    const cwd = tmpDir("diff-bare");
    cpSync(dirname(file), join(cwd, "old"), { recursive: true });
    cpSync(dirname(file), join(cwd, "new"), { recursive: true });
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, "diff", ...args], { cwd, encoding: "utf8" });
    const bare = run("old", "new");
    expect(bare.status, bare.stderr).toBe(0);
    expect(bare.stdout).toContain("no changes a reviewer would see");
    expect(run("old/catalog.json", "./new").status).toBe(0);
    const none = run("old", "openapi-missing");
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("no catalog at openapi-missing");
    cpSync(join(cwd, "old", "openapi.yaml"), join(cwd, "specs-only", "openapi.yaml"));
    const empty = run("old", "specs-only");
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("specs-only has no catalog.json");
  });
});
