import { describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { servedGraphql } from "../helpers/served-fixture.js";

/**
 * Results of a custom scalar nobody mapped, in front of a real GraphQL server (graphql-js): nothing says how the
 * server serialises such a scalar, and graphql-js writes whatever its serialize returns, objects and arrays
 * included (graphql-scalars' `GeoJSON`, a `Metadata` map). The output schema typed it as a JSON primitive, so every
 * call returning one failed ("does not match the tool's output schema"); arguments of it still take primitives.
 */
const SDL = `
scalar GeoJSON
scalar Metadata
type Place { id: ID! shape: GeoJSON! tags: Metadata }
type Query {
  place(id: ID!): Place
  metadata(near: Metadata): [Metadata!]
}
`;

const fx = servedGraphql(
  "graphql-scalar-results",
  "geo",
  SDL,
  {
    place: ({ id }: { id: string }) => ({
      id,
      shape: { type: "Point", coordinates: [10.75, 59.91] },
      tags: { owner: "u1", levels: [1, 2] },
    }),
    metadata: () => [{ k: "a" }, ["x", 1], "plain", 4],
  },
  (url) => ({ GEO_URL: url }),
);

describe("results of an unmapped GraphQL scalar", () => {
  it("an object or an array the server writes for one is the tool's result, not an output-schema failure", async () => {
    const { result, sent } = await fx.call("place", { id: "p1" });
    expect(sent).toHaveLength(1);
    expect(result.isError ?? false, JSON.stringify(result)).toBe(false);
    expect(textJson(result)).toEqual({
      id: "p1",
      shape: { type: "Point", coordinates: [10.75, 59.91] },
      tags: { owner: "u1", levels: [1, 2] },
    });
    const list = await fx.call("metadata", {});
    expect(list.result.isError ?? false, JSON.stringify(list.result)).toBe(false);
    expect(textJson(list.result)).toEqual([{ k: "a" }, ["x", 1], "plain", 4]);
  });

  it("an argument of one still takes a JSON primitive only, refused before sending otherwise", async () => {
    const taken = await fx.call("metadata", { near: "here" });
    expect(taken.result.isError ?? false).toBe(false);
    const refused = await fx.call("metadata", { near: { lat: 1 } });
    expect(refused.result.isError).toBe(true);
    expect(refused.sent).toEqual([]);
  });
});
