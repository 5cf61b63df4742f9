import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";

const SPEC = `openapi: 3.1.0
info: { title: Notes, version: "1.0" }
servers: [{ url: https://notes.example.com }]
paths:
  /notes:
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
`;

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

async function catalogOf(manifest: string): Promise<string> {
  const dir = writeTree("diff", { "openapi.yaml": SPEC, "tools.yaml": manifest });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
  const file = join(dir, "catalog.json");
  writeFileSync(file, cat?.files.get("catalog.json") ?? "");
  return file;
}

function diff(...args: string[]) {
  return spawnSync(process.execPath, [BIN, "diff", ...args], { cwd: ROOT, encoding: "utf8" });
}

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
    expect(diff(before, after, "--fail-on-widening").status).toBe(1);
    expect(diff(after, before, "--fail-on-widening").status).toBe(1);
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
});
