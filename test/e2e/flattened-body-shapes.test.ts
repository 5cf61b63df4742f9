import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callConfirmed } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Object bodies whose fields are the tool's arguments although the spec wraps them (test/e2e/specs/
 * flattened-body-shapes.yaml, shapes from GitHub REST): a body that may be null (`nullable: true`, 27 of GitHub's
 * tools with the next shape) and an allOf with `oneOf`/`anyOf` parts that only require members. Before, each tool
 * took one `body` argument holding what every other tool takes as arguments (`pulls_merge({ pull_number, body:
 * { merge_method } })`). What the upstream received is asserted.
 */
const fx = servedSpec(
  join(ROOT, "test/e2e/specs/flattened-body-shapes.yaml"),
  "shapes",
  "flattened-body-shapes",
  (url) => ({ SHAPES_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);
const inputOf = (name: string) => fx.doc().tools.find((t) => t.name === name)?.inputSchema;
const info134 = () =>
  fx.diags.items
    .filter((d) => d.code === "TW134")
    .map((d) => `${d.severity} ${d.message} :${d.source?.line}`);

describe("object bodies that may be null or carry presence rules", () => {
  it("take their fields as arguments; type alternatives and unmeetable rules keep one body argument", () => {
    expect(inputOf("merge_pull")).toEqual({
      type: "object",
      properties: {
        number: { type: "integer" },
        commit_title: { type: "string" },
        merge_method: { type: "string", enum: ["merge", "squash", "rebase"] },
        confirmation_token: expect.objectContaining({ type: "string" }),
      },
      required: ["number"],
      additionalProperties: false,
    });
    expect(Object.keys((inputOf("create_fork") as { properties: object }).properties)).toEqual([
      "organization",
      "default_branch_only",
    ]);
    expect(Object.keys((inputOf("update_alert") as { properties: object }).properties)).toEqual([
      "id",
      "state",
      "assignees",
      "comment",
    ]);
    expect(inputOf("add_item")).toMatchObject({ required: ["type"] });
    expect(Object.keys((inputOf("add_item") as { properties: object }).properties)).toEqual([
      "type",
      "id",
      "owner",
      "repo",
    ]);
    for (const whole of ["set_labels", "create_pages"])
      expect(Object.keys((inputOf(whole) as { properties: object }).properties), whole).toEqual(["body"]);
  });

  it("leave no rule to the upstream when every member it names is an argument (body-presence.test.ts)", () => {
    // Both rules (PATCH /alerts/{id}'s anyOf, POST /items' oneOf) name only arguments: the server checks them, so
    // neither is said as left to the upstream (TW134), as each was before.
    expect(info134()).toEqual([]);
    const notes = Object.fromEntries(fx.doc().tools.map((t) => [t.name, t.notes]));
    expect(notes.update_alert).toContain(
      "the request body's fields: anyOf (at least one of: state; assignees), checked before the request",
    );
  });

  it("send the given fields as the JSON body, and no body for an optional one given none", async () => {
    for (const [tool, args, path, body] of [
      ["merge_pull", { number: 7, merge_method: "squash" }, "/pulls/7/merge", '{"merge_method":"squash"}'],
      ["merge_pull", { number: 8 }, "/pulls/8/merge", ""],
      ["create_fork", {}, "/forks", "{}"],
      ["create_fork", { organization: "o" }, "/forks", '{"organization":"o"}'],
      ["update_alert", { id: 3, assignees: ["a"] }, "/alerts/3", '{"assignees":["a"]}'],
      [
        "add_item",
        { type: "Issue", owner: "o", repo: "r" },
        "/items",
        '{"type":"Issue","owner":"o","repo":"r"}',
      ],
    ] as const) {
      const before = fx.upstream().received.length;
      // A merge is destructive: the client confirms it with the token the preview returns.
      const { result } = await callConfirmed(fx.client(), tool, args);
      const sent = fx.upstream().received.slice(before);
      expect(result.isError, `${tool} ${JSON.stringify(result.content)}`).toBeFalsy();
      expect(sent.map((r) => [r.method, r.path, r.body.toString()])).toEqual([
        [tool === "merge_pull" ? "PUT" : tool === "update_alert" ? "PATCH" : "POST", path, body],
      ]);
      if (body !== "") expect(sent[0]?.headers["content-type"]).toBe("application/json");
    }
  });

  it("refuse a body argument they no longer take, before anything is sent", async () => {
    const { result, sent } = await fx.call("create_fork", { body: { organization: "o" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/body/);
    expect(sent).toEqual([]);
  });
});
