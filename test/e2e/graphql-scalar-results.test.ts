import { join, relative } from "node:path";
import { buildSchema, graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import { writeTree } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

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

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const dir = writeTree("graphql-scalar-results", { "schema.graphql": SDL });
  const schema = buildSchema(SDL);
  const rootValue = {
    place: ({ id }: { id: string }) => ({
      id,
      shape: { type: "Point", coordinates: [10.75, 59.91] },
      tags: { owner: "u1", levels: [1, 2] },
    }),
    metadata: () => [{ k: "a" }, ["x", 1], "plain", 4],
  };
  upstream = await startRecordingServer(async (req, res) => {
    const body = JSON.parse(req.body.toString());
    sendJson(
      res,
      200,
      await graphql({ schema, source: body.query, rootValue, variableValues: body.variables }),
    );
  });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "schema.graphql"), name: "geo", graphql: [join(dir, "schema.graphql")] },
    { root: ROOT, out: relative(ROOT, join(tmpDir("graphql-scalar-results-out"), "geo")) },
    diags,
  );
  expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  served = await serveOverStdio(join(ROOT, cat.dir), { GEO_URL: `${upstream.url}/graphql` });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("results of an unmapped GraphQL scalar", () => {
  it("an object or an array the server writes for one is the tool's result, not an output-schema failure", async () => {
    const { result, sent } = await callRecorded(served.client, upstream, "place", { id: "p1" });
    expect(sent).toHaveLength(1);
    expect(result.isError ?? false, JSON.stringify(result)).toBe(false);
    expect(textJson(result)).toEqual({
      id: "p1",
      shape: { type: "Point", coordinates: [10.75, 59.91] },
      tags: { owner: "u1", levels: [1, 2] },
    });
    const list = await callRecorded(served.client, upstream, "metadata", {});
    expect(list.result.isError ?? false, JSON.stringify(list.result)).toBe(false);
    expect(textJson(list.result)).toEqual([{ k: "a" }, ["x", 1], "plain", 4]);
  });

  it("an argument of one still takes a JSON primitive only, refused before sending otherwise", async () => {
    const taken = await callRecorded(served.client, upstream, "metadata", { near: "here" });
    expect(taken.result.isError ?? false).toBe(false);
    const refused = await callRecorded(served.client, upstream, "metadata", { near: { lat: 1 } });
    expect(refused.result.isError).toBe(true);
    expect(refused.sent).toEqual([]);
  });
});
