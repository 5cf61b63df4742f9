import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareCatalogs } from "../../codegen/diff/compare.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { catalogFileOf, LIST_NOTES_SPEC, runDiff } from "../helpers/diff.js";

/**
 * `toolwright diff` on what serving over HTTP asks of a client (the static key's env, OAuth's servers and scopes,
 * the default bind address, the legacy SSE transport), on rate and concurrency limits, and on the confirmation
 * token's lifetime: none of these was compared, so a release that dropped the HTTP client key or lifted every rate
 * limit passed `diff --fail-on-widening` with nothing said.
 */

const MANIFEST = `catalog: notes
env:
  NOTES_KEY: { description: Client key., secret: true }
  NOTES_AUTH: { description: Authorization servers., type: list }
  NOTES_TRANSPORT: { description: Transport. }
  NOTES_RATE: { description: Rate. }
sources:
  api: { openapi: ./openapi.yaml }
tools:
  notes_list: { from: listNotes }
policy:
  confirmation: { ttl_seconds: 300 }
limits:
  principal: { rate: 600/1m, env: NOTES_RATE }
  tools:
    notes_list: { rate: 10/1m }
  sources:
    api: { concurrency: 8 }
transport:
  env: NOTES_TRANSPORT
  http_values: [http]
  host: { default: 127.0.0.1 }
  bearer_env: NOTES_KEY
  authorization_servers_env: NOTES_AUTH
  required_scopes: [notes.read, notes.write]
`;

let n = 0;
const fileOf = (manifest: string) => catalogFileOf(`diff-settings-${n++}`, LIST_NOTES_SPEC, manifest);
const docOf = async (manifest: string) =>
  JSON.parse(readFileSync(await fileOf(manifest), "utf8")) as CatalogDocument;
const lines = (before: CatalogDocument, after: CatalogDocument) =>
  compareCatalogs(before, after).map((c) => `${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`);

describe("diff on HTTP serving, limits and the confirmation lifetime", () => {
  it("what widens who can call or how much: each said, counted as widening", async () => {
    const before = await docOf(MANIFEST);
    const after = await docOf(
      MANIFEST.replace("  bearer_env: NOTES_KEY\n", "")
        .replace("  authorization_servers_env: NOTES_AUTH\n", "")
        .replace("[notes.read, notes.write]", "[notes.read]")
        .replace("host: { default: 127.0.0.1 }", "host: { default: 0.0.0.0 }")
        .replace("http_values: [http]", "http_values: [http, sse]\n  sse_values: [sse]")
        .replace("principal: { rate: 600/1m, env: NOTES_RATE }", "principal: { env: NOTES_RATE }")
        .replace("notes_list: { rate: 10/1m }", "notes_list: { rate: 100/1m }")
        .replace("api: { concurrency: 8 }", "api: { concurrency: 64 }")
        .replace("ttl_seconds: 300", "ttl_seconds: 3600"),
    );
    expect(lines(before, after)).toEqual([
      "confirmation token lifetime changed: 300s -> 3600s [widens]",
      "HTTP client key env removed: NOTES_KEY -> none [widens]",
      "HTTP authorization servers env removed: NOTES_AUTH -> none [widens]",
      "required OAuth scopes removed: notes.write [widens]",
      "default HTTP bind address changed: 127.0.0.1 -> 0.0.0.0 [widens]",
      "legacy HTTP+SSE transport selectable: NOTES_TRANSPORT=sse [widens]",
      "rate limit removed: per caller: 600/60s -> none [widens]",
      "concurrency limit changed: source api: 8 -> 64 [widens]",
      "rate limit changed: tool notes_list: 10/60s -> 100/60s [widens]",
    ]);
  });

  it("the reverse narrows: each said, none counted as widening", async () => {
    const before = await docOf(MANIFEST.replace("  bearer_env: NOTES_KEY\n", ""));
    const after = await docOf(
      MANIFEST.replace("[notes.read, notes.write]", "[notes.read, notes.write, notes.admin]")
        .replace("notes_list: { rate: 10/1m }", "notes_list: { rate: 1/1m }")
        .replace("ttl_seconds: 300", "ttl_seconds: 60"),
    );
    const said = lines(before, after);
    expect(said).toEqual([
      "confirmation token lifetime changed: 300s -> 60s",
      "HTTP client key env added: none -> NOTES_KEY",
      "required OAuth scopes added: notes.admin",
      "rate limit changed: tool notes_list: 10/60s -> 1/60s",
    ]);
  });

  it("the CLI fails on the widening with --fail-on-widening, and says it", async () => {
    const before = await fileOf(MANIFEST);
    const after = await fileOf(MANIFEST.replace("  bearer_env: NOTES_KEY\n", ""));
    const same = runDiff(before, before, "--fail-on-widening");
    expect(same.status).toBe(0);
    const run = runDiff(before, after, "--fail-on-widening");
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain("HTTP client key env removed");
  });
});
