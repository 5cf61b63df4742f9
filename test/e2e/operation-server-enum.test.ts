import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * An operation's own server with variables the spec lists the values of (`{ver}`: v8 or v9; `{port}`: one port),
 * under a base URL configured to another URL than the spec's: the call goes to the configured URL, and where the
 * operation's template reads it with a value its enum does not list, the spec says no such server exists. Only the
 * source's servers were held to their enums; the operation's were not, and a port was never read. Now such a call
 * is refused with no request (naming the template, the variable and its values, not the URL), as a source's is,
 * and the server keeps serving.
 */
let files: RecordingServer;
let other: RecordingServer;
let dir: string;
let envName: string;

const spec = (filesPort: string) => `openapi: 3.0.3
info: { title: Enum, version: "1" }
servers: [{ url: "http://127.0.0.1:${filesPort}/v1" }]
paths:
  /items:
    get:
      operationId: listItems
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /files/{id}:
    get:
      operationId: getFile
      servers:
        - url: http://127.0.0.1:{port}/{ver}
          variables:
            port: { default: "${filesPort}", enum: ["${filesPort}"] }
            ver: { default: v9, enum: [v8, v9] }
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

beforeAll(async () => {
  const ok = () => startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  [files, other] = await Promise.all([ok(), ok()]);
  dir = tmpDir("operation-server-enum");
  writeFileSync(join(dir, "openapi.yaml"), spec(new URL(files.url).port));
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "enum" },
    { root: ROOT, out: relative(ROOT, join(dir, "out")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  dir = join(ROOT, cat.dir);
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as {
    env: { name: string; type: string }[];
  };
  envName = doc.env.find((e) => e.type === "url")?.name as string;
});

afterAll(async () => {
  await Promise.all([files, other].map((s) => s?.close()));
});

async function served(base: string, run: (s: Served) => Promise<void>): Promise<void> {
  const s = await serveOverStdio(dir, { [envName]: base });
  try {
    await run(s);
  } finally {
    await s.close();
  }
}

describe("an operation's own server's enum under a configured base URL", () => {
  it("a path value the enum does not list: refused with no request; the server keeps serving", async () => {
    await served(`${files.url}/v7`, async (s) => {
      const refused = await callRecorded(s.client, files, "get_file", { id: "1" });
      expect(refused.result.isError).toBe(true);
      const text = refused.result.content?.[0]?.text ?? "";
      expect(text).toContain(
        "is of this operation's own server http://127.0.0.1:{port}/{ver} with a value {ver} does not take: the spec allows only v8, v9",
      );
      expect(text).not.toContain("/v7");
      expect(refused.sent).toEqual([]);
      // Refused again the same way (the route is remembered, not the answer changed), and other tools still serve.
      expect((await callRecorded(s.client, files, "get_file", { id: "2" })).sent).toEqual([]);
      const items = await callRecorded(s.client, files, "list_items", {});
      expect(items.result.isError, JSON.stringify(items.result)).toBeFalsy();
      expect(items.sent.map((r) => r.url)).toEqual(["/v7/items"]);
    });
  });

  it("a listed value on the listed port is sent, to the configured URL", async () => {
    await served(`${files.url}/v8`, async (s) => {
      const sent = await callRecorded(s.client, files, "get_file", { id: "1" });
      expect(sent.result.isError, JSON.stringify(sent.result)).toBeFalsy();
      expect(sent.sent.map((r) => r.url)).toEqual(["/v8/files/1"]);
    });
  });

  it("a port the enum does not list is another server: refused with no request", async () => {
    await served(`${other.url}/v8`, async (s) => {
      const refused = await callRecorded(s.client, other, "get_file", { id: "1" });
      expect(refused.result.isError).toBe(true);
      expect(refused.result.content?.[0]?.text).toContain(
        `with a value {port} does not take: the spec allows only ${new URL(files.url).port}`,
      );
      expect(refused.sent).toEqual([]);
    });
  });
});
