import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { jpeg, png } from "../helpers/images.js";
import { BIN, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * What a tool call returns for upstream replies that are not a JSON object, as the MCP spec (2025-06-18) and the
 * official clients read them: an image (PNG, JPEG, GIF, WebP) as an `image` block, `audio/*` as an `audio` block,
 * any other binary type (PDF, octet-stream, an icon) as an embedded `resource` with a base64 `blob`, SVG and other
 * text types as text; the text block says the type and size, without the base64. A credential the upstream echoes
 * in the bytes is withheld before they are encoded. A 304 Not Modified to a conditional request is a result, not
 * an error; so is a second success status whose body has another shape than the output schema's (GitHub's stats:
 * 200 with an array, 202 with `{}`), its body in text; a handler that returns nothing where its tool publishes an output schema is an empty result. Served over
 * stdio to the v2 and v1 SDK clients (each validates structuredContent against the output schema it listed), in
 * front of a real upstream on 127.0.0.1.
 */

const route = (path: string, id: string, mediaType: string) => `  ${path}:
    get:
      operationId: ${id}
      responses: { "200": { description: ok, content: { "${mediaType}": {} } } }
`;

const SPEC = `openapi: 3.0.3
info: { title: Media, version: "1" }
security: [{ key: [] }]
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Api-Key }
paths:
${route("/logo.png", "getLogo", "image/png")}${route("/photo", "getPhoto", "image/jpeg")}${route("/icon.svg", "getIcon", "image/svg+xml")}${route("/favicon", "getFavicon", "image/x-icon")}${route("/clip", "getClip", "audio/wav")}${route("/report", "getReport", "application/pdf")}${route("/blob", "getBlob", "application/octet-stream")}${route("/empty.png", "getEmpty", "image/png")}${route("/echo.png", "getEcho", "image/png")}${route("/broken.png", "getBroken", "image/png")}${route("/mislabelled", "getMislabelled", "image/jpeg")}  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: If-None-Match, in: header, schema: { type: string } }
      responses:
        "200":
          description: the thing
          content:
            application/json:
              schema: { type: object, required: [name], properties: { name: { type: string } } }
  /secrets/{id}:
    get:
      operationId: getSecret
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: If-None-Match, in: header, schema: { type: string } }
      responses:
        "200":
          description: the secret
          content: { application/json: { schema: { type: object, properties: { name: { type: string } } } } }
        "203":
          description: the secret, from a cache (the same shape)
          content: { application/json: { schema: { type: object, properties: { name: { type: string } } } } }
  /files/{name}:
    get:
      operationId: getFile
      parameters: [{ name: name, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/octet-stream: {} } } }
  /stats/{kind}:
    get:
      operationId: getStats
      parameters: [{ name: kind, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: the weekly counts
          content:
            application/json:
              schema: { type: array, items: { type: object, properties: { week: { type: integer } } } }
        "202":
          description: being computed; ask again later
          content: { application/json: { schema: { type: object } } }
`;

const NOTHING = `import type { CustomHandler } from "toolwright/catalog";
// Returns { data: null }, { data: undefined }, or nothing at all (a handler written loosely).
const handler: CustomHandler = async (args) =>
  args.how === "null" ? { data: null } : args.how === "undefined" ? { data: undefined } : (undefined as never);
export default handler;
`;

const SNAPSHOT = `import type { CustomHandler } from "toolwright/catalog";
// A hand-written handler that draws the API key into the images it returns (a debug overlay, a metadata chunk).
const handler: CustomHandler = async (_args, ctx) => {
  await ctx.call("get_logo", {});
  const png = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from(\`tEXt key=\${ctx.env("MEDIA_KEY")}\`)]);
  const data = png.toString("base64");
  return {
    data: "A snapshot.",
    content: [
      { type: "image", data, mimeType: "image/png" },
      { type: "audio", data, mimeType: "audio/wav" },
      { type: "resource", resource: { uri: "media://snapshot", mimeType: "image/png", blob: data } },
    ],
  };
};
export default handler;
`;

const MANIFEST = `catalog: media
server: { name: media }
env:
  MEDIA_URL: { type: url, description: Base URL. }
  MEDIA_KEY: { secret: true, required: true, description: The API key. }
  MEDIA_MASK: { type: boolean, default: "false", description: Mask values. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: MEDIA_URL }
    auth:
      key: { value: { env: MEDIA_KEY } }
tools:
  get_logo: { from: api#getLogo }
  get_photo: { from: api#getPhoto }
  get_icon: { from: api#getIcon }
  get_favicon: { from: api#getFavicon }
  get_clip: { from: api#getClip }
  get_report: { from: api#getReport }
  get_blob: { from: api#getBlob }
  get_empty: { from: api#getEmpty }
  get_echo: { from: api#getEcho }
  get_broken: { from: api#getBroken }
  get_mislabelled: { from: api#getMislabelled }
  get_thing: { from: api#getThing }
  get_secret: { from: api#getSecret, masked: [name] }
  get_stats: { from: api#getStats }
  get_file: { from: api#getFile, masked: [ssn] }
  forget:
    handler: ./handlers/nothing.ts
    safety: read
    description: Returns nothing.
    input: { type: object, required: [how], properties: { how: { type: string } } }
    output: { type: object, properties: { status: { type: string } } }
  snapshot:
    handler: ./handlers/snapshot.ts
    safety: read
    description: Draws a snapshot.
    input: { type: object, properties: {} }
resource_templates:
  - { uri_template: "media://files/{name}", tool: get_file }
policy: { mask_values: { env: MEDIA_MASK } }
`;

const KEY = "mk-live-5f0c2a9e1b7d";
const PNG = png();
const JPEG = jpeg();
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>';
const ICO = Buffer.from("0000010001001010", "hex");
const WAV = Buffer.concat([Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt "), Buffer.alloc(16, 1)]);
const PDF = Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n", "latin1");
const BLOB = Buffer.from([0, 255, 1, 254, 2, 253]);
const BROKEN = "<html><body>502 Bad Gateway</body></html>";

const BODIES: Record<string, [string, Buffer | string]> = {
  "/logo.png": ["image/png", PNG],
  "/photo": ["image/jpeg; charset=binary", JPEG],
  "/icon.svg": ["image/svg+xml", SVG],
  "/favicon": ["image/x-icon", ICO],
  "/clip": ["audio/wav", WAV],
  "/report": ["application/pdf", PDF],
  "/blob": ["application/octet-stream", BLOB],
  "/empty.png": ["image/png", ""],
  // An error page labelled as the image (a CDN, a proxy), and a PNG labelled JPEG: the bytes are not the label.
  "/broken.png": ["image/png", BROKEN],
  "/mislabelled": ["IMAGE/JPEG; charset=binary", PNG],
};

const fixture = servedFixture(
  "binary-results",
  {
    "cat/tools.yaml": MANIFEST,
    "cat/api.yaml": SPEC,
    "cat/handlers/nothing.ts": NOTHING,
    "cat/handlers/snapshot.ts": SNAPSHOT,
  },
  (url) => ({ MEDIA_URL: url, MEDIA_KEY: KEY }),
  (req, res) => {
    const body = BODIES[req.path];
    if (body) {
      res.writeHead(200, { "content-type": body[0] });
      return res.end(body[1]);
    }
    if (req.path === "/echo.png") {
      // An upstream that writes the key it was sent into the image (a debug overlay, a metadata chunk).
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(Buffer.concat([PNG, Buffer.from(`tEXt key=${req.headers["x-api-key"]}`)]));
    }
    if (req.path === "/files/logo") {
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(PNG);
    }
    if (req.path === "/files/record") {
      // A document with a masked field, sent as bytes: masking reads it and replaces them.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end('{"ssn":"078-05-1120"}');
    }
    if (req.path === "/stats/ready") return sendJson(res, 200, [{ week: 1 }]);
    if (req.path === "/stats/busy") return sendJson(res, 202, {});
    // Declared JSON, sent as bytes: content negotiation, an error page as an image, a CDN in front.
    if (req.path === "/things/pic" || req.path === "/secrets/pic") {
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(PNG);
    }
    if (req.path === "/things/huge") {
      // 7 MiB: within the upstream response limit, 9.3 MiB as base64, more than a content block carries.
      res.writeHead(200, { "content-type": "image/png" });
      return res.end(Buffer.concat([PNG, Buffer.alloc(7 * 1024 * 1024 - PNG.byteLength, 1)]));
    }
    if (req.path === "/things/doc") {
      res.writeHead(200, { "content-type": "application/pdf" });
      return res.end(PDF);
    }
    if (req.path.startsWith("/things/") || req.path.startsWith("/secrets/")) {
      // An ETag that encodes the data it stands for; and a 304 to a request that named no version (a bad cache).
      const etag = req.path === "/secrets/1" ? '"name=ada.lovelace"' : '"v1"';
      if (req.path === "/things/stale" || req.headers["if-none-match"] === etag) {
        res.writeHead(304, { etag });
        return res.end();
      }
      res.setHeader("etag", etag);
      return sendJson(res, 200, { name: "n" });
    }
  },
);

beforeAll(async () => {
  await fixture.served().client.listTools();
});

type Block = {
  type: string;
  text?: string;
  data?: string;
  mimeType?: string;
  resource?: Record<string, unknown>;
};
type Result = { isError?: boolean; content: Block[]; structuredContent?: unknown };

async function call(name: string, args: Record<string, unknown> = {}): Promise<Result> {
  return (await fixture.served().client.callTool({ name, arguments: args })) as Result;
}

const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString("base64");

describe("upstream replies that are not JSON", () => {
  it("an image is an image block the model can see, with its type and size as text", async () => {
    const logo = await call("get_logo");
    expect(logo).toEqual({
      content: [
        { type: "text", text: `{"contentType":"image/png","size":${PNG.byteLength}}` },
        { type: "image", data: b64(PNG), mimeType: "image/png" },
      ],
    });
    const photo = await call("get_photo");
    expect(photo.content[1]).toEqual({ type: "image", data: b64(JPEG), mimeType: "image/jpeg" });
    expect(fixture.upstream().received.find((r) => r.path === "/logo.png")?.headers["x-api-key"]).toBe(KEY);
  });

  it("audio is an audio block; another binary type an embedded resource with a blob; SVG is text", async () => {
    expect((await call("get_clip")).content[1]).toEqual({
      type: "audio",
      data: b64(WAV),
      mimeType: "audio/wav",
    });
    const shown: unknown[] = [];
    for (const [name, type, bytes] of [
      ["get_report", "application/pdf", PDF],
      ["get_blob", "application/octet-stream", BLOB],
      ["get_favicon", "image/x-icon", ICO],
    ] as const) {
      const result = await call(name);
      const resource = result.content[1]?.resource as { uri: string; mimeType: string; blob: string };
      expect(resource.uri).toMatch(/^toolwright:\/\/results\/[0-9a-f-]+$/i);
      shown.push([result.content.length, result.content[0]?.text, resource.mimeType, resource.blob]);
      expect(Buffer.from(resource.blob, "base64")).toEqual(bytes);
      void type;
    }
    expect(shown).toEqual([
      [2, `{"contentType":"application/pdf","size":${PDF.byteLength}}`, "application/pdf", b64(PDF)],
      [2, `{"contentType":"application/octet-stream","size":6}`, "application/octet-stream", b64(BLOB)],
      [2, `{"contentType":"image/x-icon","size":8}`, "image/x-icon", b64(ICO)],
    ]);
    expect(await call("get_icon")).toEqual({ content: [{ type: "text", text: SVG }] });
    expect(await call("get_empty")).toEqual({ content: [{ type: "text", text: "null" }] });
  });

  it("an image block only for bytes that are that image: a model API refuses one that is not, on every turn", async () => {
    const broken = await call("get_broken");
    expect(broken.isError ?? false).toBe(false);
    expect(broken.content.map((b) => b.type)).toEqual(["text", "text", "resource"]);
    expect(broken.content[0]?.text).toBe(`{"contentType":"image/png","size":${BROKEN.length}}`);
    expect(broken.content[1]?.text).toBe(
      "note: the upstream labelled its body image/png, but its bytes are not such an image: they are in the content block after this text as application/octet-stream, not as an image a model would be sent",
    );
    const resource = broken.content[2]?.resource as { mimeType: string; blob: string };
    expect([resource.mimeType, Buffer.from(resource.blob, "base64").toString()]).toEqual([
      "application/octet-stream",
      BROKEN,
    ]);
    // A PNG labelled JPEG is an image block typed as the bytes are.
    const mislabelled = await call("get_mislabelled");
    expect(mislabelled.content[1]).toEqual({ type: "image", data: b64(PNG), mimeType: "image/png" });
  });

  it("a key the upstream echoes inside the image is withheld from its bytes", async () => {
    const result = await call("get_echo");
    const image = result.content[1]!;
    expect(image.type).toBe("image");
    const bytes = Buffer.from(image.data!, "base64");
    expect(bytes.toString("latin1")).toContain("tEXt key=[redacted]");
    expect(JSON.stringify(result)).not.toContain(KEY);
    expect(bytes.includes(Buffer.from(KEY))).toBe(false);
  });

  it("a key a handler puts in its image, audio or resource blob is withheld from their bytes, which stay base64", async () => {
    const result = await call("snapshot");
    expect(result.isError).toBeUndefined();
    const encoded = result.content.map((b) => (b.resource?.blob as string | undefined) ?? b.data);
    expect(encoded.slice(1)).toEqual([
      b64(Buffer.concat([PNG.subarray(0, 8), Buffer.from("tEXt key=[redacted]")])),
      expect.any(String),
      expect.any(String),
    ]);
    expect(encoded[2]).toBe(encoded[1]);
    expect(encoded[3]).toBe(encoded[1]);
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("a 304 Not Modified to a conditional request is a result the client accepts, not an error", async () => {
    const fresh = await call("get_thing", { id: "1" });
    expect(fresh.structuredContent).toEqual({ name: "n" });
    const same = await call("get_thing", { id: "1", "If-None-Match": '"v1"' });
    expect(same.isError ?? false).toBe(false);
    expect(same.structuredContent).toEqual({});
    expect(same.content).toEqual([
      { type: "text", text: "null" },
      {
        type: "text",
        text: 'note: the upstream answered HTTP 304 Not Modified (ETag "v1"): the resource has not changed since the version the request named, so the copy the caller holds is current',
      },
    ]);
    expect(fixture.upstream().received.at(-1)?.headers["if-none-match"]).toBe('"v1"');
    expect(fixture.served().stderr()).not.toMatch(/drift: tool get_thing/);
  });

  it("a 304 to a request the caller did not make conditional is an error naming it", async () => {
    const stale = await call("get_thing", { id: "stale" });
    expect(stale.isError).toBe(true);
    expect(stale.structuredContent).toBeUndefined();
    expect(stale.content).toHaveLength(1);
    expect(stale.content[0]?.text).toMatch(
      /^the upstream answered HTTP 304 Not Modified to a request the caller did not make conditional \(its arguments set no If-None-Match or If-Modified-Since value\): a 304 answers only such a request, so this reply says nothing about the resource .*\(correlation id /,
    );
    expect(fixture.upstream().received.at(-1)?.headers["if-none-match"]).toBeUndefined();
  });

  it("a 304's note leaves the ETag out for a tool whose policies shape its data by path", async () => {
    // An ETag can encode the data it stands for: a tool whose policies shape its data by path does not show it.
    const same = await call("get_secret", { id: "1", "If-None-Match": '"name=ada.lovelace"' });
    expect(same).toEqual({
      content: [
        { type: "text", text: "null" },
        {
          type: "text",
          text: "note: the upstream answered HTTP 304 Not Modified: the resource has not changed since the version the request named, so the copy the caller holds is current",
        },
      ],
      structuredContent: {},
    });
    expect(fixture.upstream().received.at(-1)?.headers["if-none-match"]).toBe('"name=ada.lovelace"');
  });

  it("a binary body where the spec declares JSON is its content block with a note, structuredContent empty", async () => {
    const pic = await call("get_thing", { id: "pic" });
    expect(pic).toEqual({
      content: [
        { type: "text", text: `{"contentType":"image/png","size":${PNG.byteLength}}` },
        {
          type: "text",
          text: `note: the upstream answered image/png (${PNG.byteLength} bytes), not the application/json (its 200 response) the output schema describes: its bytes are in the content block after this text, and structuredContent is empty`,
        },
        { type: "image", data: b64(PNG), mimeType: "image/png" },
      ],
      structuredContent: {},
    });
    const doc = await call("get_thing", { id: "doc" });
    expect(doc.isError ?? false).toBe(false);
    expect(doc.structuredContent).toEqual({});
    const resource = doc.content[2]?.resource as { mimeType: string; blob: string };
    expect([resource.mimeType, Buffer.from(resource.blob, "base64")]).toEqual(["application/pdf", PDF]);
    await fixture
      .served()
      .waitForStderr(
        /drift: tool get_thing: the upstream answered image\/png where the spec declares application\/json \(its 200 response\)/,
      );
  });

  it("a binary body where the spec declares JSON, too large for a block, is an error whose note says so", async () => {
    const huge = await call("get_thing", { id: "huge" });
    expect(huge.isError).toBe(true);
    expect(huge.structuredContent).toBeUndefined();
    expect(huge.content.map((c) => c.type)).toEqual(["text", "text"]);
    expect(huge.content[0]?.text).toMatch(
      /^the upstream's image\/png body is 9\.3 MiB as base64, more than a content block carries \(9 MiB: its message must stay within the 10 MiB clients read\) \(correlation id /,
    );
    expect(huge.content[1]?.text).toBe(
      "note: the upstream answered image/png (7 MiB), not the application/json (its 200 response) the output schema describes: its bytes were not sent, as the error above says",
    );
  });

  it("a second success status with a body of another shape is a result the published schema accepts", async () => {
    const ready = await call("get_stats", { kind: "ready" });
    expect(ready).toEqual({
      content: [{ type: "text", text: '[{"week":1}]' }],
      structuredContent: { result: [{ week: 1 }] },
    });
    const busy = await call("get_stats", { kind: "busy" });
    expect(busy).toEqual({
      content: [
        { type: "text", text: "{}" },
        {
          type: "text",
          text: "note: the upstream answered HTTP 202 Accepted, whose body is not of the shape the output schema describes (the 200 response): it is in this text, and structuredContent is empty",
        },
      ],
      structuredContent: { result: null },
    });
    await fixture
      .served()
      .waitForStderr(
        /drift: tool get_stats: the upstream answered HTTP 202 Accepted with a body of another shape/,
      );
  });

  it("CATALOG.md says which success statuses may carry another body, and only where the shape differs", () => {
    const md = readFileSync(join(fixture.dir(), "CATALOG.md"), "utf8");
    const returns = md.split("\n").filter((line) => line.includes("may carry another body"));
    // getStats: 200 with an array, 202 with an object; getSecret's 203 has its 200's shape, so it is not named.
    expect(returns).toEqual(["Returns: object[] (under `result`); 202 may carry another body (as text)"]);
  });

  it("a handler that returns nothing where its tool publishes an output schema is an empty result", async () => {
    for (const how of ["null", "undefined", "nothing"]) {
      const result = await call("forget", { how });
      expect(result).toEqual({ content: [{ type: "text", text: "null" }], structuredContent: {} });
    }
    await fixture.served().waitForStderr(/drift: tool forget: its handler returned nothing/);
  });

  it("a resource read through a binary tool is its blob, typed as the body; bytes masking replaced are text", async () => {
    const read = await fixture.served().client.readResource({ uri: "media://files/logo" });
    expect(read.contents).toEqual([{ uri: "media://files/logo", mimeType: "image/png", blob: b64(PNG) }]);
    const masked = await serveOverStdio(fixture.dir(), {
      MEDIA_URL: fixture.upstream().url,
      MEDIA_KEY: KEY,
      MEDIA_MASK: "true",
    });
    try {
      const record = await masked.client.readResource({ uri: "media://files/record" });
      expect(record.contents).toEqual([
        {
          uri: "media://files/record",
          mimeType: "application/json",
          text: "••••••",
        },
      ]);
      const called = (await masked.client.callTool({
        name: "get_file",
        arguments: { name: "record" },
      })) as Result;
      expect(called.content).toEqual([{ type: "text", text: "••••••" }]);
      const logo = (await masked.client.callTool({
        name: "get_file",
        arguments: { name: "logo" },
      })) as Result;
      // A tool with masked paths, masking on: an undecoded body is masked whole, whatever it holds (fails closed).
      expect(logo.content).toEqual([{ type: "text", text: "••••••" }]);
      // So is a binary body where the spec declares JSON: no block, the note, structuredContent empty.
      const pic = (await masked.client.callTool({ name: "get_secret", arguments: { id: "pic" } })) as Result;
      expect([pic.isError ?? false, pic.content.map((c) => c.type), pic.content[0]?.text]).toEqual([
        false,
        ["text", "text"],
        "••••••",
      ]);
      // The note says what the result holds: no block, the marker in its place.
      expect(pic.content[1]?.text).toBe(
        `note: the upstream answered image/png (${PNG.byteLength} bytes), not the application/json (its 200 response) the output schema describes: its bytes were replaced (masked, or a credential withheld), so no content block carries them: the text before this note is what is left of them, and structuredContent is empty`,
      );
      expect(pic.structuredContent).toEqual({});
      expect(JSON.stringify(pic)).not.toContain(b64(PNG));
    } finally {
      await masked.close();
    }
  });

  it("a client of a revision before audio blocks (2024-11-05) gets a clip as an embedded resource", async () => {
    // Spoken by hand over stdio: SDK clients offer only their latest revisions.
    const child = spawn(process.execPath, [BIN, "serve", fixture.dir()], {
      cwd: ROOT,
      env: childEnv({ MEDIA_URL: fixture.upstream().url, MEDIA_KEY: KEY }),
      stdio: ["pipe", "pipe", "ignore"],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const ask = async (id: number, method: string, params: object) => {
      child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error("the server closed stdout");
        const message = JSON.parse(value as string) as { id?: number; result?: any };
        if (message.id === id) return message.result;
      }
    };
    try {
      const init = await ask(1, "initialize", {
        protocolVersion: "2024-11-05",
        capabilities: {},
        clientInfo: { name: "raw", version: "1" },
      });
      expect(init.protocolVersion).toBe("2024-11-05");
      child.stdin!.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
      const clip = await ask(2, "tools/call", { name: "get_clip", arguments: {} });
      expect(clip.content[1]).toEqual({
        type: "resource",
        resource: {
          uri: expect.stringMatching(/^toolwright:\/\/results\//),
          mimeType: "audio/wav",
          blob: b64(WAV),
        },
      });
      const logo = await ask(3, "tools/call", { name: "get_logo", arguments: {} });
      expect(logo.content[1]).toEqual({ type: "image", data: b64(PNG), mimeType: "image/png" });
    } finally {
      const exited = new Promise((done) => child.once("exit", done));
      child.stdin!.end();
      await exited;
    }
  });

  it("the v1 SDK client accepts every such result and reads the same blocks", async () => {
    const client = new ClientV1({ name: "legacy", version: "1.0.0" });
    const transport = new StdioV1({
      command: process.execPath,
      args: [BIN, "serve", fixture.dir()],
      cwd: ROOT,
      env: childEnv({ MEDIA_URL: fixture.upstream().url, MEDIA_KEY: KEY }),
      stderr: "pipe",
    });
    await client.connect(transport);
    try {
      await client.listTools();
      const kinds: unknown[] = [];
      for (const [name, args] of [
        ["get_logo", {}],
        ["get_clip", {}],
        ["get_report", {}],
        ["get_thing", { id: "1", "If-None-Match": '"v1"' }],
        ["forget", { how: "undefined" }],
        ["get_stats", { kind: "busy" }],
        ["get_thing", { id: "pic" }],
        ["get_thing", { id: "stale" }],
      ] as const) {
        const result = (await client.callTool({ name, arguments: args })) as Result;
        kinds.push([
          name,
          result.isError ?? false,
          result.content.map((c) => c.type),
          result.structuredContent,
        ]);
      }
      expect(kinds).toEqual([
        ["get_logo", false, ["text", "image"], undefined],
        ["get_clip", false, ["text", "audio"], undefined],
        ["get_report", false, ["text", "resource"], undefined],
        ["get_thing", false, ["text", "text"], {}],
        ["forget", false, ["text"], {}],
        ["get_stats", false, ["text", "text"], { result: null }],
        ["get_thing", false, ["text", "text", "image"], {}],
        ["get_thing", true, ["text"], undefined],
      ]);
    } finally {
      await client.close();
    }
  });
});
