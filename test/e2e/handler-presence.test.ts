import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { genManifest, writeTree } from "../helpers/generate.js";
import { textJson } from "../helpers/mcp.js";
import { ECHO_HANDLER, echoHandlerFixture } from "../helpers/served-fixture.js";

/**
 * A hand-written tool's input root may say which of its arguments go together with `anyOf`/`oneOf` of required sets
 * ("give id or email"). It was refused as no object schema (TW110): the manifest had no way to say it but words.
 * Now the input is the object it is, with the rule enforced by the runtime, said to the model in words, and stated
 * in the published schema without a combinator at its root (the Anthropic API refuses a tool whose input_schema
 * has anyOf, oneOf or allOf at its top level, and with it the whole request): ajv on the schema tools/list gives
 * and the server's check take and refuse the same calls.
 */
const MANIFEST = `catalog: hand
tools:
  find_user:
    handler: ./handlers/echo.ts
    safety: read
    description: Finds a user.
    input:
      type: object
      properties: { id: { type: string }, email: { type: string }, verbose: { type: boolean } }
      anyOf: [{ required: [id] }, { required: [email] }]
  add_item:
    handler: ./handlers/echo.ts
    safety: read
    description: Adds an item.
    input:
      type: object
      properties: { id: { type: integer }, owner: { type: string }, repo: { type: string }, note: { type: string } }
      required: [note]
      oneOf: [{ required: [id] }, { required: [owner, repo] }]
  pick:
    handler: ./handlers/echo.ts
    safety: read
    description: Picks.
    input:
      type: object
      properties: { a: { type: string }, b: { type: string }, c: { type: string }, d: { type: string } }
      not: { required: [c, d] }
      allOf:
        - anyOf: [{ required: [a] }, { required: [b] }]
        - oneOf: [{ required: [c] }, { required: [d] }, { required: [a, b] }]
`;

const fx = echoHandlerFixture("handler-presence", MANIFEST);

const PROBES: Record<string, Record<string, unknown>[]> = {
  find_user: [{}, { verbose: true }, { id: "1" }, { email: "a@b.test" }, { id: "1", email: "a@b.test" }],
  add_item: [
    { note: "n" },
    { note: "n", id: 1 },
    { note: "n", owner: "o" },
    { note: "n", owner: "o", repo: "r" },
    { note: "n", id: 1, owner: "o", repo: "r" },
    { note: "n", id: 1, owner: "o" },
    { id: 1 },
  ],
  pick: [
    {},
    { a: "1" },
    { a: "1", c: "1" },
    { b: "1", d: "1" },
    { a: "1", c: "1", d: "1" },
    { a: "1", b: "1" },
    { a: "1", b: "1", c: "1" },
    { c: "1" },
  ],
};

const text = (r: { content?: unknown }) => (r.content as { text: string }[]).map((c) => c.text).join("\n");

describe("a handler tool's input root with anyOf/oneOf of required sets", () => {
  it("is an object whose published schema states the rule without a combinator at its root", async () => {
    const { tools } = await fx.served().client.listTools();
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      for (const key of ["anyOf", "oneOf", "allOf"])
        expect(tool.inputSchema, tool.name).not.toHaveProperty(key);
    }
    const d = Object.fromEntries(tools.map((t) => [t.name, t.description]));
    expect(d).toEqual({
      find_user: "Finds a user.\n\nGive at least one of: id, email.",
      add_item: "Adds an item.\n\nGive exactly one of: id; owner and repo.",
      pick: "Picks.\n\nGive at least one of: a, b. Give exactly one of: c; d; a and b. Do not give c and d together.",
    });
  });

  it("is enforced: the server's check and ajv on the published schema agree on every probe", async () => {
    const client = fx.served().client;
    const { tools } = await client.listTools();
    const ajv = new Ajv2020({ strict: false });
    const verdicts: string[] = [];
    for (const tool of tools) {
      const validate = ajv.compile(tool.inputSchema);
      for (const args of PROBES[tool.name] ?? []) {
        const r = await client.callTool({ name: tool.name, arguments: { ...args } });
        const served = r.isError ? "refused" : "taken";
        const published = validate(args) ? "taken" : "refused";
        expect(published, `${tool.name} ${JSON.stringify(args)}: ajv vs server`).toBe(served);
        if (r.isError) expect(text(r)).toContain("invalid arguments");
        else expect(textJson(r)).toEqual({ args });
        verdicts.push(`${tool.name} ${JSON.stringify(args)} ${served}`);
      }
    }
    expect(verdicts).toEqual([
      "find_user {} refused",
      'find_user {"verbose":true} refused',
      'find_user {"id":"1"} taken',
      'find_user {"email":"a@b.test"} taken',
      'find_user {"id":"1","email":"a@b.test"} taken',
      'add_item {"note":"n"} refused',
      'add_item {"note":"n","id":1} taken',
      'add_item {"note":"n","owner":"o"} refused',
      'add_item {"note":"n","owner":"o","repo":"r"} taken',
      'add_item {"note":"n","id":1,"owner":"o","repo":"r"} refused',
      'add_item {"note":"n","id":1,"owner":"o"} taken',
      'add_item {"id":1} refused',
      "pick {} refused",
      'pick {"a":"1"} refused',
      'pick {"a":"1","c":"1"} taken',
      'pick {"b":"1","d":"1"} taken',
      'pick {"a":"1","c":"1","d":"1"} refused',
      'pick {"a":"1","b":"1"} taken',
      'pick {"a":"1","b":"1","c":"1"} refused',
      'pick {"c":"1"} refused',
    ]);
  });

  it("a refusal says which sets the call needed", async () => {
    const client = fx.served().client;
    const none = await client.callTool({ name: "find_user", arguments: { verbose: true } });
    expect(text(none)).toContain("needs at least one of: id; email (anyOf)");
    const both = await client.callTool({
      name: "add_item",
      arguments: { note: "n", id: 1, owner: "o", repo: "r" },
    });
    expect(text(both)).toContain("needs exactly one of: id; owner and repo (oneOf)");
  });

  it("a set naming a property the input does not declare, which no call could give, is a located TW110", async () => {
    const manifest = MANIFEST.replace(
      "anyOf: [{ required: [id] }, { required: [email] }]",
      "anyOf: [{ required: [id] }, { required: [mail] }]",
    );
    const dir = writeTree("handler-presence-undeclared", {
      "tools.yaml": manifest,
      "handlers/echo.ts": ECHO_HANDLER,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.message, d.source?.pointer])).toEqual([
      [
        "TW110",
        'tool "find_user": input\'s anyOf requires "mail", which input\'s properties do not declare: a tool\'s arguments are closed, so no call could give it',
        "#/tools/find_user/input",
      ],
    ]);
  });

  it("a root anyOf whose alternatives say more than which properties are present is still refused, located", async () => {
    const manifest = MANIFEST.replace(
      "anyOf: [{ required: [id] }, { required: [email] }]",
      "anyOf: [{ required: [id] }, { properties: { email: { minLength: 3 } } }]",
    );
    const dir = writeTree("handler-presence-typed", {
      "tools.yaml": manifest,
      "handlers/echo.ts": ECHO_HANDLER,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.message, d.source?.pointer])).toEqual([
      ["TW110", 'tool "find_user": input must be an object schema', "#/tools/find_user/input"],
    ]);
  });
});
