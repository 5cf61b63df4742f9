import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { echoHandlerFixture } from "../helpers/served-fixture.js";

/**
 * A hand-written tool's input is the manifest's schema, so its root may say which arguments go together
 * (`dependentRequired`, `not: {required: [...]}`, `minProperties`/`maxProperties`). The runtime enforces them, but
 * providers ignore such keywords at the root or refuse them (OpenAI's strict mode), and the portable profile leaves
 * them out: before, the model was never told them in words, as it is for an OpenAPI tool's flattened body. Now they
 * are the tool's `argumentRules`, said after its description in tools/list and in discovery mode alike.
 */
const MANIFEST = `catalog: hand
tools:
  hand_window:
    handler: ./handlers/echo.ts
    safety: read
    description: Opens a window.
    input:
      type: object
      properties:
        start: { type: string }
        end: { type: string }
        tag: { type: string }
        sha: { type: string }
      dependentRequired: { start: [end] }
      not: { required: [tag, sha] }
  hand_pick:
    handler: ./handlers/echo.ts
    safety: read
    description: Picks one side.
    input:
      type: object
      properties: { left: { type: string }, right: { type: string } }
      minProperties: 1
      maxProperties: 1
  hand_some:
    handler: ./handlers/echo.ts
    safety: read
    description: Takes a few.
    input:
      type: object
      properties: { a: { type: string }, b: { type: string }, c: { type: string } }
      allOf: [{ minProperties: 1 }]
  hand_plain:
    handler: ./handlers/echo.ts
    safety: read
    description: Plain.
    input: { type: object, properties: { q: { type: string } }, required: [q] }
`;

const fx = echoHandlerFixture("handler-rules", MANIFEST);

const RULES = {
  hand_window: ["If you give start, also give end.", "Do not give tag and sha together."],
  hand_pick: ["Give exactly one of: left, right."],
  hand_some: ["Give at least one of: a, b, c."],
  hand_plain: undefined,
};

const text = (r: { content?: unknown }) => (r.content as { text: string }[]).map((c) => c.text).join("\n");

describe("a handler tool's argument rules", () => {
  it("are written in catalog.json and shown to reviewers in CATALOG.md", () => {
    const doc = JSON.parse(readFileSync(join(fx.dir(), "catalog.json"), "utf8")) as CatalogDocument;
    expect(Object.fromEntries(doc.tools.map((t) => [t.name, t.argumentRules]))).toEqual(RULES);
    const md = readFileSync(join(fx.dir(), "CATALOG.md"), "utf8");
    expect(md).toContain("\nTold to the model: Give exactly one of: left, right.\n");
  });

  it("end the description tools/list gives", async () => {
    const { tools } = await fx.served().client.listTools();
    const d = Object.fromEntries(tools.map((t) => [t.name, t.description]));
    expect(d).toEqual({
      hand_window: "Opens a window.\n\nIf you give start, also give end. Do not give tag and sha together.",
      hand_pick: "Picks one side.\n\nGive exactly one of: left, right.",
      hand_some: "Takes a few.\n\nGive at least one of: a, b, c.",
      hand_plain: "Plain.",
    });
  });

  it("are enforced: a call breaking one is refused before the handler runs, one meeting them runs", async () => {
    const client = fx.served().client;
    const refused = [
      ["hand_window", { start: "1" }, "dependentRequired"],
      ["hand_window", { tag: "v1", sha: "abc" }, "not"],
      ["hand_pick", {}, "at least 1"],
      ["hand_pick", { left: "l", right: "r" }, "at most 1"],
      ["hand_some", {}, "at least 1"],
    ] as const;
    for (const [name, args, why] of refused) {
      const r = await client.callTool({ name, arguments: { ...args } });
      expect(r.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(text(r)).toContain("invalid arguments");
      expect(text(r)).toContain(why);
    }
    const ok = await client.callTool({ name: "hand_window", arguments: { start: "1", end: "2", tag: "v1" } });
    expect(ok.isError).toBeFalsy();
    expect(textJson(ok)).toEqual({ args: { start: "1", end: "2", tag: "v1" } });
  });

  describe("in discovery mode", () => {
    let discovery: Served | undefined;
    beforeAll(async () => {
      discovery = await serveOverStdio(fx.dir(), {}, {}, ["--discovery"]);
    });
    afterAll(() => discovery?.close());

    it("find_tools and describe_tool say them as tools/list does", async () => {
      const client = discovery!.client;
      const found = await client.callTool({ name: "find_tools", arguments: { query: "hand", limit: 50 } });
      const matches = (found.structuredContent as { matches: { name: string; argumentRules?: string[] }[] })
        .matches;
      expect(Object.fromEntries(matches.map((m) => [m.name, m.argumentRules]))).toEqual(RULES);
      const described = await client.callTool({ name: "describe_tool", arguments: { name: "hand_pick" } });
      expect(textJson(described).description).toBe("Picks one side.\n\nGive exactly one of: left, right.");
    });
  });
});
