import { describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { sendJson } from "../helpers/recording-server.js";
import { askingFixture, itemsManifest } from "../helpers/served-fixture.js";

/**
 * What a person is asked to confirm names every argument and shows no secret. The question was the action and the
 * arguments as one JSON text cut at 1,000 characters: one long value pushed the arguments after it, and the closing
 * "Nothing happens unless you confirm", out of the question; and a secret-looking argument sent in the query
 * (`?password_confirmation=...`, a re-entered password some APIs ask for before a deletion) was shown as sent in the request line, while a secret-looking key inside an object argument was
 * shown as given. The question now lists each argument with its value cut to a bound, names those it cannot list,
 * always ends with the closing sentence, and masks secret-looking values wherever they are, request line included;
 * the preview's `would` and `arguments` mask them the same way.
 */

const FLAGS = Array.from({ length: 30 }, (_, i) => `flag${String(i + 1).padStart(2, "0")}`);

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items/{id}/purge:
    post:
      operationId: purgeItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: password_confirmation, in: query, schema: { type: string } }
        - { name: reason, in: query, schema: { type: string } }
${FLAGS.map((f) => `        - { name: ${f}, in: query, schema: { type: boolean } }`).join("\n")}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                owner: { type: object, properties: { name: { type: string }, password: { type: string } } }
                last: { type: string }
      responses: { "204": { description: purged } }
`;

const KEY = "sk-live-0123456789abcdef";
const PASSWORD = "hunter2-correct-horse";
const LONG = `${"a long reason ".repeat(150)}END-OF-REASON`;
const args = {
  id: "old",
  password_confirmation: KEY,
  reason: LONG,
  ...Object.fromEntries(FLAGS.map((f) => [f, true])),
  owner: { name: "ops", password: PASSWORD },
  last: "the-last-argument",
};

const items = askingFixture(
  "confirm-question",
  {
    "cat/openapi.yaml": SPEC,
    "cat/tools.yaml": itemsManifest(
      "  purge_item: { from: purgeItem, safety: destructive, confirm: required }",
    ),
  },
  (url) => ({ ITEMS_URL: url }),
  (_req, res) => sendJson(res, 204, {}),
);

describe("the confirmation question", () => {
  it("names every argument, cuts a long value, ends with the closing sentence, shows no secret", async () => {
    const result = await items.asking().client.callTool({ name: "purge_item", arguments: args });
    expect(result.isError).toBe(true);
    expect(items.asked).toHaveLength(1);
    const { message, requestedSchema } = items.asked[0]!;
    expect(message).toMatch(/^Confirm .*\(purge_item\): POST \/items\/old\/purge\?/);
    for (const name of Object.keys(args)) expect(message).toContain(`${name}: `);
    expect(message).toContain('last: "the-last-argument"');
    expect(message).toContain('owner: {"name":"ops","password":"••••••"}');
    expect(message).toContain('"a long reason a long reason');
    expect(message).not.toContain("END-OF-REASON");
    expect(message).toMatch(/more characters/);
    expect(message.endsWith("Nothing happens unless you confirm.")).toBe(true);
    // Bounded: far shorter than the arguments themselves.
    expect(message.length).toBeLessThan(JSON.stringify(args).length);
    const shown = JSON.stringify(requestedSchema);
    for (const secret of [KEY, PASSWORD, encodeURIComponent(KEY)]) {
      expect(message).not.toContain(secret);
      expect(shown).not.toContain(secret);
    }
    expect(items.upstream().received).toEqual([]);
  });

  it("the preview masks the same secrets in would and arguments; its token still runs the call as given", async () => {
    const result = await items.plain().client.callTool({ name: "purge_item", arguments: args });
    const preview = textJson(result);
    expect(preview.confirmation_required).toBe(true);
    const text = JSON.stringify(preview);
    for (const secret of [KEY, PASSWORD, encodeURIComponent(KEY)]) expect(text).not.toContain(secret);
    expect(preview.would).toMatch(/^POST \/items\/old\/purge\?password_confirmation=••••••&reason=a%20long/);
    expect(preview.arguments.owner).toEqual({ name: "ops", password: "••••••" });
    const again = await items.plain().client.callTool({
      name: "purge_item",
      arguments: { ...args, confirmation_token: preview.confirmation_token },
    });
    expect(again.isError, JSON.stringify(again)).toBeFalsy();
    expect(items.upstream().received).toHaveLength(1);
    expect(items.upstream().received[0]!.url).toContain(`password_confirmation=${encodeURIComponent(KEY)}`);
    expect(JSON.parse(items.upstream().received[0]!.body.toString())).toEqual({
      owner: { name: "ops", password: PASSWORD },
      last: "the-last-argument",
    });
  });

  it("the preview cuts a long value (a file's base64) instead of echoing it; its token sends it whole", async () => {
    // Before: the preview carried all 300,000 characters back to the model.
    const blob = Buffer.alloc(225_000, 7).toString("base64");
    const big = { ...args, last: blob };
    const result = await items.plain().client.callTool({ name: "purge_item", arguments: big });
    const preview = textJson(result);
    expect(preview.confirmation_required).toBe(true);
    expect(preview.arguments.last).toBe(`${blob.slice(0, 1000)}… (${blob.length - 1000} more characters)`);
    expect(JSON.stringify(result).length).toBeLessThan(20_000);
    const before = items.upstream().received.length;
    const again = await items.plain().client.callTool({
      name: "purge_item",
      arguments: { ...big, confirmation_token: preview.confirmation_token },
    });
    expect(again.isError, JSON.stringify(again).slice(0, 500)).toBeFalsy();
    expect(items.upstream().received).toHaveLength(before + 1);
    expect(JSON.parse(items.upstream().received.at(-1)!.body.toString()).last).toBe(blob);
  });

  it("the preview cuts a long request line (a long query value), as it cuts a long argument", async () => {
    // Before: the preview's `would` carried the whole request line, a 6,000-character query value included.
    const reason = `${"why ".repeat(1_500)}END`;
    const result = await items
      .plain()
      .client.callTool({ name: "purge_item", arguments: { ...args, reason } });
    const preview = textJson(result);
    expect(preview.would).toMatch(/^POST \/items\/old\/purge\?.*… \(\d+ more characters\)$/);
    expect(preview.would.length).toBeLessThan(2100);
    expect(JSON.stringify(result).length).toBeLessThan(20_000);
    const before = items.upstream().received.length;
    const again = await items.plain().client.callTool({
      name: "purge_item",
      arguments: { ...args, reason, confirmation_token: preview.confirmation_token },
    });
    expect(again.isError, JSON.stringify(again).slice(0, 500)).toBeFalsy();
    expect(items.upstream().received).toHaveLength(before + 1);
    expect(new URL(items.upstream().received.at(-1)!.url, "http://x").searchParams.get("reason")).toBe(
      reason,
    );
  });
});
