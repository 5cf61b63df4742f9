import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { genToDisk, writeTree } from "../helpers/generate.js";

/**
 * How long a confirmation's question waits for its answer, against how long the confirmation lives. The SDK's
 * legacy shim waited 600 s for the user's answer while the round's state (a token) expired after the catalog's
 * `ttl_seconds` (300 s by default, here 60): a user who answered "yes" after that was refused, and the question
 * stayed open long after no answer could count. Now the wait is the lifetime: at its end the question is
 * withdrawn (the client sees `notifications/cancelled`) and the call says so; an answer in the wait's last
 * moment still counts (the state outlives the wait). The clock is faked (timers and Date): no test waits.
 */

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items/{id}:
    delete:
      operationId: deleteItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "204": { description: deleted } }
`;

const TTL = 60;
const MANIFEST = `catalog: items
env:
  ITEMS_URL: { type: url, default: "http://items.test", description: "ITEMS_URL." }
policy:
  confirmation: { ttl_seconds: ${TTL} }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: ITEMS_URL } }
select: [{ all: true }]
tools:
  delete_item: { from: deleteItem }
`;

let catalog: LoadedCatalog;
const sent: string[] = [];
const audited: Array<Record<string, unknown>> = [];
const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  sent.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
  return new Response(null, { status: 204 });
}) as typeof fetch;

beforeAll(async () => {
  const src = writeTree("confirm-wait", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  catalog = await loadCatalog(dir);
});

afterEach(() => {
  vi.useRealTimers();
  sent.length = 0;
  audited.length = 0;
});

/** A legacy connection whose client answers the question when `answer` is settled; `asked` settles when asked. */
async function connect() {
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, {}), {
    fetch: fakeFetch,
    policy: { audit: (line: string) => audited.push(JSON.parse(line)) },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client(
    { name: "confirm-wait", version: "1.0.0" },
    { capabilities: { elicitation: {} } },
  );
  let asked!: (signal: AbortSignal) => void;
  const wasAsked = new Promise<AbortSignal>((resolve) => {
    asked = resolve;
  });
  let answer!: (value: Record<string, unknown>) => void;
  const answered = new Promise<Record<string, unknown>>((resolve) => {
    answer = resolve;
  });
  client.setRequestHandler("elicitation/create", async (_request, ctx) => {
    asked(ctx.mcpReq.signal);
    return (await answered) as never;
  });
  await client.connect(clientSide);
  // The client's own wait is not what is tested: far beyond the server's.
  const call = client.callTool({ name: "delete_item", arguments: { id: "a" } }, { timeout: 3_600_000 });
  return { call, wasAsked, answer };
}

const text = (result: { content?: unknown }) =>
  (result.content as Array<{ text?: string }>).map((c) => c.text).join("\n");

describe("a confirmation's question waits as long as the confirmation lives", () => {
  it("at the end of the lifetime the question is withdrawn and nothing runs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_800_000_000_999 });
    const { call, wasAsked, answer } = await connect();
    const signal = await wasAsked;
    await vi.advanceTimersByTimeAsync(TTL * 1000 - 1);
    expect(signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    // Before: still asking after 60 s (the wait was 600 s), for an answer that could only be refused.
    expect(signal.aborted).toBe(true);
    answer({ action: "accept", content: { confirm: true } });
    const result = await call;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(
      "not confirmed: the user did not answer within the confirmation's lifetime, and the question was withdrawn; nothing was changed.",
    );
    expect(sent).toEqual([]);
    // Before: the call ended in an error outside the chain, and the audit log's last word was the question.
    expect(audited.map((r) => [r.decision, r.reason])).toEqual([
      ["refused", "elicitation requested"],
      ["refused", "elicitation unanswered"],
    ]);
  });

  it("an accept in the wait's last millisecond runs the call, once", async () => {
    // Issued at a second's last millisecond: the state's expiry was rounded down to the second, so it died up to a
    // second before the wait ended, and an answer in that second was refused as expired.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: 1_800_000_000_999 });
    const { call, wasAsked, answer } = await connect();
    const signal = await wasAsked;
    await vi.advanceTimersByTimeAsync(TTL * 1000 - 1);
    expect(signal.aborted).toBe(false);
    answer({ action: "accept", content: { confirm: true } });
    const result = await call;
    expect(result.isError, text(result)).toBeFalsy();
    expect(sent).toEqual(["DELETE /items/a"]);
  });
});
