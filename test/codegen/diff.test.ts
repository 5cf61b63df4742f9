import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { project, UNBOUNDED } from "../../src/publish/project.js";
import { DIALECT } from "../../src/publish/publisher.js";
import { catalogFileOf, notesSpec, runDiff } from "../helpers/diff.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

const SPEC = notesSpec(`  /notes:
    get:
      operationId: listNotes
      parameters:
        - { name: limit, in: query, required: true, schema: { type: integer } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object, properties: { secret: { type: string } } } } } } }
    post:
      operationId: createNote
      responses: { "200": { description: ok } }
  /notes/{id}:
    delete:
      operationId: deleteNote
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "204": { description: gone } }
`);

const V1 = `catalog: notes
env:
  NOTES_URL: { description: Base URL., type: url, default: https://notes.example.com }
  NOTES_READ_ONLY: { description: Refuse writes., type: boolean, default: "false" }
policy:
  read_only: { env: NOTES_READ_ONLY }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: NOTES_URL } }
tools:
  notes_list: { from: listNotes, masked: [secret] }
  notes_delete: { from: deleteNote }
`;

const catalogOf = (manifest: string, spec = SPEC) => catalogFileOf("diff", spec, manifest);
const diff = runDiff;

describe("toolwright diff", () => {
  it("names each change a reviewer cares about and which ones widen what an agent can do", async () => {
    const before = await catalogOf(V1);
    const after = await catalogOf(
      V1.replace("  notes_list: { from: listNotes, masked: [secret] }", "  notes_list: { from: listNotes }")
        .replace(
          "  notes_delete: { from: deleteNote }",
          "  notes_delete: { from: deleteNote, confirm: none }\n  notes_create: { from: createNote }",
        )
        .replace("policy:\n  read_only: { env: NOTES_READ_ONLY }\n", ""),
    );
    const r = diff(before, after, "--json");
    expect(r.status, r.stderr).toBe(0);
    const changes = (
      JSON.parse(r.stdout) as { changes: { subject: string; kind: string; widens: boolean }[] }
    ).changes;
    const seen = changes.map((c) => `${c.subject} ${c.kind} ${c.widens ? "widens" : ""}`.trim());
    expect(seen).toContain("notes_create tool added widens");
    expect(seen).toContain("notes_list field no longer masked widens");
    expect(seen).toContain("notes_delete confirmation removed widens");
    expect(seen).toContain("notes_delete argument removed");
    expect(seen).toContain("catalog read-only switch removed widens");
    const text = diff(before, after);
    expect(text.stdout).toMatch(/\+ notes_create\s+tool added: write · POST \/notes {2}\[widens\]/);
    // What widens is listed first, under its own heading, whatever order the comparison found it in.
    const lines = text.stdout.split("\n");
    const cut = lines.findIndex((l) => l.startsWith("not widening ("));
    expect(lines).toContain(`widening (${seen.filter((s) => s.endsWith("widens")).length}):`);
    expect(cut).toBeGreaterThan(lines.indexOf(lines.find((l) => l.startsWith("widening (")) ?? ""));
    expect(lines.slice(0, cut).filter((l) => l.startsWith("  ") && l.includes("[widens]")).length).toBe(
      seen.filter((s) => s.endsWith("widens")).length,
    );
    expect(lines.slice(cut).some((l) => l.includes("[widens]"))).toBe(false);
    expect(lines.find((l) => l.startsWith("  by kind: "))).toMatch(/^ {2}by kind: \d+ [a-z]/);
    expect(diff(before, after, "--fail-on-widening").status).toBe(1);
    expect(diff(after, before, "--fail-on-widening").status).toBe(1);
  });

  it("the gate passes a tightened argument and fails a loosened one", async () => {
    const limit = "schema: { type: integer }";
    const before = await catalogOf(V1, SPEC.replace(limit, "schema: { type: integer, enum: [10, 50, 90] }"));
    const tighter = await catalogOf(V1, SPEC.replace(limit, "schema: { type: integer, enum: [10, 50] }"));
    const looser = await catalogOf(
      V1,
      SPEC.replace(limit, "schema: { type: integer, enum: [10, 50, 90, 100000] }"),
    );
    const narrowed = diff(before, tighter, "--fail-on-widening");
    expect(narrowed.status, narrowed.stdout).toBe(0);
    expect(narrowed.stdout).toMatch(/~ notes_list\s+argument narrowed: limit \(enum -\[90\]\)\n/);
    const widened = diff(before, looser, "--fail-on-widening");
    expect(widened.status, widened.stdout).toBe(1);
    expect(widened.stdout).toMatch(
      /~ notes_list\s+argument schema changed: limit \(enum \+\[100000\]\) {2}\[widens\]/,
    );
  });

  it("an unchanged catalog has no changes and passes the gate; git revisions and catalog names are read", async () => {
    const a = await catalogOf(V1);
    const b = await catalogOf(V1);
    expect(diff(a, b).stdout).toContain("no changes a reviewer would see");
    expect(diff(a, b, "--fail-on-widening").status).toBe(0);
    const head = diff("HEAD:generated/scaivault", "scaivault", "--json");
    expect(head.status, head.stderr).toBe(0);
    expect((JSON.parse(head.stdout) as CatalogDocument & { catalog: string }).catalog).toBe("scaivault");
    expect(diff("nope-rev:generated/x", "scaivault").status).toBe(2);
  });

  it("compares a format-1 catalog (older releases) with format 2, and sees a changed named schema", () => {
    const doc = JSON.parse(
      readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
    ) as CatalogDocument;
    // Format 1 as older releases wrote it: every tool carries the named schemas it reaches.
    const asFormat1 = (table: CatalogDocument["schemas"]) => {
      const whole = (root: JsonSchema | undefined) =>
        root && { $schema: DIALECT, ...project(root, table, UNBOUNDED).schema };
      const { schemas: _table, publish: _publish, ...rest } = doc;
      return {
        ...rest,
        format: 1,
        tools: doc.tools.map((t) => ({
          ...t,
          inputSchema: whole(t.inputSchema),
          ...(t.outputSchema ? { outputSchema: whole(t.outputSchema) } : {}),
        })),
      };
    };
    const dir = writeTree("diff-format1", {
      "old.json": JSON.stringify(asFormat1(doc.schemas)),
      "changed.json": JSON.stringify(
        asFormat1({ ...doc.schemas, SecretPath: { type: "string", maxLength: 9 } }),
      ),
    });
    const same = diff(join(dir, "old.json"), "generated/scaivault");
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toContain("no changes a reviewer would see");
    const changed = diff(join(dir, "changed.json"), "generated/scaivault", "--json");
    const kinds = (JSON.parse(changed.stdout) as { changes: { kind: string }[] }).changes.map((c) => c.kind);
    // SecretPath lost its pattern and minLength and its maxLength fell: not narrower, so it widens.
    const changes = (
      JSON.parse(changed.stdout) as { changes: { kind: string; detail: string; widens: boolean }[] }
    ).changes;
    expect(kinds).toContain("argument schema changed");
    expect(changes.find((c) => c.kind === "argument schema changed")).toMatchObject({
      detail: expect.stringContaining("named schema SecretPath changed"),
      widens: true,
    });
    const future = writeTree("diff-format9", { "c.json": JSON.stringify({ ...doc, format: 9 }) });
    const refused = diff(join(future, "c.json"), "generated/scaivault");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/catalog format 9, which this toolwright cannot compare/);
  });
});
