import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * GET and HEAD operations with a request body (Elasticsearch-style searches): `fetch` refuses to send one, so
 * every such call used to fail before reaching the upstream. The body must arrive as the spec defines it.
 */
const served = servedSpec(
  join(ROOT, "test/e2e/specs/get-body.yaml"),
  "getbody",
  "get-body",
  (url) => ({ GETBODY_BASE_URL: url }),
  (req, res) => {
    if (req.method === "HEAD") {
      res.writeHead(200, { "x-seen": String(req.body.length) });
      return res.end();
    }
    sendJson(res, 200, { hits: { total: 1 }, echo: req.body.toString() });
  },
);

describe("GET and HEAD with a request body", () => {
  it("a GET sends its JSON body to the upstream", async () => {
    const query = { match: { title: "lamp" } };
    const result = await served.client().callTool({
      name: "search",
      arguments: { index: "items", query, size: 3 },
    });
    expect(result.isError ?? false).toBe(false);
    const got = served.upstream().received.at(-1);
    expect(got?.method).toBe("GET");
    expect(got?.path).toBe("/items/_search");
    expect(got?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(got?.body.toString() ?? "null")).toEqual({ query, size: 3 });
    expect(textJson(result)).toMatchObject({ hits: { total: 1 } });
  });

  it("a GET without body arguments sends no body", async () => {
    const result = await served.client().callTool({ name: "search", arguments: { index: "items" } });
    expect(result.isError ?? false).toBe(false);
    const got = served.upstream().received.at(-1);
    expect(got?.method).toBe("GET");
    expect(got?.body.length).toBe(0);
  });

  it("a HEAD sends its text body and reads no response body", async () => {
    const result = await served.client().callTool({
      name: "probe",
      arguments: { index: "items", body: "ping" },
    });
    expect(result.isError ?? false).toBe(false);
    const got = served.upstream().received.at(-1);
    expect(got?.method).toBe("HEAD");
    expect(got?.body.toString()).toBe("ping");
    expect(got?.headers["content-type"]).toMatch(/^text\/plain/);
  });
});
