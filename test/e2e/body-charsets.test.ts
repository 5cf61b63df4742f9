import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { buildBody } from "../../src/executors/body.js";
import { errorsOf } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Request bodies whose media type names a charset (`application/json; charset=utf-16`, `text/plain;
 * charset=iso-8859-1`): before, the body was sent as UTF-8 bytes under that label, so the upstream read `é`
 * (c3 a9) as `Ã©` in Latin-1 and as one wrong character in UTF-16. Now it is written in the charset named; in JSON a
 * character the charset lacks is escaped (the same JSON text), in text it is refused, as is a charset this server
 * cannot write, with no request.
 */
let upstream: RecordingServer;
let served: Served | undefined;
let left: string[] = [];
let tools: string[] = [];

const op = (name: string, mediaType: string, schema: string) => `  /${name}:
    post:
      operationId: ${name}
      requestBody: { required: true, content: { "${mediaType}": { schema: ${schema} } } }
      responses: { "200": { description: ok } }
`;
const OBJECT = "{ type: object, properties: { s: { type: string } } }";

beforeAll(async () => {
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  const dir = tmpDir("body-charsets");
  writeFileSync(
    join(dir, "openapi.yaml"),
    `openapi: 3.0.3
info: { title: Charsets, version: "1" }
servers: [{ url: "https://charsets.example.com" }]
paths:
${op("j16", "application/json; charset=utf-16", OBJECT)}${op("j16be", "application/json; charset=UTF-16BE", OBJECT)}${op("jascii", "application/json; charset=us-ascii", OBJECT)}${op("jlatin", "application/json; charset=ISO-8859-1", OBJECT)}${op("tlatin", "text/plain; charset=iso-8859-1", "{ type: string }")}${op("tascii", "text/plain; charset=us-ascii", "{ type: string }")}${op("tsjis", "text/plain; charset=shift_jis", "{ type: string }")}${op("jutf8", "application/json; charset=utf-8", OBJECT)}${op("jsjis", "application/json; charset=Shift_JIS", OBJECT)}  /jboth:
    post:
      operationId: jboth
      requestBody: { required: true, content: { "application/json; charset=shift_jis": { schema: ${OBJECT} }, "application/json; charset=iso-8859-1": { schema: ${OBJECT} } } }
      responses: { "200": { description: ok } }
`,
  );
  const d = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "charsets" },
    { root: ROOT, out: relative(ROOT, join(dir, "out")) },
    d,
  );
  expect(errorsOf(d)).toEqual([]);
  // A body only in a charset toolwright cannot write made a tool whose every call was refused: left out, located.
  left = d.items.filter((i) => i.code === "TW139").map((i) => `${i.source?.pointer} ${i.message}`);
  if (!cat) throw new Error("no catalog");
  tools = (JSON.parse(cat.files.get("catalog.json") as string) as { tools: { name: string }[] }).tools.map(
    (t) => t.name,
  );
  writeCatalog(ROOT, cat);
  const env = (
    JSON.parse(readFileSync(join(ROOT, cat.dir, "catalog.json"), "utf8")) as {
      env: { name: string; type: string }[];
    }
  ).env.find((e) => e.type === "url")?.name as string;
  served = await serveOverStdio(join(ROOT, cat.dir), { [env]: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a request body in the charset its media type names", () => {
  it("is written in that charset: UTF-16 (with a byte order mark, or big-endian as named), Latin-1, ASCII", async () => {
    const cases: [string, Record<string, unknown>, string, Buffer][] = [
      ["j16", { s: "é😀" }, "application/json; charset=utf-16", Buffer.from('\ufeff{"s":"é😀"}', "utf16le")],
      [
        "j16be",
        { s: "é" },
        "application/json; charset=UTF-16BE",
        Buffer.from('{"s":"é"}', "utf16le").swap16(),
      ],
      [
        "jascii",
        { s: "é😀" },
        "application/json; charset=us-ascii",
        Buffer.from('{"s":"\\u00e9\\ud83d\\ude00"}'),
      ],
      [
        "jlatin",
        { s: "é€\u0085" },
        "application/json; charset=ISO-8859-1",
        Buffer.from('{"s":"é\\u20ac\\u0085"}', "latin1"),
      ],
      ["tlatin", { body: "café" }, "text/plain; charset=iso-8859-1", Buffer.from("café", "latin1")],
      ["tascii", { body: "cafe" }, "text/plain; charset=us-ascii", Buffer.from("cafe")],
      ["jutf8", { s: "é" }, "application/json; charset=utf-8", Buffer.from('{"s":"é"}')],
    ];
    for (const [tool, args, type, bytes] of cases) {
      const { result, sent } = await callRecorded(served!.client, upstream, tool, args);
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(sent).toHaveLength(1);
      expect(sent[0]?.headers["content-type"]).toBe(type);
      expect(sent[0]?.body.toString("hex"), tool).toBe(bytes.toString("hex"));
    }
  });

  it("leaves out at generate an operation whose every body media type names a charset it cannot write (TW141)", async () => {
    expect(left).toEqual([
      expect.stringMatching(
        /^#\/paths\/~1tsjis\/post POST \/tsjis is left out: .*text\/plain; charset=shift_jis names a charset toolwright cannot write/,
      ),
      expect.stringMatching(
        /^#\/paths\/~1jsjis\/post POST \/jsjis is left out: .*charset=Shift_JIS names a charset/,
      ),
    ]);
    expect(tools).not.toContain("tsjis");
    // Offered another it can write, that one is sent.
    expect(tools).toContain("jboth");
    const { result, sent } = await callRecorded(served!.client, upstream, "jboth", { s: "é" });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent[0]?.headers["content-type"]).toBe("application/json; charset=iso-8859-1");
  });

  it("a catalog built some other way with such a media type is still refused at the call", () => {
    const body = {
      mediaType: "text/plain; charset=shift_jis",
      encoding: "text",
      required: true,
      mode: "whole",
      arg: "body",
    } as const;
    expect(() => buildBody(body, { body: "abc" })).toThrow(
      /declared charset "shift_jis" \(the spec's media type\), which this server cannot write/,
    );
  });

  it("refuses text the charset cannot hold, with no request", async () => {
    for (const [tool, body, message] of [
      [
        "tlatin",
        "€",
        /characters charset iso-8859-1 \(the spec's media type\) cannot write: nothing was sent/,
      ],
      ["tascii", "café", /characters charset us-ascii \(the spec's media type\) cannot write/],
    ] as const) {
      const before = upstream.received.length;
      const result = await served!.client.callTool({ name: tool, arguments: { body } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(message);
      expect(upstream.received.length).toBe(before);
    }
  });
});
