import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

/**
 * A success response without a schema is described by a note saying how the tool returns it, as the runtime decodes
 * the body (src/executors/response.ts): text types as text, binary types as the content block each becomes (an image,
 * audio, or an embedded resource), with their content type and size as text.
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
${route("/report.pdf", "getReport", "application/pdf")}${route("/logo.png", "getLogo", "image/png")}${route("/blob", "getBlob", "application/octet-stream")}${route("/export.csv", "getExport", "text/csv")}${route("/feed", "getFeed", "application/x-ndjson")}${route("/page", "getPage", "application/xhtml+xml")}${route("/favicon.ico", "getIcon", "image/x-icon")}${route("/clip", "getClip", "audio/wav")}`;

describe("notes on a success response without a schema", () => {
  it("say which content block a binary type becomes, and text for text types", async () => {
    const dir = writeTree("response-notes", { "openapi.yaml": SPEC });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "files", "test/.tmp/response-notes-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat!.files.get("catalog.json")!) as CatalogDocument;
    const noteOf = (name: string) => doc.tools.find((t) => t.name === name)?.notes?.[0];
    const binary: Array<[string, string, string]> = [
      ["get_report", "application/pdf", "an embedded resource content block (base64 blob)"],
      ["get_logo", "image/png", "an image content block"],
      ["get_blob", "application/octet-stream", "an embedded resource content block (base64 blob)"],
      ["get_icon", "image/x-icon", "an embedded resource content block (base64 blob)"],
      ["get_clip", "audio/wav", "an audio content block"],
    ];
    for (const [tool, type, block] of binary)
      expect(noteOf(tool)).toBe(
        `the success response is ${type}; it is returned as ${block} (its contentType and size as text), without an output schema`,
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
