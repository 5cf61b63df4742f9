import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogFileOf, runDiff } from "../helpers/diff.js";

/**
 * `toolwright diff` and the server URL templates the tenant lock reads a base URL against (catalog.json's
 * `sources[].servers`, an operation's own `binding.server.template`): a tenant host that moved, a template gone or
 * added, a variable's allowed values changed. None was reported, so a release could stop holding a tenant's host
 * to the lock (where the calls' credentials go) with nothing for a reviewer to see.
 */

const spec = (servers: string, own = "") => `openapi: 3.0.3
info: { title: Hosts, version: "1" }
servers:
${servers}
paths:
  /reports:
    get:
      operationId: listReports
      responses: { "200": { description: ok } }
  /uploads:
${own}    get:
      operationId: listUploads
      responses: { "200": { description: ok } }
`;

const EU = `  - url: https://{tenant}.eu.api.example.com/v1
    variables: { tenant: { default: demo, enum: [demo, acme] } }
`;
const US = `  - url: https://{tenant}.us.api.example.com/v1
    variables: { tenant: { default: demo } }
`;
const OWN = (host: string) => `    servers:
      - url: https://{tenant}.${host}.example.com/v1
        variables: { tenant: { default: demo } }
`;

const MANIFEST = `catalog: hosts
env:
  HOSTS_TENANT: { description: Tenant. }
  HOSTS_URL: { type: url, description: Base URL. }
policy:
  tenant: { env: HOSTS_TENANT }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: HOSTS_URL } }
select: [{ all: true }]
`;

const catalogOf = (name: string, text: string) => catalogFileOf(`diff-servers-${name}`, text, MANIFEST);
const diff = runDiff;

const changesOf = (before: string, after: string) => {
  const r = diff(before, after, "--json");
  expect(r.status, r.stderr).toBe(0);
  return (
    JSON.parse(r.stdout) as { changes: { subject: string; kind: string; detail: string; widens: boolean }[] }
  ).changes
    .filter((c) => /server (template|variable)|plain server/.test(c.kind))
    .map((c) => `${c.subject} ${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`);
};

describe("toolwright diff: the server templates the tenant lock reads", () => {
  it("a source's template moved, removed, added, or its allowed values changed", async () => {
    const base = await catalogOf("base", spec(EU + US));
    const moved = await catalogOf("moved", spec(EU + US.replace(".us.api.", ".us.api2.")));
    const dropped = await catalogOf("dropped", spec(EU));
    const values = await catalogOf(
      "values",
      spec(EU.replace("enum: [demo, acme]", "enum: [demo, acme, globex]") + US),
    );
    expect(changesOf(base, moved)).toEqual([
      "catalog server template changed: api: https://{tenant}.us.api.example.com/v1 -> https://{tenant}.us.api2.example.com/v1 [widens]",
    ]);
    expect(changesOf(base, dropped)).toEqual([
      "catalog server template removed: api: https://{tenant}.us.api.example.com/v1 [widens]",
    ]);
    expect(changesOf(dropped, base)).toEqual([
      "catalog server template added: api: https://{tenant}.us.api.example.com/v1",
    ]);
    expect(changesOf(base, values)).toEqual([
      "catalog server variable values changed: api: {tenant} in https://{tenant}.eu.api.example.com/v1: demo, acme -> demo, acme, globex [widens]",
    ]);
    // The enum limits the base URLs calls are sent under: a value removed narrows.
    expect(changesOf(values, base)).toEqual([
      "catalog server variable values changed: api: {tenant} in https://{tenant}.eu.api.example.com/v1: demo, acme, globex -> demo, acme",
    ]);
    expect(changesOf(base, base)).toEqual([]);
    // A plain server beside the templates names no tenant: one added lets a host through, so it widens.
    const plain = await catalogOf("plain", spec(`${EU + US}  - url: https://api.example.com/v1\n`));
    expect(changesOf(base, plain)).toEqual([
      "catalog plain server added: api: https://api.example.com/v1 [widens]",
    ]);
    expect(changesOf(plain, base)).toEqual(["catalog plain server removed: api: https://api.example.com/v1"]);
    // A format-3 catalog written before every template was kept holds one `server`: read as that template.
    const doc = JSON.parse(readFileSync(dropped, "utf8")) as { sources: Record<string, unknown>[] };
    const [first] = doc.sources[0]!.servers as unknown[];
    doc.sources[0] = { ...doc.sources[0], server: first, servers: undefined };
    const legacy = join(dirname(dropped), "legacy.json");
    writeFileSync(legacy, JSON.stringify(doc));
    expect(changesOf(legacy, dropped)).toEqual([]);
    expect(changesOf(legacy, base)).toEqual([
      "catalog server template added: api: https://{tenant}.us.api.example.com/v1",
    ]);
    // The text report and the release gate.
    const text = diff(base, dropped, "--fail-on-widening");
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(
      /catalog\s+server template removed: api: https:\/\/\{tenant\}\.us\.api\.example\.com\/v1 {2}\[widens\]/,
    );
    expect(diff(dropped, base, "--fail-on-widening").status).toBe(0);
  });

  it("an operation's own server template that moved is said as that, not as the same server twice", async () => {
    const before = await catalogOf("own-a", spec(EU, OWN("upload")));
    const after = await catalogOf(
      "own-b",
      spec(EU, OWN("upload").replace("{tenant}.upload", "{tenant}.files")),
    );
    const r = diff(before, after, "--json");
    const changes = (JSON.parse(r.stdout) as { changes: { subject: string; kind: string; detail: string }[] })
      .changes;
    const own = changes.filter((c) => c.subject === "list_uploads").map((c) => `${c.kind}: ${c.detail}`);
    expect(own).toContain(
      "server template changed: https://{tenant}.upload.example.com/v1 -> https://{tenant}.files.example.com/v1",
    );
    const sameUrl = await catalogOf(
      "own-c",
      spec(EU, OWN("upload").replace("default: demo }", "default: demo, enum: [demo] }")),
    );
    expect(changesOf(before, sameUrl)).toEqual([
      "list_uploads server variable values changed: {tenant} in https://{tenant}.upload.example.com/v1: any -> demo",
    ]);
    const plain = diff(before, sameUrl, "--json");
    expect(plain.stdout).not.toContain("upstream server changed");
  });
});
