import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { changeLines as lines, numberedCatalogs, runDiff } from "../helpers/diff.js";

/**
 * `toolwright diff` on what it still compared in silence after round 45: the publish settings (what the model is
 * shown), a tool's success rule, its annotations read as they are, a resource template's tool, listing and assets,
 * and a prompt's arguments.
 */

const SPEC = `openapi: 3.1.0
info: { title: Notes, version: "1.0" }
servers: [{ url: https://notes.example.com }]
paths:
  /notes:
    get:
      operationId: listNotes
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: { type: array, items: { type: object, properties: { id: { type: string } } } }
  /notes/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    get:
      operationId: getNote
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } }
    delete:
      operationId: deleteNote
      responses: { "204": { description: gone } }
`;

const MANIFEST = `catalog: notes
sources:
  api: { openapi: ./openapi.yaml }
tools:
  notes_list: { from: api#listNotes }
  notes_get: { from: api#getNote }
  notes_delete: { from: api#deleteNote }
resource_templates:
  - uri_template: "notes://notes/{id}"
    tool: notes_get
    list: { tool: notes_list, items: items, values: { id: id } }
prompts:
  summarise:
    file: ./prompt.md
    arguments: [{ name: id, required: true, description: The note }]
`;

const { fileOf, docOf, folder } = numberedCatalogs("diff-unseen", SPEC, {
  "prompt.md": "Summarise note {{id}}.\n",
});

describe("diff on what it still compared in silence", () => {
  it("the publish settings: each said where it changed, none widening, either way", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      `${MANIFEST}publish: { descriptions: concise, output_schemas: none, schema_depth: 3, schema_bytes: 4096, output_schema_bytes: 2048, common_arguments: per-tool, schema_profile: portable }\n`,
    );
    const said = (label: string, was: string, now: string, what: string) =>
      `catalog publish setting changed: ${label}: ${was} -> ${now} (${what}; what the model is shown, not what a call may do)`;
    const expected = (x: Record<string, string>, y: Record<string, string>) => [
      said("descriptions", x.d!, y.d!, "the text of tools and schemas the model reads"),
      said("output schemas", x.o!, y.o!, "the result schemas clients are given"),
      said("schema depth", x.sd!, y.sd!, "named-schema references expanded from a tool's root"),
      said("schema bytes", x.sb!, y.sb!, "the most bytes of one published input schema"),
      said("output schema bytes", x.ob!, y.ob!, "the most bytes of one compact output schema"),
      said("common arguments", x.c!, y.c!, "where arguments many tools share are described"),
      said("schema profile", x.p!, y.p!, "the JSON Schema form input schemas are published in"),
    ];
    const defaults = {
      d: "full",
      o: "compact",
      sd: "2",
      sb: "8192",
      ob: "1024",
      c: "instructions",
      p: "inline",
    };
    const chosen = { d: "concise", o: "none", sd: "3", sb: "4096", ob: "2048", c: "per-tool", p: "portable" };
    expect(lines(before, after)).toEqual(expected(defaults, chosen));
    expect(lines(after, before)).toEqual(expected(chosen, defaults));
    // The defaults named read as the defaults: nothing to say.
    const named = await docOf(
      `${MANIFEST}publish: { descriptions: full, schema_profile: default, common_arguments: instructions }\n`,
    );
    expect(lines(before, named)).toEqual([]);
  });

  it("a tool's success rule: another status, media type or empty reply is said, not widening", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST,
      SPEC.replace(
        `        "200":
          description: ok
          content: { application/json:`,
        `        "204": { description: nothing yet }
        "201":
          description: ok
          content: { application/json:`,
      ),
    );
    expect(lines(before, after)).toEqual([
      "notes_get success response changed: 200 application/json -> 201 application/json, 204 empty",
    ]);
    expect(lines(after, before)).toEqual([
      "notes_get success response changed: 201 application/json, 204 empty -> 200 application/json",
    ]);
  });

  it("annotations read as they are: a hint claiming less risk widens, the reverse is said", async () => {
    const before = await docOf(MANIFEST);
    const after = structuredClone(before);
    const del = after.tools.find((t) => t.name === "notes_delete")!;
    del.annotations = {
      ...del.annotations,
      readOnlyHint: true,
      destructiveHint: false,
      title: "Remove a note",
    };
    expect(lines(before, after)).toEqual([
      "notes_delete annotations changed: readOnlyHint false -> true (hosts may run it without asking); destructiveHint true -> false (hosts may no longer ask before running it) [widens]",
      'notes_delete annotations changed: title "Notes delete" -> "Remove a note"',
    ]);
    expect(lines(after, before)).toEqual([
      'notes_delete annotations changed: readOnlyHint true -> false; destructiveHint false -> true; title "Remove a note" -> "Notes delete"',
    ]);
    // From the manifest: a DELETE is idempotent by default; claims each way on one tool are split.
    const claimed = await docOf(
      MANIFEST.replace(
        "notes_delete: { from: api#deleteNote }",
        "notes_delete: { from: api#deleteNote, idempotent: false, open_world: false }",
      ),
    );
    expect(lines(before, claimed)).toEqual([
      "notes_delete annotations changed: openWorldHint true -> false (hosts may weigh it as reaching nothing outside) [widens]",
      "notes_delete annotations changed: idempotentHint true -> false",
    ]);
    expect(lines(claimed, before)).toEqual([
      "notes_delete annotations changed: idempotentHint false -> true (hosts may retry it) [widens]",
      "notes_delete annotations changed: openWorldHint false -> true",
    ]);
  });

  it("the per-tool confirmation rule: dropped widens, added is said", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace(
        "notes_delete: { from: api#deleteNote }",
        "notes_delete: { from: api#deleteNote, confirm: none }",
      ),
    );
    expect(lines(before, after)).toEqual([
      "notes_delete argument removed: confirmation_token",
      "notes_delete confirmation removed: runs without confirmation [widens]",
    ]);
    expect(lines(after, before)).toEqual([
      "notes_delete argument added: confirmation_token [widens]",
      "notes_delete confirmation added: asks before running",
    ]);
  });

  it("a resource template's tool or listing tool changed widens; its assets, media type are said", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace("    tool: notes_get\n", "    tool: notes_delete\n").replace(
        "list: { tool: notes_list,",
        "list: { tool: notes_get,",
      ),
    );
    expect(lines(before, after)).toEqual([
      "catalog resource template tool changed: notes://notes/{id}: notes_get(id={id}) -> notes_delete(id={id}) [widens]",
      "catalog resource template listing tool changed: notes://notes/{id}: notes_list -> notes_get [widens]",
    ]);
    expect(lines(after, before)).toEqual([
      "catalog resource template tool changed: notes://notes/{id}: notes_delete(id={id}) -> notes_get(id={id}) [widens]",
      "catalog resource template listing tool changed: notes://notes/{id}: notes_get -> notes_list [widens]",
    ]);
    const guides = (values: string[], mimeType: string) => ({
      uriTemplate: "notes://guides/{name}",
      name: "guides",
      mimeType,
      assets: { variable: "name", pattern: "assets/guides/{name}.md", values },
    });
    const a = { ...before, resourceTemplates: [guides(["intro", "faq"], "text/markdown")] };
    const b = { ...before, resourceTemplates: [guides(["intro", "setup"], "text/plain")] };
    expect(lines(a, b)).toEqual([
      "catalog resource template assets changed: notes://guides/{name}: +setup, -faq",
      "catalog resource template media type changed: notes://guides/{name}: text/markdown -> text/plain",
    ]);
  });

  it("a prompt's arguments added, removed, made required or optional: said, not widening", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace(
        "arguments: [{ name: id, required: true, description: The note }]",
        "arguments: [{ name: id, description: The note }, { name: tone, required: true, description: Tone }]",
      ),
    );
    expect(lines(before, after)).toEqual([
      "catalog prompt argument now optional: summarise: id",
      "catalog prompt argument added: summarise: tone (required)",
    ]);
    expect(lines(after, before)).toEqual([
      "catalog prompt argument now required: summarise: id",
      "catalog prompt argument removed: summarise: tone",
    ]);
  });

  it("the CLI: text and --json agree, --fail-on-widening fails on a hint alone", async () => {
    const before = await fileOf(MANIFEST);
    const doc = JSON.parse(readFileSync(before, "utf8")) as CatalogDocument;
    const del = doc.tools.find((t) => t.name === "notes_delete")!;
    del.annotations = { ...del.annotations, readOnlyHint: true };
    doc.publish = { ...doc.publish, descriptions: "concise" };
    const after = join(folder(), "catalog.json");
    writeFileSync(after, JSON.stringify(doc));
    const text = runDiff(before, after, "--fail-on-widening");
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(
      "notes_delete  annotations changed: readOnlyHint false -> true (hosts may run it without asking)  [widens] [destructive]",
    );
    expect(text.stdout).toContain("publish setting changed: descriptions: full -> concise");
    const json = runDiff(before, after, "--json", "--fail-on-widening");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).changes).toEqual([
      {
        subject: "notes_delete",
        kind: "annotations changed",
        detail: "readOnlyHint false -> true (hosts may run it without asking)",
        widens: true,
        safety: "destructive",
      },
      {
        subject: "catalog",
        kind: "publish setting changed",
        detail:
          "descriptions: full -> concise (the text of tools and schemas the model reads; what the model is shown, not what a call may do)",
        widens: false,
      },
    ]);
  });
});
