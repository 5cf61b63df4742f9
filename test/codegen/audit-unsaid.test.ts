import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../../codegen/audit/html.js";
import { buildReport, renderText } from "../../codegen/cli/audit.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";

/**
 * `toolwright audit` on what it did not say: a GraphQL source's credential alternatives (which credential a request
 * is sent with), each source's timeout, which env variables are secret (never their values), and the result
 * envelope; in the text and the `--json` report alike, deterministic.
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

const MANIFEST = `catalog: notes
env:
  NOTES_KEY: { description: Key., secret: true }
  NOTES_TOKEN: { description: Token., secret: true, required: true }
  NOTES_REGION: { description: Region., default: eu-west-1 }
sources:
  api: { openapi: ./openapi.yaml, timeout_ms: 12000 }
  lib:
    graphql: ./schema.graphql
    base_url: { default: https://lib.example }
    path: /graphql
    auth:
      key: { type: apiKey, in: header, name: x-api-key, value: { env: NOTES_KEY } }
      token: { type: bearer, token: { env: NOTES_TOKEN } }
    security: [[key, token], [token], []]
tools:
  notes_list: { from: api#listNotes }
  lib_shelf: { from: lib#Query.shelf }
result: { envelope: success-data }
`;

async function docOf(manifest: string): Promise<CatalogDocument> {
  const dir = writeTree("audit-unsaid", {
    "openapi.yaml": SPEC,
    "schema.graphql": "type Query { shelf: String }\n",
    "tools.yaml": manifest,
  });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  expect(diags.items.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return JSON.parse(cat?.files.get("catalog.json") ?? "") as CatalogDocument;
}

describe("audit says what it left out", () => {
  it("credential alternatives, timeouts, secret env variables and the result envelope, in text and JSON", async () => {
    const doc = await docOf(MANIFEST);
    // A manifest refuses a secret's default; a hand-made or older catalog.json may carry one: never shown.
    doc.env.find((v) => v.name === "NOTES_KEY")!.default = "sk-live-0123456789abcdef";
    const report = buildReport(doc);
    const json = JSON.stringify(report);
    expect(report.sources.map((s) => [s.id, s.timeoutMs, s.alternatives])).toEqual([
      ["api", 12000, undefined],
      ["lib", 30000, ["key + token", "token", "none (sent without credentials)"]],
    ]);
    expect(report.env).toEqual([
      { name: "NOTES_KEY", type: "string", required: false, secret: true, default: "(set)" },
      { name: "NOTES_TOKEN", type: "string", required: true, secret: true },
      { name: "NOTES_REGION", type: "string", required: false, secret: false, default: "eu-west-1" },
    ]);
    expect(report.result).toEqual({ envelope: "success-data" });
    const text = renderText(report);
    expect(text).toContain("  api (openapi): base URL default https://notes.example.com; timeout 12000 ms\n");
    expect(text).toContain("  lib (graphql): base URL default https://lib.example; timeout 30000 ms\n");
    expect(text).toContain(
      "    sends the first alternative whose credentials are all set: key + token, else token, else none (sent without credentials)\n",
    );
    expect(text).toContain(
      [
        "Environment variables (secret: never logged, echoed or shown)",
        "  NOTES_KEY     string, optional, SECRET, default (set)",
        "  NOTES_TOKEN   string, required, SECRET, no default",
        "  NOTES_REGION  string, optional, default eu-west-1",
      ].join("\n"),
    );
    expect(text).toMatch(/ {2}result envelope +success-data: every result's text is \{"success":true/);
    // The --html page says the same: timeouts, alternatives, every env variable and the envelope.
    const html = renderHtml(report);
    expect(html).toContain("base URL default https://notes.example.com; timeout 12000 ms");
    expect(html).toContain(
      "sends the first alternative whose credentials are all set: key + token, else token, else none (sent without credentials)",
    );
    expect(html).toContain(
      "<tr><td><code>NOTES_KEY</code></td><td>string</td><td>optional</td><td>SECRET: never logged, echoed or shown</td><td>(set)</td></tr>",
    );
    expect(html).toContain(
      "<tr><td><code>NOTES_REGION</code></td><td>string</td><td>optional</td><td></td><td>eu-west-1</td></tr>",
    );
    expect(html).toContain(
      "<td>result envelope</td><td><code>(none)</code></td><td>success-data: every result&#39;s text",
    );
    // A secret's value is in no report.
    expect(json).not.toContain("sk-live");
    expect(text).not.toContain("sk-live");
    expect(html).not.toContain("sk-live");
    expect(renderHtml(buildReport(doc))).toBe(html);
    // Deterministic: the same catalog, the same report.
    expect(JSON.stringify(buildReport(doc))).toBe(json);
    expect(renderText(buildReport(doc))).toBe(text);
    // Without `security` every credential goes together: no alternatives line; the envelope's default is plain.
    const plain = buildReport(
      await docOf(
        MANIFEST.replace("    security: [[key, token], [token], []]\n", "").replace(/result:.*\n/, ""),
      ),
    );
    expect(plain.sources[1]?.alternatives).toBeUndefined();
    expect(plain.result).toEqual({ envelope: "plain" });
    expect(renderText(plain)).not.toContain("sends the first alternative");
    expect(renderHtml(plain)).not.toContain("sends the first alternative");
    expect(renderHtml(plain)).toContain("plain: every result&#39;s text is the tool&#39;s data as JSON");
    expect(renderText(plain)).toMatch(
      / {2}result envelope +plain: every result's text is the tool's data as JSON/,
    );
  });
});
