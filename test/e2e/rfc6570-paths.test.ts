import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Path templates written with RFC 6570 operators (test/e2e/specs/rfc6570-paths.yaml): `{;id}`, `{.fmt}`,
 * `{;tags*}`, `{/name}`, `{+rest}`, `{?q}`, `{?a,b}`. OpenAPI's templating has only `{name}` (the parameter's
 * `style` says matrix or label), so before, each was read as a misspelt variable: the declared parameter renamed to
 * `;id` (sent as `;;id=5`) or `.fmt` (an argument named `.fmt`), and `{?q}` became a required path argument `q_2`
 * beside the declared query parameter. Now each is read as what the operator means, with a located TW137 warning,
 * and the requests that arrive are the ones the spec's author wrote the expression for.
 */
let upstream: RecordingServer;
let served: Served;
let warnings: string[];

beforeAll(async () => {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(ROOT, "test/e2e/specs/rfc6570-paths.yaml"), name: "templates" },
    { root: ROOT, out: relative(ROOT, tmpDir("rfc6570-paths")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  warnings = diags.items
    .filter((d) => d.severity === "warning")
    .map((d) => `${d.code} ${d.source?.file.split("/").pop()}:${d.source?.line} ${d.message}`);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  served = await serveOverStdio(join(ROOT, cat.dir), { TEMPLATES_BASE_URL: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("RFC 6570 operators in path templates", () => {
  it("each is read as the style its operator means, with a located warning", () => {
    expect(warnings).toEqual([
      "TW137 rfc6570-paths.yaml:9 path /items{;id}: {;id} (an RFC 6570 expression) is read as {id} with style matrix",
      "TW137 rfc6570-paths.yaml:15 path /report{.fmt}: {.fmt} (an RFC 6570 expression) is read as {fmt} with style label",
      "TW137 rfc6570-paths.yaml:21 path /tags{;tags*}: {;tags*} (an RFC 6570 expression) is read as {tags} with style matrix, exploded",
      "TW137 rfc6570-paths.yaml:27 path /files{/name}: {/name} (an RFC 6570 expression) is read as /{name}",
      'TW137 rfc6570-paths.yaml:33 path /search{?q}: {?q} (an RFC 6570 query expression) is left out of the path: "q" is a query parameter, sent in the query',
      "TW137 rfc6570-paths.yaml:39 path /raw/{+rest}: {+rest} (an RFC 6570 reserved expression) is read as {rest} spanning segments (x-multi-segment)",
      'TW137 rfc6570-paths.yaml:45 path /find{?a,b}: {?a,b} (an RFC 6570 query expression) is left out of the path: "a", "b" are query parameters, sent in the query',
    ]);
  });

  it("the requests carry the values where and as the expressions say", async () => {
    const calls: [string, Record<string, unknown>, string][] = [
      ["matrix_expr", { id: "a b" }, "/items;id=a%20b"],
      ["label_expr", { fmt: "json" }, "/report.json"],
      ["matrix_list", { tags: ["x", "y"] }, "/tags;tags=x;tags=y"],
      ["path_expr", { name: "r/1" }, "/files/r%2F1"],
      ["query_expr", { q: "k&v" }, "/search?q=k%26v"],
      ["reserved_expr", { rest: "a/b/c" }, "/raw/a/b/c"],
      ["query_list", { a: "1", b: 2 }, "/find?a=1&b=2"],
    ];
    const got: string[] = [];
    for (const [name, args] of calls) {
      const before = upstream.received.length;
      const result = await served.client.callTool({ name, arguments: args });
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      const sent = upstream.received.slice(before);
      expect(sent).toHaveLength(1);
      got.push(sent[0]?.url ?? "");
    }
    expect(got).toEqual(calls.map((c) => c[2]));
  });
});
