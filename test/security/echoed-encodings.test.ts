import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * echoed-credentials' sibling: an upstream echoing the server's credential in a text encoding other than UTF-8.
 * A body written in UTF-16 without saying so (a Windows service's error page or log served as `text/plain` or
 * `application/json` with no charset and no byte-order mark) decodes to the credential's characters joined by
 * NULs, which a model reads as easily as the credential; a binary body holding it in UTF-16 (either byte order)
 * is shown as base64, where no text search finds it. Each reaches the model redacted; the result is otherwise
 * the upstream's.
 */

const op = (id: string, type: string, schema = "{ type: string }") => `
  /${id}:
    get:
      operationId: ${id}
      security: [{ bearer: [] }]
      responses:
        "200": { description: ok, content: { ${type}: { schema: ${schema} } } }`;

const SPEC = `openapi: 3.0.3
info: { title: Wide, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:${op("text_le", "text/plain")}${op("text_be", "text/plain")}${op("json_le", "application/json", "{ type: object }")}${op("declared", "text/plain")}${op("blob_le", "application/octet-stream", "{ type: string, format: binary }")}${op("blob_be", "application/octet-stream", "{ type: string, format: binary }")}${op("html", "text/html")}
`;

const TOKEN = "tw-wide-canary-5d1e07";
const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

const fx = servedSpec(
  join(writeTree("echoed-encodings", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "wide",
  "echoed-encodings-catalog",
  (url) => ({ WIDE_BASE_URL: url, WIDE_TOKEN: TOKEN }),
  (req, res) => {
    const said = `denied: ${req.headers.authorization}.`;
    const send = (type: string, body: Buffer) => {
      res.writeHead(200, { "content-type": type });
      res.end(body);
    };
    if (req.path === "/text_le") return send("text/plain", Buffer.from(said, "utf16le"));
    if (req.path === "/text_be") return send("text/plain", utf16be(said));
    if (req.path === "/json_le")
      return send("application/json", Buffer.from(JSON.stringify({ said }), "utf16le"));
    if (req.path === "/declared") return send("text/plain; charset=utf-16le", Buffer.from(said, "utf16le"));
    if (req.path === "/blob_le") return send("application/octet-stream", Buffer.from(said, "utf16le"));
    if (req.path === "/html") {
      // An error page whose escaper writes each character but letters and digits as a hex reference (OWASP's
      // encoders), one writing every character as a decimal reference, and a named reference among them.
      const auth = String(req.headers.authorization);
      const owasp = auth.replace(/[^A-Za-z0-9]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`);
      const decimal = Array.from(auth, (c) => `&#${c.charCodeAt(0)};`).join("");
      return send(
        "text/html",
        Buffer.from(`<p>${owasp}</p><p>${decimal}</p><p>&lt;${auth.replace("-", "&#45")}&gt;</p>`),
      );
    }
    return send("application/octet-stream", utf16be(said));
  },
);

/** The token as the model could read it: as sent, or with its characters joined by anything (NULs). */
function leaked(text: string): boolean {
  return text.includes(TOKEN) || text.replace(/\u0000|\\u0000/g, "").includes(TOKEN);
}

type Block = { type: string; text?: string; resource?: { blob?: string } };

async function blocks(name: string): Promise<Block[]> {
  const result = await fx.client().callTool({ name, arguments: {} });
  return result.content as Block[];
}

/** HTML's character references read (decimal and hex, the `;` optional, `&lt;` and `&gt;`). */
function dereferenced(text: string): string {
  return text
    .replace(/&#[xX]([0-9a-fA-F]+);?/g, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">");
}

describe("a credential echoed in HTML character references", () => {
  it("is redacted in each spelling, the page around it kept", async () => {
    const text = (await blocks("html")).map((b) => b.text ?? "").join("\n");
    expect(dereferenced(text)).not.toContain(TOKEN);
    expect(dereferenced(text)).toBe(
      "<p>Bearer [redacted]</p><p>Bearer [redacted]</p><p><Bearer [redacted]></p>",
    );
  });
});

describe("a credential echoed in UTF-16", () => {
  it.each(["text_le", "text_be", "json_le", "declared"])(
    "as text the upstream sent (%s) is redacted",
    async (name) => {
      const shown = await blocks(name);
      const text = JSON.stringify(shown);
      expect(leaked(text), text).toBe(false);
      expect(text.replace(/\\u0000/g, "")).toContain("denied: Bearer [redacted].");
    },
  );

  it.each([
    ["blob_le", (b: Buffer) => b.toString("utf16le")],
    ["blob_be", (b: Buffer) => Buffer.from(b).swap16().toString("utf16le")],
  ] as const)("in a binary body (%s) is redacted in the same UTF-16", async (name, read) => {
    const shown = await blocks(name);
    const blob = shown.find((b) => b.type === "resource")?.resource?.blob;
    expect(blob).toBeDefined();
    const bytes = Buffer.from(blob!, "base64");
    expect(leaked(bytes.toString("latin1"))).toBe(false);
    expect(read(bytes)).toBe("denied: Bearer [redacted].");
  });
});
