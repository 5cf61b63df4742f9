import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { BIN, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * Terminal and log injection: text a spec or an upstream wrote reaches a terminal or a CI log through what
 * toolwright prints (generate's diagnostics, audit and diff reports, `serve --help`, the server's stderr log). A
 * terminal acts on ESC and C1 sequences (clear the screen, set the title, OSC 8 hyperlinks that hide their target),
 * a carriage return overwrites the line, bidi overrides reorder it, and a line feed inside one field forges a line
 * of its own ("error TW999", "Findings: none"). Each must be printed as a visible escape.
 */

const ESC = "\u001b";
/** What a terminal would act on or hide: C0 controls but tab and line feed, DEL, C1, bidi controls, separators. */
const ACTIVE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/;

const CLEAR = `${ESC}[2J`;
const TITLE = `${ESC}]0;pwned\u0007`;
const LINK = `${ESC}]8;;https://evil.example/${ESC}\\docs${ESC}]8;;${ESC}\\`;
const C1_CSI = "\u009b31m";
const RLO = "\u202e";

/** Every field a spec writes that the reports quote: path keys, tags, summaries, the title and version, a scheme. */
function spec(version: string): string {
  return JSON.stringify({
    openapi: "3.0.3",
    info: { title: "Shop", version: `${version}${TITLE}` },
    servers: [{ url: "http://127.0.0.1:9" }],
    components: {
      securitySchemes: {
        [`key${CLEAR}`]: {
          type: "oauth2",
          flows: { clientCredentials: { tokenUrl: `https://auth.example/token${LINK}`, scopes: {} } },
        },
      },
    },
    security: [{ [`key${CLEAR}`]: [] }],
    paths: {
      [`/items/{id}${CLEAR}\rerror TW999: forged`]: {
        get: {
          operationId: "getItem",
          tags: [`shop${C1_CSI}\nFindings: none`],
          summary: `Get an item ${LINK} ${RLO}txt.exe`,
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: { type: "object", additionalProperties: { type: "string" } },
                },
              },
            },
          },
        },
      },
      "/things/{id}": {
        get: {
          operationId: "getThing",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: { type: "object", additionalProperties: { type: "string" } },
                },
              },
            },
          },
        },
      },
      "/refunds": {
        post: {
          operationId: "createRefund",
          summary: version === "1" ? "Refund" : `Refund${C1_CSI}${RLO}`,
          responses: { "200": { description: "ok" } },
        },
      },
    },
  });
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}`, err: `${r.stderr}` };
}

function expectInert(text: string): void {
  const found = ACTIVE.exec(text);
  expect(
    found
      ? `${JSON.stringify(found[0])} at ${found.index}: ${JSON.stringify(text.slice(found.index - 40, found.index + 40))}`
      : "",
  ).toBe("");
}

let tree: string;

beforeAll(() => {
  tree = writeTree("terminal-output", { "v1.json": spec("1"), "v2.json": spec("2") });
});

describe("what the CLI prints quotes spec text with every terminal control shown as an escape", () => {
  it("generate's diagnostics, audit's report, diff's report and serve --help", () => {
    const outs: Record<string, ReturnType<typeof run>> = {};
    outs.generate1 = run([
      "generate",
      "--openapi",
      join(tree, "v1.json"),
      "--name",
      "shop",
      "--out",
      join(tree, "c1"),
    ]);
    outs.generate2 = run([
      "generate",
      "--openapi",
      join(tree, "v2.json"),
      "--name",
      "shop",
      "--out",
      join(tree, "c2"),
    ]);
    expect(outs.generate1.status, outs.generate1.err).toBe(0);
    expect(outs.generate2.status, outs.generate2.err).toBe(0);
    outs.audit = run(["audit", join(tree, "c1")]);
    outs.diff = run(["diff", join(tree, "c1"), join(tree, "c2")]);
    outs.auditJson = run(["audit", join(tree, "c1"), "--json"]);
    outs.diffJson = run(["diff", join(tree, "c1"), join(tree, "c2"), "--json"]);
    outs.config = run(["serve", join(tree, "c1"), "--print-config", "codex"]);
    outs.help = run(["serve", join(tree, "c1"), "--help"]);
    outs.init = run([
      "init",
      "--openapi",
      join(tree, "v1.json"),
      "--name",
      "shop",
      "--out",
      join(tree, "init/tools.yaml"),
    ]);
    for (const [name, r] of Object.entries(outs)) {
      expect(r.status, `${name}: ${r.err}`).toBe(0);
      expectInert(r.out);
      expectInert(r.err);
      // No quoted line feed or carriage return starts a line of its own.
      const lines = `${r.out}\n${r.err}`.split("\n").map((line) => line.trim());
      expect(lines.filter((line) => /^(error TW999|Findings: none)/.test(line))).toEqual([]);
    }
    // JSON output escapes them and stays the same JSON: the spec's text parses back exactly.
    expect(JSON.stringify(JSON.parse(outs.auditJson.out))).toContain(
      JSON.stringify(`shop${C1_CSI}\nFindings: none`),
    );
    const changes = JSON.parse(outs.diffJson.out).changes as Array<{ detail: string }>;
    expect(changes.map((c) => c.detail).join("\n")).toContain(`Refund${C1_CSI}${RLO}`);
    // init's manifest quotes spec summaries and tags in comments: a file read in terminals and editors.
    const manifest = readFileSync(join(tree, "init/tools.yaml"), "utf8");
    expectInert(manifest);
    expect(manifest).toContain("# get_item · read · Get an item \\x1b]8;;https://evil.example/");
    expect(manifest).toContain("tag: shop\\x9b31m\\x0aFindings: none (1)");
    // The text is still there, readable, where each tool printed it.
    expect(outs.generate1.err).toContain("{id}\\x1b[2J\\x0derror TW999: forged");
    expect(outs.audit.out).toContain("GET /items/{id}\\x1b[2J\\x0derror TW999: forged");
    expect(outs.audit.out).toContain("tags: shop\\x9b31m\\x0aFindings: none");
    expect(outs.audit.out).toContain("Catalog shop 1\\x1b]0;pwned\\x07");
    expect(outs.diff.out).toContain('Refund\\x9b31m\\u202e"');
    expect(outs.help.out).toContain("https://auth.example/token\\x1b]8;;https://evil.example/\\x1b\\docs");
  });
});

describe("the server's stderr log quotes upstream text with every terminal control shown as an escape", () => {
  let upstream: RecordingServer;
  let served: Served;

  beforeAll(async () => {
    // A drifting response: its keys and values are the upstream's, and the drift line names where it drifted.
    upstream = await startRecordingServer((_req, res) =>
      sendJson(res, 200, { [`x${TITLE}${CLEAR}\ntoolwright: forged line${RLO}`]: null }),
    );
    const dir = join(tree, "c-serve");
    const generated = await genSpec(join(tree, "v1.json"), "shop", dir.slice(ROOT.length + 1));
    expect(errorsOf(generated.diags)).toEqual([]);
    writeCatalog(ROOT, generated.cat!);
    served = await serveOverStdio(dir, {
      SHOP_BASE_URL: upstream.url,
      SHOP_TOKEN: "tok-terminal-output-0001",
    });
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });

  it("a drift line naming an upstream key full of escape sequences and a line feed is one inert line", async () => {
    const tools = await served.client.listTools();
    const name = tools.tools.find((t) => t.name === "get_thing")!.name;
    const result = await served.client.callTool({ name, arguments: { id: "1" } });
    // Served as it came (a value the spec says is a string came back null): the drift is logged, not refused.
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    // The whole drift line (a chunk may end mid-line), waited for on stderr, its own pipe.
    const line = /^.*drift:.*$/m.exec(await served.waitForStderr(/drift:.*\n/))![0];
    expectInert(served.stderr());
    expect(line).toContain("forged line\\u202e: ");
    expect(
      served
        .stderr()
        .split("\n")
        .filter((l) => l.startsWith("toolwright: forged line")),
    ).toEqual([]);
  });
});
