import { describe, expect, it } from "vitest";
import { snapshotOf } from "../helpers/files.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * A body field a source's every operation takes from the operator, not the model (`sources.<id>.param_env`, as for
 * a parameter): Asana's `workspace_gid`, an account id in each form. Before, `param_env` bound parameters only: a
 * `body:` key, or a name only bodies have, was silently ignored and the model filled the field on every call.
 */

const SPEC = `openapi: 3.0.3
info: { title: Srcenv, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /tasks:
    get:
      operationId: listTasks
      parameters:
        - { name: workspace_gid, in: query, required: true, schema: { type: string } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
    post:
      operationId: createTask
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [workspace_gid, name]
              properties:
                workspace_gid: { type: string }
                name: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /notes:
    post:
      operationId: addNote
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                account_id: { type: string }
                workspace_gid: { type: string }
                text: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

const MANIFEST = `catalog: srcenv
env:
  SRCENV_URL: { type: url, description: "The upstream." }
  SRCENV_WORKSPACE: { description: "The workspace every call works in." }
  SRCENV_ACCOUNT: { secret: true, description: "The account id, kept secret." }
policy: { audit: { default: true } }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: SRCENV_URL }
    param_env: { workspace_gid: SRCENV_WORKSPACE, "body:account_id": SRCENV_ACCOUNT }
select: [{ all: true }]
`;

const ACCOUNT = "acct-5e2f91-secret";

describe("a source's param_env fills body fields in every operation that has them", () => {
  const fixture = servedFixture(
    "source-body-env",
    { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
    (url) => ({ SRCENV_URL: url, SRCENV_WORKSPACE: "ws-1", SRCENV_ACCOUNT: ACCOUNT }),
    (_req, res) => sendJson(res, 200, { ok: true }),
  );

  it("the fields are no argument: tools/list shows the others only", async () => {
    const { tools } = await fixture.served().client.listTools();
    const input = (name: string) => tools.find((t) => t.name === name)?.inputSchema as Record<string, any>;
    expect(Object.keys(input("list_tasks").properties ?? {})).toEqual([]);
    expect(Object.keys(input("create_task").properties)).toEqual(["name"]);
    expect(input("create_task").required).toEqual(["name"]);
    expect(Object.keys(input("add_note").properties)).toEqual(["text"]);
  });

  it("a JSON body, a form and a query parameter each carry the variable's value", async () => {
    const json = await fixture.call("create_task", { name: "t" });
    expect(json.result.isError).toBeFalsy();
    expect(JSON.parse(json.sent[0]?.body.toString() ?? "")).toEqual({ workspace_gid: "ws-1", name: "t" });
    const form = await fixture.call("add_note", { text: "hi" });
    expect(form.result.isError).toBeFalsy();
    expect(form.sent[0]?.body.toString()).toBe(`account_id=${ACCOUNT}&workspace_gid=ws-1&text=hi`);
    const query = await fixture.call("list_tasks", {});
    expect(query.sent[0]?.url).toBe("/tasks?workspace_gid=ws-1");
  });

  it("a call naming a bound field is refused before any request", async () => {
    const { result, sent } = await fixture.call("create_task", { name: "t", workspace_gid: "ws-other" });
    expect(result.isError).toBe(true);
    expect(sent).toHaveLength(0);
  });

  it("the secret is in no audit line, log line or generated file; its variable's name is", async () => {
    const stderr = await fixture.served().stderrAtExit();
    expect(stderr).toMatch(/add_note/);
    expect(stderr).not.toContain(ACCOUNT);
    const all = Object.values(snapshotOf(fixture.dir())).join("\n");
    expect(all).toContain("SRCENV_ACCOUNT");
    expect(all).not.toContain(ACCOUNT);
  });
});
