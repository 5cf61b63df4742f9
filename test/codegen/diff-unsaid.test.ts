import { describe, expect, it } from "vitest";
import { changeLines as lines, numberedCatalogs, runDiff } from "../helpers/diff.js";

/**
 * `toolwright diff` on what it compared in silence before: a source's timeout, a GraphQL source's credential
 * alternatives, an audit setting's env, the audit turned on or off, a denied-tools switch, any protective switch
 * renamed, an env variable no longer secret, the result envelope, a tool's tags and whether clients see it, and a
 * result schema's change said with what changed (it printed `result schema changed` with an empty detail).
 */

const SPEC = `openapi: 3.1.0
info: { title: Notes, version: "1.0" }
servers: [{ url: https://notes.example.com }]
paths:
  /notes:
    get:
      operationId: listNotes
      tags: [notes]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: { type: array, items: { $ref: "#/components/schemas/Note" } }
                  count: { type: integer }
components:
  schemas:
    Note:
      type: object
      description: A note.
      properties:
        id: { type: string }
        body: { type: string, description: Its text. }
`;

const SDL = "type Query { shelf: String }\n";

const MANIFEST = `catalog: notes
env:
  NOTES_KEY: { description: Key., secret: true }
  NOTES_TOKEN: { description: Token., secret: true }
  NOTES_READ_ONLY: { description: Read only., type: boolean }
  NOTES_AUDIT: { description: Audit., type: boolean }
  NOTES_AUDIT_FILE: { description: Audit file., type: path }
  NOTES_DENIED: { description: Denied tools., type: list }
sources:
  api: { openapi: ./openapi.yaml, timeout_ms: 30000 }
  lib:
    graphql: ./schema.graphql
    base_url: { default: https://lib.example }
    path: /graphql
    auth:
      key: { type: apiKey, in: header, name: x-api-key, value: { env: NOTES_KEY } }
      token: { type: bearer, token: { env: NOTES_TOKEN } }
    security: [[key], [token]]
tools:
  notes_list: { from: api#listNotes }
  lib_shelf: { from: lib#Query.shelf }
policy:
  read_only: { env: NOTES_READ_ONLY }
  denied_tools: { env: NOTES_DENIED }
  audit: { env: NOTES_AUDIT, file_env: NOTES_AUDIT_FILE }
`;

const { fileOf, docOf } = numberedCatalogs("diff-unsaid", SPEC, { "schema.graphql": SDL });

describe("diff on what it compared in silence", () => {
  it("a source's timeout and a GraphQL source's credential alternatives: raised or added widens", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace("timeout_ms: 30000", "timeout_ms: 120000").replace(
        "security: [[key], [token]]",
        "security: [[key], [token], []]",
      ),
    );
    expect(lines(before, after)).toEqual([
      "catalog source timeout changed: api: 30000ms -> 120000ms [widens]",
      "catalog credential alternative added: lib: none (sent without credentials) [widens]",
    ]);
    expect(lines(after, before)).toEqual([
      "catalog source timeout changed: api: 120000ms -> 30000ms",
      "catalog credential alternative removed: lib: none (sent without credentials)",
    ]);
    const swapped = await docOf(MANIFEST.replace("security: [[key], [token]]", "security: [[token], [key]]"));
    expect(lines(before, swapped)).toEqual([
      "catalog credential alternatives reordered: lib: token, then key [widens]",
    ]);
    const together = await docOf(MANIFEST.replace("    security: [[key], [token]]\n", ""));
    expect(lines(before, together)).toEqual([
      "catalog credential alternative added: lib: key + token [widens]",
      "catalog credential alternative removed: lib: key; token",
    ]);
  });

  it("the audit turned off or its env renamed, a switch renamed or dropped, a variable no longer secret: widening", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace(
        "audit: { env: NOTES_AUDIT, file_env: NOTES_AUDIT_FILE }",
        "audit: { default: false, env: NOTES_AUDIT_ON }",
      )
        .replace("read_only: { env: NOTES_READ_ONLY }", "read_only: { env: NOTES_READONLY }")
        .replace("  denied_tools: { env: NOTES_DENIED }\n", "")
        .replace("NOTES_READ_ONLY:", "NOTES_READONLY:")
        .replace("NOTES_AUDIT:", "NOTES_AUDIT_ON:")
        .replace("NOTES_KEY: { description: Key., secret: true }", "NOTES_KEY: { description: Key. }"),
    );
    const said = lines(before, after);
    expect(said.filter((l) => l.endsWith("[widens]"))).toEqual([
      "catalog read-only switch renamed: NOTES_READ_ONLY -> NOTES_READONLY (a value set in NOTES_READ_ONLY is no longer read) [widens]",
      "catalog denied-tools switch removed: NOTES_DENIED -> none (a value set in NOTES_DENIED is no longer read) [widens]",
      "catalog audit switch renamed: NOTES_AUDIT -> NOTES_AUDIT_ON (a value set in NOTES_AUDIT is no longer read) [widens]",
      "catalog audit file switch removed: NOTES_AUDIT_FILE -> none (a value set in NOTES_AUDIT_FILE is no longer read) [widens]",
      "catalog audit off by default: calls are recorded only while NOTES_AUDIT_ON is on [widens]",
      "catalog env variable no longer secret: NOTES_KEY (its value may now be shown) [widens]",
    ]);
    // The reverse narrows: said, none widening.
    const back = lines(after, before);
    expect(back.filter((l) => l.endsWith("[widens]"))).toEqual([
      // The old name, NOTES_READONLY, is no longer read: a rename widens either way.
      "catalog read-only switch renamed: NOTES_READONLY -> NOTES_READ_ONLY (a value set in NOTES_READONLY is no longer read) [widens]",
    ]);
    expect(back).toEqual(
      expect.arrayContaining([
        "catalog denied-tools switch added: none -> NOTES_DENIED",
        "catalog audit switch renamed: NOTES_AUDIT_ON -> NOTES_AUDIT",
        "catalog audit file switch added: none -> NOTES_AUDIT_FILE",
        "catalog audit on by default: calls are recorded",
        "catalog env variable now secret: NOTES_KEY",
      ]),
    );
  });

  it("the result envelope, a tool's tags and whether clients see it", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      `${MANIFEST.replace("notes_list: { from: api#listNotes }", "notes_list: { from: api#listNotes, tags: [safe] }")}result: { envelope: success-data }\n`,
      SPEC.replace("tags: [notes]", "tags: [public]"),
    );
    expect(lines(before, after)).toEqual([
      "notes_list tags changed: +public, +safe, -notes (serve --allow/--deny tag: selects it differently) [widens]",
      "catalog result envelope changed: plain -> success-data",
    ]);
    const internal = await docOf(
      MANIFEST.replace(
        "lib_shelf: { from: lib#Query.shelf }",
        "lib_shelf: { from: lib#Query.shelf, internal: true }",
      ),
    );
    expect(lines(internal, before)).toEqual([
      "lib_shelf tool now listed: clients can call it, no longer only handlers [widens]",
    ]);
    expect(lines(before, internal)).toEqual(["lib_shelf tool now internal: only handlers can call it"]);
  });

  it("a result schema's change says what changed, and a reworded one says only that", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST,
      SPEC.replace("count: { type: integer }", "total: { type: integer }")
        .replace("id: { type: string }", "id: { type: integer }")
        .replace(
          "body: { type: string, description: Its text. }",
          "body: { type: string, description: Its text. }\n        tags: { type: array, items: { type: string } }",
        ),
    );
    expect(lines(before, after)).toEqual([
      'notes_list result schema changed: -count, items[].id: type "string" -> "integer", +items[].tags, +total',
    ]);
    const reworded = await docOf(
      MANIFEST,
      SPEC.replace("description: Its text.", "description: What it says."),
    );
    expect(lines(before, reworded)).toEqual(["notes_list result description changed: items[].body"]);
    const cli = runDiff(
      await fileOf(MANIFEST),
      await fileOf(MANIFEST, SPEC.replace("description: A note.", "description: One note.")),
      "--json",
    );
    expect(cli.status).toBe(0);
    const changes = (JSON.parse(cli.stdout) as { changes: { kind: string; detail: string }[] }).changes;
    expect(changes.map((c) => `${c.kind}: ${c.detail}`)).toEqual(["result description changed: items[]"]);
  });

  it("the CLI fails on each widening with --fail-on-widening, text and --json agreeing", async () => {
    const before = await fileOf(MANIFEST);
    const after = await fileOf(
      MANIFEST.replace(
        "NOTES_TOKEN: { description: Token., secret: true }",
        "NOTES_TOKEN: { description: Token. }",
      ),
    );
    const text = runDiff(before, after, "--fail-on-widening");
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(
      "env variable no longer secret: NOTES_TOKEN (its value may now be shown)  [widens]",
    );
    const json = runDiff(before, after, "--json", "--fail-on-widening");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).changes).toEqual([
      {
        subject: "catalog",
        kind: "env variable no longer secret",
        detail: "NOTES_TOKEN (its value may now be shown)",
        widens: true,
      },
    ]);
  });
});
