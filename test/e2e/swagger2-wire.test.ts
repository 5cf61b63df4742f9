import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { generateCatalog } from "../../codegen/index.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf } from "../helpers/generate.js";
import { callConfirmed, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Swagger 2.0 requests sent as the 2.0 spec says (test/e2e/specs/swagger2-wire.yaml), through a real MCP
 * client to a real upstream that records what it received. swagger2openapi, which converts a 2.0 root, keeps
 * `collectionFormat: tsv` only as `x-collectionFormat` and drops every form field's format, so before, a `tsv` query
 * parameter and every array form field went out as the name repeated (`ids=1&ids=2`): a 2.0 server reads a form
 * array as one comma-separated value (csv, the default) and took one of them. AutoRest's `x-ms-paths` (paths with
 * a fixed query, `/search?op=count`) were left out in silence, and a path written with a query in `paths` made a
 * tool every call of which was refused ("the arguments would change the request URL's structure").
 */
let upstream: RecordingServer;
let doc: CatalogDocument;
let served: Served;

beforeAll(async () => {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(ROOT, "test/e2e/specs/swagger2-wire.yaml"), name: "collections" },
    { root: ROOT, out: relative(ROOT, tmpDir("swagger2-wire")) },
    diags,
  );
  expect(errorsOf(diags)).toEqual([]);
  // The x-ms-paths key that paths also has is the one left out, located where it is written.
  expect(
    diags.items
      .filter((d) => d.severity === "warning")
      .map((d) => `${d.code} ${d.message} ${d.source?.file.split("/").pop()}:${d.source?.line}`),
  ).toEqual(['TW139 x-ms-paths "/labels" is left out: paths has the same key swagger2-wire.yaml:74']);
  if (!cat) throw new Error("no catalog");
  doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
  writeCatalog(ROOT, cat);
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  served = await serveOverStdio(join(ROOT, cat.dir), { COLLECTIONS_BASE_URL: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("Swagger 2.0 collectionFormat", () => {
  it("query arrays: multi repeats the name, tsv joins with tabs, pipes, ssv and csv with theirs", async () => {
    const result = await served.client.callTool({
      name: "search",
      arguments: {
        multi: ["a", "b"],
        tsv: ["c d", "e"],
        pipes: ["f", "g"],
        ssv: ["h", "i"],
        csv: ["j", "k"],
        since: "9007199254740993",
      },
    });
    expect(result.isError).toBeFalsy();
    // A 64-bit integer given as digits goes as those digits (a JSON number would be 9007199254740992).
    expect(upstream.received.at(-1)?.url).toBe(
      "/search?multi=a&multi=b&tsv=c%20d%09e&pipes=f|g&ssv=h%20i&csv=j,k&since=9007199254740993",
    );
  });

  it("form arrays: csv when the spec says nothing, ssv, tsv, multi, and pipes from a shared parameter", async () => {
    const result = await served.client.callTool({
      name: "label",
      arguments: {
        name: "n",
        ids: [1, "1790000000000000001"],
        words: ["w1", "w2"],
        cols: ["c1", "c2"],
        each: ["e1", "e2"],
        shared: ["s1", "s2"],
      },
    });
    expect(result.isError).toBeFalsy();
    const got = upstream.received.at(-1);
    expect(got?.path).toBe("/labels");
    expect(got?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(got?.body.toString()).toBe(
      "name=n&ids=1,1790000000000000001&words=w1%20w2&cols=c1%09c2&each=e1&each=e2&shared=s1|s2",
    );
  });
});

describe("Swagger 2.0 collectionFormat on path and header parameters", () => {
  // swagger2openapi drops ssv and pipes outside the query and keeps tsv only as x-collectionFormat: before,
  // every one of them went comma-separated (a 2.0 server splitting on spaces read one value).
  it("ssv joins with spaces, pipes with |, tsv with tabs, csv with commas, in the path and in headers", async () => {
    const result = await served.client.callTool({
      name: "rows",
      arguments: {
        ssv: ["a", "b"],
        pipes: ["c", "d|e"],
        tsv: ["f", "g"],
        csv: ["h", "i"],
        "X-Ssv": ["j", "k"],
        "X-Pipes": ["l", "m"],
        "X-Csv": ["n", "o"],
        "X-Tsv": ["p", "q"],
      },
    });
    expect(result.isError).toBeFalsy();
    const got = upstream.received.at(-1);
    expect(got?.url).toBe("/rows/a%20b/c|d%7Ce/f%09g/h,i");
    expect([
      got?.headers["x-ssv"],
      got?.headers["x-pipes"],
      got?.headers["x-csv"],
      got?.headers["x-tsv"],
    ]).toEqual(["j k", "l|m", "n,o", "p\tq"]);
  });
});

describe("x-ms-paths", () => {
  it("each is a tool located where it is written, sending its fixed query before the arguments'", async () => {
    const count = doc.tools.find((t) => t.name === "count");
    expect(count?.source).toMatchObject({ pointer: "#/x-ms-paths/~1search?op=count/get", line: 66 });
    expect(doc.tools.map((t) => t.name)).not.toContain("shadowed");
    const result = await served.client.callTool({ name: "count", arguments: { q: "z" } });
    expect(result.isError).toBeFalsy();
    expect(upstream.received.at(-1)?.url).toBe("/search?op=count&q=z");
  });

  it("a destructive one is confirmed, then sends its method and its whole fixed query", async () => {
    const { result, previewed } = await callConfirmed(served.client, "purge", {});
    expect(previewed).toBe(true);
    expect(result.isError).toBeFalsy();
    const got = upstream.received.at(-1);
    expect(`${got?.method} ${got?.url}`).toBe("DELETE /search?op=purge&mode=all");
  });
});
