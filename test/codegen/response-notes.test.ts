import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

/**
 * A success response without a schema is described by a note saying how the tool returns it, as the runtime decodes
 * the body (src/executors/response.ts): text types as text, binary types as base64 with their content type and size.
 */

const route = (path: string, id: string, mediaType: string) => `  ${path}:
    get:
      operationId: ${id}
      responses: { "200": { description: ok, content: { "${mediaType}": {} } } }
`;

const SPEC = `openapi: 3.0.3
info: { title: Files, version: "1" }
servers: [{ url: "https://files.example.com" }]
paths:
${route("/report.pdf", "getReport", "application/pdf")}${route("/logo.png", "getLogo", "image/png")}${route("/blob", "getBlob", "application/octet-stream")}${route("/export.csv", "getExport", "text/csv")}${route("/feed", "getFeed", "application/x-ndjson")}${route("/page", "getPage", "application/xhtml+xml")}`;

describe("notes on a success response without a schema", () => {
  it("say base64 for binary types and text for text types", async () => {
    const dir = writeTree("response-notes", { "openapi.yaml": SPEC });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "files", "test/.tmp/response-notes-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat!.files.get("catalog.json")!) as CatalogDocument;
    const noteOf = (name: string) => doc.tools.find((t) => t.name === name)?.notes?.[0];
    const binary: Array<[string, string]> = [
      ["get_report", "application/pdf"],
      ["get_logo", "image/png"],
      ["get_blob", "application/octet-stream"],
    ];
    for (const [tool, type] of binary)
      expect(noteOf(tool)).toBe(
        `the success response is ${type}; it is returned as base64 (content, with contentType and size), without an output schema`,
      );
    const text: Array<[string, string]> = [
      ["get_export", "text/csv"],
      ["get_feed", "application/x-ndjson"],
      ["get_page", "application/xhtml+xml"],
    ];
    for (const [tool, type] of text)
      expect(noteOf(tool)).toBe(
        `the success response is ${type}; it is returned as text, without an output schema`,
      );
  });
});
