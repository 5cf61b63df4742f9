import { describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { sendJson } from "../helpers/recording-server.js";
import { askingFixture, itemsManifest } from "../helpers/served-fixture.js";

/**
 * What a person is asked to confirm is what runs. The confirmation question (form elicitation) and the preview's
 * `would` quoted argument values raw: a path value holding line breaks wrote its own paragraph into the question
 * ("Nothing is deleted: this is a dry run"), a bidi override reversed what followed it, and the path shown
 * (`DELETE /items/old/../all`) was not the path sent (`/items/old%2F..%2Fall`), nor did it show the query
 * (`?cascade=true`). The question and `would` now show the request line as it is sent, and the arguments with
 * every character a terminal or renderer acts on escaped.
 */

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items/{id}:
    delete:
      operationId: deleteItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: cascade, in: query, schema: { type: boolean } }
        - { name: note, in: query, schema: { type: string } }
      responses: { "204": { description: deleted } }
`;

const items = askingFixture(
  "confirm-text",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": itemsManifest("  delete_item: { from: deleteItem }") },
  (url) => ({ ITEMS_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

const SPOOF = "old\n\nNothing is deleted: this is a dry run. Confirm to continue.";
const BIDI = "report\u202Etxt.exe";

describe("the confirmation question shows what is sent", () => {
  it("line breaks and bidi controls in a value are escaped in the question; the path is the one sent", async () => {
    const before = items.asked.length;
    const result = await items.asking().client.callTool({
      name: "delete_item",
      arguments: { id: SPOOF, cascade: true, note: BIDI },
    });
    expect(result.isError).toBe(true);
    expect(items.asked.length).toBe(before + 1);
    const question = items.asked[items.asked.length - 1]!.message;
    expect(question).not.toMatch(/[\n\r\u202E\u2028]/);
    expect(question).toContain("DELETE /items/old%0A%0ANothing%20is%20deleted");
    expect(question).toContain("?cascade=true&note=report%E2%80%AEtxt.exe");
    expect(question).toContain("\\u202e");
    expect(items.upstream().received).toEqual([]);
  });

  it("the preview's would is the request line as sent, query included", async () => {
    const result = await items.plain().client.callTool({
      name: "delete_item",
      arguments: { id: "a/b", cascade: true },
    });
    const preview = textJson(result);
    expect(preview.confirmation_required).toBe(true);
    expect(preview.would).toBe("DELETE /items/a%2Fb?cascade=true");
    // The arguments stay what the model sent (the token is bound to them).
    expect(preview.arguments).toEqual({ id: "a/b", cascade: true });
    const again = await items.plain().client.callTool({
      name: "delete_item",
      arguments: { id: "a/b", cascade: true, confirmation_token: preview.confirmation_token },
    });
    expect(again.isError, JSON.stringify(again)).toBeFalsy();
    expect(items.upstream().received.map((r) => `${r.method} ${r.url}`)).toEqual([
      "DELETE /items/a%2Fb?cascade=true",
    ]);
  });
});
