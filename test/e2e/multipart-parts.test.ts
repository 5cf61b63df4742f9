import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import type { Received } from "../helpers/recording-server.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A multipart/form-data body's parts as a server's form parser reads them (RFC 7578): only a file argument's part
 * has a filename. A JSON part (an object or an array of objects) and a part typed by `encoding` went out as
 * `filename="blob"` (fetch's FormData can type a part only by making it a file), so busboy/multer, Starlette and
 * PHP filed `meta` under uploads and the handler found no `meta` field (corpus18: oas-examples parameters-style).
 */
const fx = servedSpec(
  join(ROOT, "test/e2e/specs/multipart-parts.yaml"),
  "parts",
  "multipart-parts",
  (url) => ({ PARTS_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

/** The parts of a multipart body, split at the boundary its content type names: each as [head, content]. */
function partsOf(req: Received): [string, string][] {
  const type = req.headers["content-type"] ?? "";
  const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(type)?.[1];
  expect(boundary, type).toBeTruthy();
  const text = req.body.toString("latin1");
  expect(text.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  return text
    .slice(0, -`\r\n--${boundary}--\r\n`.length)
    .split(`\r\n--${boundary}\r\n`)
    .map((chunk, i) => (i === 0 ? chunk.slice(`--${boundary}\r\n`.length) : chunk))
    .map((part) => {
      const at = part.indexOf("\r\n\r\n");
      return [part.slice(0, at), part.slice(at + 4)];
    });
}

describe("multipart parts", () => {
  it("JSON and typed parts are fields (no filename); a file part keeps its filename and type", async () => {
    const { result, sent } = await fx.call("upload_document", {
      file: { filename: 'scan "1".txt', content: Buffer.from("hello\u0000file").toString("base64") },
      meta: { source: "scanner" },
      owners: [{ id: 7 }],
      manifest: "<m/>",
      note: "line 1\nline 2",
      labels: ["a", "b"],
    });
    expect(result.isError).toBeFalsy();
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /documents"]);
    expect(partsOf(sent[0] as Received)).toEqual([
      [
        'Content-Disposition: form-data; name="file"; filename="scan %221%22.txt"\r\nContent-Type: application/octet-stream',
        "hello\u0000file",
      ],
      [
        'Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json',
        '{"source":"scanner"}',
      ],
      ['Content-Disposition: form-data; name="owners"\r\nContent-Type: application/json', '[{"id":7}]'],
      ['Content-Disposition: form-data; name="manifest"\r\nContent-Type: application/xml', "<m/>"],
      ['Content-Disposition: form-data; name="note"', "line 1\r\nline 2"],
      ['Content-Disposition: form-data; name="labels"', "a"],
      ['Content-Disposition: form-data; name="labels"', "b"],
    ]);
    expect(sent[0]?.headers["content-length"]).toBe(String(sent[0]?.body.length));
    // As a form parser reads it (undici's, as fetch's Request.formData does): the file is the one upload.
    const form = await new Response(sent[0]?.body, {
      headers: { "content-type": String(sent[0]?.headers["content-type"]) },
    }).formData();
    expect(
      [...form.entries()].map(([k, v]) => `${k}: ${typeof v === "string" ? v : `file ${v.name}`}`),
    ).toEqual([
      'file: file scan "1".txt',
      'meta: {"source":"scanner"}',
      'owners: [{"id":7}]',
      "manifest: <m/>",
      "note: line 1\r\nline 2",
      "labels: a",
      "labels: b",
    ]);
  });

  it("a file part carries the media type its argument names; only the parts given are sent", async () => {
    const { sent } = await fx.call("upload_document", {
      file: {
        filename: "p.png",
        content: Buffer.from([0x89, 0x50]).toString("base64"),
        contentType: "image/png",
      },
    });
    expect(partsOf(sent[0] as Received)).toEqual([
      ['Content-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png', "\x89P"],
    ]);
  });
});
