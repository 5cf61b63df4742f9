import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A base URL with a path (`https://gateway/svc-a`) names one service of a host that may serve others, and every
 * request carries the credentials meant for that one. Redirects were followed anywhere on the base URL's origin,
 * so an upstream answering 307 to `/svc-b/...`, `/admin` or `/svc-a/%2e%2e/svc-b` had the server send the bearer
 * token there. A redirect out of the base path is now refused like one to another origin: the target is never
 * requested. One within it is still followed.
 */

const SPEC = `openapi: 3.0.3
info: { title: Redirects, version: "1" }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
security: [{ bearerAuth: [] }]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: rd
env:
  RD_URL: { type: url, description: "RD_URL." }
  RD_TOKEN: { secret: true, required: true, description: "RD_TOKEN." }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: RD_URL }
    auth: { bearerAuth: { token: { env: RD_TOKEN } } }
select: [{ all: true }]
`;

const TOKEN = "rd-token-5f0c2a91";

/** Where /svc-a/items/<id> redirects to. */
const REDIRECTS: Record<string, string> = {
  sibling: "/svc-b/steal",
  admin: "/admin",
  root: "/",
  prefix: "/svc-ab/steal",
  dots: "/svc-a/%2e%2e/svc-b/steal",
  absolute: "", // filled with the upstream's own origin + /svc-b/steal
  inside: "/svc-a/items/moved-here",
};

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const src = writeTree("redirect-base", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  upstream = await startRecordingServer((req, res) => {
    const id = /^\/svc-a\/items\/([a-z]+)$/.exec(req.path)?.[1];
    if (id !== undefined && Object.hasOwn(REDIRECTS, id)) {
      const to = REDIRECTS[id] || `${upstream.url}/svc-b/steal`;
      res.writeHead(307, { location: to });
      return res.end();
    }
    return sendJson(res, 200, { at: req.path });
  });
  served = await serveOverStdio(dir, { RD_URL: `${upstream.url}/svc-a`, RD_TOKEN: TOKEN });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

type Result = { isError?: boolean; content?: Array<{ text?: string }> };

describe("redirects stay under the base URL's path", () => {
  it.each(["sibling", "admin", "root", "prefix", "dots", "absolute"])(
    "a redirect to %s is refused; nothing outside /svc-a is requested",
    async (id) => {
      const before = upstream.received.length;
      const result = (await served.client.callTool({ name: "get_item", arguments: { id } })) as Result;
      expect(result.isError, JSON.stringify(result)).toBe(true);
      expect(result.content?.[0]?.text).toMatch(/redirected outside the base URL's path \(HTTP 307/);
      const sent = upstream.received.slice(before);
      expect(sent.map((r) => r.path)).toEqual([`/svc-a/items/${id}`]);
    },
  );

  it("a redirect within the base path is followed, with the credentials", async () => {
    const before = upstream.received.length;
    const result = (await served.client.callTool({
      name: "get_item",
      arguments: { id: "inside" },
    })) as Result;
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    const sent = upstream.received.slice(before);
    expect(sent.map((r) => r.path)).toEqual(["/svc-a/items/inside", "/svc-a/items/moved-here"]);
    expect(sent.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    // Nothing outside the base path ever saw the token.
    expect(upstream.received.filter((r) => !r.path.startsWith("/svc-a/"))).toEqual([]);
  });
});
