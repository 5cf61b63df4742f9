import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Path templates written with RFC 6570 operators (test/e2e/specs/rfc6570-paths.yaml): `{;id}`, `{.fmt}`,
 * `{;tags*}`, `{/name}`, `{+rest}`, `{?q}`, `{?a,b}`. OpenAPI's templating has only `{name}` (the parameter's
 * `style` says matrix or label), so before, each was read as a misspelt variable: the declared parameter renamed to
 * `;id` (sent as `;;id=5`) or `.fmt` (an argument named `.fmt`), and `{?q}` became a required path argument `q_2`
 * beside the declared query parameter. Now each is read as what the operator means, with a located TW137 warning,
 * and the requests that arrive are the ones the spec's author wrote the expression for.
 */
const fx = servedSpec(
  join(ROOT, "test/e2e/specs/rfc6570-paths.yaml"),
  "templates",
  "rfc6570-paths",
  (url) => ({ TEMPLATES_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);
const warnings = () =>
  fx.diags.items
    .filter((d) => d.severity === "warning")
    .map((d) => `${d.code} ${d.source?.file.split("/").pop()}:${d.source?.line} ${d.message}`);

describe("RFC 6570 operators in path templates", () => {
  it("each is read as the style its operator means, with a located warning", () => {
    expect(warnings()).toEqual([
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
      const before = fx.upstream().received.length;
      const result = await fx.client().callTool({ name, arguments: args });
      expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
      const sent = fx.upstream().received.slice(before);
      expect(sent).toHaveLength(1);
      got.push(sent[0]?.url ?? "");
    }
    expect(got).toEqual(calls.map((c) => c[2]));
  });
});
