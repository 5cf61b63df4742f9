import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A hand-written handler and numbers a double does not hold: an integer beyond 2^53 reaches it as a bigint, in
 * its arguments and in what `ctx.call` returns; a bigint it returns or passes to `ctx.call` goes on as that JSON
 * number, digit for digit; a decimal with more digits than a double keeps stays the exact number (raw JSON).
 * Served over stdio to a real MCP client, in front of a real upstream on 127.0.0.1 whose received bytes are read.
 */

const SPEC = `openapi: 3.0.3
info: { title: Ids, version: "1" }
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{ name: id, in: path, required: true, schema: { type: integer, format: int64 } }]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  id: { type: integer, format: int64 }
                  parent: { type: integer, format: int64 }
                  price: { type: number }
                  name: { type: string }
`;

const HANDLER = `import type { CustomHandler } from "toolwright/catalog";
const handler: CustomHandler = async (args, ctx) => {
  const first = await ctx.call("get_item", { id: args.id });
  if (!first.ok) return { data: null, error: first.error };
  const item = first.data as { id: bigint; parent: bigint; price: unknown; name: string };
  // The parent's id, a bigint, passed straight back to ctx.call.
  const parent = await ctx.call("get_item", { id: item.parent });
  if (!parent.ok) return { data: null, error: parent.error };
  return {
    data: {
      argument: typeof args.id,
      id: typeof item.id,
      next: typeof item.id === "bigint" ? item.id + 1n : item.id + 1,
      parent: (parent.data as { id: bigint }).id,
      parentText: String(item.parent),
      priceIsRaw: (JSON as unknown as { isRawJSON(v: unknown): boolean }).isRawJSON(item.price),
      price: item.price,
      small: 1n,
    },
  };
};
export default handler;
`;

const MANIFEST = `catalog: ids
server: { name: ids }
env:
  IDS_URL: { type: url, description: Base URL. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: IDS_URL }
tools:
  get_item:
    from: api#getItem
  item_next:
    handler: ./handlers/next.ts
    safety: read
    description: The item after an item, and its parent, through get_item.
    input:
      type: object
      required: [id]
      properties:
        id: { type: integer, format: int64, description: The item's id. }
`;

const ID = "1790000000000000001";
const PARENT = "1790000000000000777";
const PRICE = "0.1000000000000000055511151231257827";

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const dir = writeTree("exact-handlers", {
    "tools.yaml": MANIFEST,
    "api.yaml": SPEC,
    "handlers/next.ts": HANDLER,
  });
  const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
  upstream = await startRecordingServer((req, res) => {
    const id = req.path.split("/").at(-1);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(`{"id":${id},"parent":${PARENT},"price":${PRICE},"name":"n"}`);
  });
  served = await serveOverStdio(out, { IDS_URL: upstream.url });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

describe("a hand-written handler and 64-bit integers", () => {
  it("gets bigints, and its bigints reach the upstream and the model as exact JSON numbers", async () => {
    const result = await served.client.callTool({ name: "item_next", arguments: { id: ID } });
    const text = (result.content as { text: string }[])[0]!.text;
    expect(result.isError ?? false, text).toBe(false);
    expect(text).toBe(
      `{"argument":"bigint","id":"bigint","next":1790000000000000002,"parent":${PARENT},"parentText":"${PARENT}","priceIsRaw":true,"price":${PRICE},"small":1}`,
    );
    expect(upstream.received.map((r) => r.url)).toEqual([`/items/${ID}`, `/items/${PARENT}`]);
  });

  it("a small id stays a number for the handler", async () => {
    const result = await served.client.callTool({ name: "item_next", arguments: { id: 5 } });
    const text = (result.content as { text: string }[])[0]!.text;
    expect(JSON.parse(text)).toMatchObject({ argument: "number", id: "number", next: 6 });
    expect(upstream.received.at(-2)?.url).toBe("/items/5");
  });
});
