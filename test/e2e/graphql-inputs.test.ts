import { describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { servedGraphql } from "../helpers/served-fixture.js";

/**
 * GraphQL input scalars as the spec and the libraries read them, in front of a real GraphQL server (graphql-js):
 * - `ID` input coercion takes a string or an integer (spec §3.5.5: `4` and `"4"` are one ID); a model often sends
 *   a number id, which was refused before ("expected string"); it is sent as given and graphql-js coerces it.
 * - `Upload` (graphql-upload, Apollo) is a file, whose JSON part in the multipart request is `null`: a tool call
 *   sends no file, so only null (or leaving it out) is taken; before, any JSON primitive was, and a path or base64
 *   text reached the upstream as the "file".
 */
const SDL = `
scalar Upload
type Thing { id: ID! name: String }
input ThingFilter { ownerId: ID, ids: [ID!] }
type Query {
  thing(id: ID!): Thing
  things(filter: ThingFilter): [Thing!]!
}
type Mutation {
  setAvatar(userId: ID!, file: Upload, note: String): Boolean
}
`;

const fx = servedGraphql(
  "graphql-inputs",
  "things",
  SDL,
  {
    thing: ({ id }: { id: string }) => ({ id, name: `type ${typeof id}` }),
    things: ({ filter }: { filter?: { ids?: string[] } }) =>
      (filter?.ids ?? []).map((id) => ({ id, name: typeof id })),
    setAvatar: () => true,
  },
  (url) => ({ THINGS_URL: url }),
);
const variables = () => JSON.parse(fx.upstream().received.at(-1)?.body.toString() ?? "{}").variables;

describe("GraphQL ID and Upload inputs", () => {
  it("an ID argument takes an integer, sent as given and read by the server as that ID", async () => {
    const { result, sent } = await fx.call("thing", { id: 42 });
    expect(result.isError ?? false).toBe(false);
    expect(sent).toHaveLength(1);
    expect(variables()).toEqual({ id: 42 });
    expect(textJson(result)).toEqual({ id: "42", name: "type string" });
    const named = await fx.call("thing", { id: "t-1" });
    expect(textJson(named.result)).toEqual({ id: "t-1", name: "type string" });
  });

  it("so does an ID inside an input object and a list of IDs; a fraction or a boolean is refused before sending", async () => {
    const { result } = await fx.call("things", {
      filter: { ownerId: 7, ids: [1, "b"] },
    });
    expect(result.isError ?? false).toBe(false);
    expect(variables()).toEqual({ filter: { ownerId: 7, ids: [1, "b"] } });
    for (const id of [1.5, true]) {
      const refused = await fx.call("thing", { id });
      expect(refused.result.isError).toBe(true);
      expect(refused.sent).toEqual([]);
    }
  });

  it("an Upload argument takes no value but null: a path or base64 text is refused before sending", async () => {
    for (const file of ["/etc/passwd", "aGVsbG8=", 3]) {
      const refused = await fx.call("set_avatar", { userId: "u1", file });
      expect(refused.result.isError).toBe(true);
      expect(refused.sent).toEqual([]);
    }
    const { tools } = await fx.client().listTools();
    const set = tools.find((t) => t.name === "set_avatar");
    const file = (set?.inputSchema.properties ?? {}) as Record<string, object>;
    expect(JSON.stringify(file.file)).toContain("cannot send");
    const left = await fx.call("set_avatar", { userId: "u1", note: "n" });
    expect(left.result.isError ?? false, JSON.stringify(left.result)).toBe(false);
    expect(variables()).toEqual({ userId: "u1", note: "n" });
    const nulled = await fx.call("set_avatar", { userId: 5, file: null });
    expect(nulled.result.isError ?? false).toBe(false);
    expect(variables()).toEqual({ userId: 5, file: null });
  });
});
