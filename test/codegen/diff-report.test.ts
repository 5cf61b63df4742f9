import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, ScopedValue } from "../../src/catalog.js";
import { catalogFileOf, runDiff } from "../helpers/diff.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * `toolwright diff`'s text report on a release of many tools: the same reworded argument on every list tool is one
 * line (GitHub Enterprise Server 3.17 against 3.19 listed 631 such lines one by one), while what widens, and every
 * change of a kind that is not a plain edit, stays on a line of its own whatever repeats. `--all` and `--json` list
 * every change.
 */

const LISTS = ["apples", "pears", "plums", "figs", "limes"];
const ITEMS = ["boxes", "crates", "sacks"];

const spec = (perPage: string, deleteParams: string, extra = "") => `openapi: 3.0.3
info: { title: Orchard, version: "1" }
servers: [{ url: https://orchard.example.com }]
components:
  parameters:
    PerPage: { name: per_page, in: query, description: ${perPage}, schema: { type: integer } }
paths:
${LISTS.map(
  (name) => `  /${name}:
    get:
      operationId: list_${name}
      parameters: [{ $ref: "#/components/parameters/PerPage" }]
      responses: { "200": { description: ok } }
`,
).join("")}${extra}${ITEMS.map(
  (name) => `  /${name}/{id}:
    delete:
      operationId: delete_${name}
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
${deleteParams}      responses: { "204": { description: gone } }
`,
).join("")}`;

const MANIFEST = `catalog: orchard
sources:
  api: { openapi: ./openapi.yaml }
select: [{ all: true }]
`;

const V1 = spec("Results per page.", "");
const catalogOf = (text: string) => catalogFileOf("diff-report", text, MANIFEST);

interface Reported {
  subject: string;
  kind: string;
  detail: string;
  widens: boolean;
  safety?: string;
}
const jsonOf = (before: string, after: string) => {
  const r = runDiff(before, after, "--json");
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { changes: Reported[] }).changes;
};

describe("toolwright diff: a report a reviewer can read", () => {
  it("folds the same reworded argument on many tools into one line; --all and --json list each", async () => {
    const before = await catalogOf(V1);
    const after = await catalogOf(spec("Results per page (at most 100).", ""));
    const text = runDiff(before, after);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^ {2}~ \(5 tools\)\s+argument description changed: per_page {2}on list_apples, list_pears, list_plums and 2 more$/m,
    );
    expect(text.stdout).toContain("not widening (5, on 1 line: repeated edits folded, --all lists each):");
    expect(text.stdout.split("\n").filter((l) => l.includes("per_page"))).toHaveLength(1);
    const all = runDiff(before, after, "--all");
    expect(all.stdout).toContain("not widening (5):\n");
    for (const name of LISTS)
      expect(all.stdout).toMatch(new RegExp(`~ list_${name}\\s+argument description changed: per_page\\n`));
    const changes = jsonOf(before, after);
    expect(changes).toHaveLength(5);
    expect(changes[0]).toEqual({
      subject: "list_apples",
      kind: "argument description changed",
      detail: "per_page",
      widens: false,
      safety: "read",
    });
    // Same input, same bytes.
    expect(runDiff(before, after).stdout).toBe(text.stdout);
  });

  it("never folds what widens or what is not a plain edit, and says which tools destroy", async () => {
    const before = await catalogOf(V1);
    const force = "        - { name: force, in: query, schema: { type: boolean } }\n";
    const reason = "        - { name: reason, in: query, required: true, schema: { type: string } }\n";
    const after = await catalogOf(
      spec(
        "Results per page (at most 100).",
        force + reason,
        `  /burn:
    post:
      operationId: burn_orchard
      responses: { "200": { description: ok } }
`,
      ),
    );
    const text = runDiff(before, after).stdout;
    const lines = text.split("\n");
    const cut = lines.findIndex((l) => l.startsWith("not widening ("));
    const widening = lines.slice(0, cut);
    // Catalog-wide first, then destructive tools, then write and read ones; each widening change on its own line.
    for (const name of ITEMS)
      expect(
        widening.filter((l) =>
          new RegExp(
            `^ {2}\\+ delete_${name}\\s+argument added: force {2}\\[widens\\] \\[destructive\\]$`,
          ).test(l),
        ),
      ).toHaveLength(1);
    const order = widening.filter((l) => /^ {2}[-+~] /.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    expect(order).toEqual(["delete_boxes", "delete_crates", "delete_sacks", "burn_orchard"]);
    expect(widening.find((l) => l.includes("burn_orchard"))).toMatch(
      /\+ burn_orchard\s+tool added: write · POST \/burn {2}\[widens\]$/,
    );
    // A required argument added to a destructive tool does not widen, but is never folded either.
    const rest = lines.slice(cut);
    for (const name of ITEMS)
      expect(
        rest.some((l) =>
          new RegExp(`\\+ delete_${name}\\s+argument added: reason \\(required\\)  \\[destructive\\]$`).test(
            l,
          ),
        ),
      ).toBe(true);
    expect(rest.filter((l) => l.includes("per_page"))).toHaveLength(1);
    const changes = jsonOf(before, after);
    expect(changes.filter((c) => c.detail === "force")).toHaveLength(3);
    expect(changes.find((c) => c.subject === "burn_orchard")).toMatchObject({
      widens: true,
      safety: "write",
    });
    expect(runDiff(before, after, "--fail-on-widening").status).toBe(1);
  });

  it("folds one tool's many removed arguments into one line naming them", async () => {
    const search = (names: string[]) => `  /search:
    get:
      operationId: search_orchard
      parameters:
${names.map((n) => `        - { name: ${n}, in: query, schema: { type: string } }\n`).join("")}      responses: { "200": { description: ok } }
`;
    const all = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"];
    const before = await catalogOf(spec("Results per page.", "", search(all)));
    const after = await catalogOf(spec("Results per page.", "", search(["a9"])));
    const text = runDiff(before, after).stdout;
    expect(text).toMatch(/- search_orchard\s+argument removed \(8\): a1, a2, a3, a4, a5, a6 and 2 more\n/);
    expect(runDiff(before, after, "--all").stdout.match(/argument removed: a\d/g)).toHaveLength(8);
  });
});

describe("toolwright diff: a safety class changed either way", () => {
  const manifest = (safety: string) => `catalog: orchard
sources:
  api: { openapi: ./openapi.yaml }
select: [{ all: true }]
tools:
  burn: { from: burn_orchard${safety} }
`;
  const burn = spec(
    "Results per page.",
    "",
    `  /burn:
    post:
      operationId: burn_orchard
      responses: { "200": { description: ok } }
`,
  );
  const of = (safety: string) => catalogFileOf("diff-report-safety", burn, manifest(safety));

  it("widens when lowered: a write now read is served under read-only and advertised as read-only", async () => {
    const write = await of("");
    const read = await of(", safety: read");
    const destructive = await of(", safety: destructive");
    const lowered = jsonOf(write, read).filter((c) => c.kind === "safety class changed");
    expect(lowered).toEqual([
      {
        subject: "burn",
        kind: "safety class changed",
        detail: "write -> read (served in read-only mode, advertised readOnlyHint)",
        widens: true,
        safety: "read",
      },
    ]);
    expect(runDiff(write, read, "--fail-on-widening").status).toBe(1);
    // destructive -> write: confirmation is reported removed as well; the class itself widens too.
    const down = jsonOf(destructive, write).filter((c) => c.subject === "burn" && c.widens);
    expect(down.map((c) => `${c.kind}: ${c.detail}`)).toEqual([
      "safety class changed: destructive -> write (no longer advertised destructiveHint)",
      "confirmation removed: runs without confirmation",
    ]);
    // Raised, as before: widens (a class change is read by a person).
    expect(jsonOf(write, destructive).find((c) => c.kind === "safety class changed")).toMatchObject({
      detail: "write -> destructive",
      widens: true,
    });
  });
});

describe("toolwright diff: the path scope's every fact", () => {
  it("a scoped value dropped or read another way, scoped items dropped, a listing's items moved and a new not-a-path exemption widen", () => {
    const doc = JSON.parse(
      readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
    ) as CatalogDocument;
    // A key/value write whose values are masked in its preview by their argument (as Scaly's variables are).
    (doc.tools.find((t) => t.name === "scaivault_write_secret") as CatalogTool).policy.secretKeys = {
      keysArg: "data",
      valuesArg: "value",
    };
    const edit = (f: (tool: (name: string) => CatalogTool["policy"]) => void): CatalogDocument => {
      const copy = JSON.parse(JSON.stringify(doc)) as CatalogDocument;
      f((name) => (copy.tools.find((t) => t.name === name) as CatalogTool).policy);
      return copy;
    };
    const looser = edit((policy) => {
      delete policy("scaivault_create_policy").scopedValues;
      (policy("scaivault_proxy_read").scopedValues as ScopedValue[])[0]!.kind = "prefix";
      delete policy("scaivault_audit_summary").scopedItems;
      policy("scaivault_list_secrets").scopedList!.itemPathField = "name";
      policy("scaivault_delete_secret").notPaths = ["path"];
      policy("scaivault_write_secret").secretKeys = { keysArg: "data" };
    });
    const dir = writeTree("diff-scope", {
      "old.json": JSON.stringify(doc),
      "new.json": JSON.stringify(looser),
    });
    const [before, after] = [join(dir, "old.json"), join(dir, "new.json")];
    const seen = jsonOf(before, after).map(
      (c) => `${c.subject} ${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`,
    );
    expect(seen).toEqual([
      "scaivault_write_secret secret values argument removed: value [widens]",
      "scaivault_delete_secret argument exempt from path scope: path [widens]",
      "scaivault_list_secrets scoped listing items moved: items[].path -> items[].name [widens]",
      "scaivault_create_policy scoped value removed: rules.*.paths (pattern) [widens]",
      "scaivault_proxy_read scoped value changed: path: path under scaivault_get_federation_backend(backend_id=backend_id).mount_prefix -> prefix under scaivault_get_federation_backend(backend_id=backend_id).mount_prefix [widens]",
      "scaivault_audit_summary scoped items removed: top_paths[].key [widens]",
    ]);
    expect(runDiff(before, after, "--fail-on-widening").status).toBe(1);
    // The other way each narrows: reported, and the gate passes.
    const back = jsonOf(after, before).filter((c) => c.widens === false);
    expect(back.map((c) => c.kind).sort()).toEqual([
      "argument no longer exempt from path scope",
      "scoped items added",
      "scoped value added",
      "secret values argument added",
    ]);
  });
});
