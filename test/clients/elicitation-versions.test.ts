import { Client, SSEClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { BIN, textJson } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { generatedFixture, itemsManifest } from "../helpers/served-fixture.js";
import { type Served, serveHttp } from "../transport/serve-http.js";

/**
 * A confirmation is asked in the words of the protocol revision the client negotiated. Elicitation came with
 * 2025-06-18 (`message` and `requestedSchema`); 2025-11-25 added `mode`. The SDK's legacy shim wrote
 * `mode: "form"` to every 2025-era client, and asked clients of 2025-03-26 and 2024-11-05 (which have no
 * elicitation at all) too, when they declared an `elicitation` capability. Each revision now gets only what it
 * defines: the request without `mode` at 2025-06-18, with it at 2025-11-25, and before 2025-06-18 no request at
 * all but the preview with its token. Over stdio and over HTTP+SSE (the two transports whose connection negotiates
 * a revision at `initialize` and carries `elicitation/create`; stateless Streamable HTTP has neither, and a
 * 2026-07-28 client is asked in its `input_required` round: test/transport/http-replicas.test.ts).
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

const items = generatedFixture(
  "elicitation-versions",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": itemsManifest("  delete_item: { from: deleteItem }") },
  (_req, res) => sendJson(res, 204, {}),
);
let http: Served | undefined;
const CLIENT_KEY = "elicitation-versions-key-3b9d";

afterAll(async () => {
  if (http) expect(await http.stop()).toBe(0);
});

interface Wire {
  method?: string;
  params?: Record<string, unknown>;
}

/** The legacy HTTP+SSE endpoint of one server for the HTTP cases (a session per client, like stdio's). */
async function sseEndpoint(): Promise<URL> {
  http ??= await serveHttp(
    items.dir(),
    { ITEMS_URL: items.upstream().url, TOOLWRIGHT_CLIENT_KEY: CLIENT_KEY },
    { args: ["--http", "--sse", "--port", "0"] },
  );
  return new URL("/sse", http.origin);
}

/**
 * The v2 SDK client held to one protocol revision, declaring `elicitation: {}`, over stdio or HTTP+SSE; every
 * message it received.
 */
async function clientAt(version: string, over: "stdio" | "sse") {
  const transport =
    over === "sse"
      ? new SSEClientTransport(await sseEndpoint(), {
          requestInit: { headers: { authorization: `Bearer ${CLIENT_KEY}` } },
        })
      : new StdioClientTransport({
          command: process.execPath,
          args: [BIN, "serve", items.dir()],
          cwd: ROOT,
          env: childEnv({ ITEMS_URL: items.upstream().url }),
          stderr: "pipe",
        });
  const client = new Client(
    { name: "elicitation-versions", version: "1.0.0" },
    { capabilities: { elicitation: {} }, supportedProtocolVersions: [version] },
  );
  const received: Wire[] = [];
  const asked: Record<string, unknown>[] = [];
  client.setRequestHandler("elicitation/create", async (request) => {
    asked.push(request.params as Record<string, unknown>);
    return { action: "accept", content: { confirm: true } } as never;
  });
  await client.connect(transport);
  const deliver = transport.onmessage;
  transport.onmessage = (message) => {
    received.push(message as Wire);
    deliver?.(message);
  };
  expect(client.getNegotiatedProtocolVersion()).toBe(version);
  return { client, received, asked };
}

const sentFor = (id: string) =>
  items
    .upstream()
    .received.filter((r) => r.url === `/items/${id}`)
    .map((r) => `${r.method} ${r.url}`);

describe("elicitation in each revision's words", () => {
  it.each([
    ["2025-11-25", true, "stdio"],
    ["2025-06-18", false, "stdio"],
    ["2025-11-25", true, "sse"],
    ["2025-06-18", false, "sse"],
  ] as const)(
    "at %s the question is asked, with mode: %s (over %s); accept runs the call once",
    async (version, withMode, over) => {
      const { client, received, asked } = await clientAt(version, over);
      try {
        const id = `v${version}-${over}`;
        const result = await client.callTool({ name: "delete_item", arguments: { id } });
        expect(result.isError, JSON.stringify(result)).toBeFalsy();
        const requests = received.filter((m) => m.method === "elicitation/create");
        expect(requests).toHaveLength(1);
        const params = requests[0]!.params!;
        expect("mode" in params).toBe(withMode);
        if (withMode) expect(params.mode).toBe("form");
        expect(String(params.message)).toContain("DELETE /items/");
        expect(params.requestedSchema).toMatchObject({ type: "object", required: ["confirm"] });
        expect(asked).toHaveLength(1);
        expect(sentFor(id)).toEqual([`DELETE /items/${id}`]);
      } finally {
        await client.close();
      }
    },
  );

  it.each([
    ["2025-03-26", "stdio"],
    ["2024-11-05", "stdio"],
    ["2025-03-26", "sse"],
    ["2024-11-05", "sse"],
  ] as const)(
    "at %s (no elicitation in the revision) the preview and its token, never a request (over %s)",
    async (version, over) => {
      const { client, received, asked } = await clientAt(version, over);
      try {
        const id = `v${version}-${over}`;
        const result = await client.callTool({ name: "delete_item", arguments: { id } });
        expect(result.isError).toBe(true);
        const preview = textJson(result);
        expect(preview.confirmation_required).toBe(true);
        expect(received.filter((m) => m.method === "elicitation/create")).toEqual([]);
        expect(asked).toEqual([]);
        expect(sentFor(id)).toEqual([]);
        const again = await client.callTool({
          name: "delete_item",
          arguments: { id, confirmation_token: preview.confirmation_token },
        });
        expect(again.isError, JSON.stringify(again)).toBeFalsy();
        expect(sentFor(id)).toEqual([`DELETE /items/${id}`]);
      } finally {
        await client.close();
      }
    },
  );
});

describe("two questions at once", () => {
  it.each(["stdio", "sse"] as const)(
    "over %s, for the same tool with other arguments, answered in the other order: each answer decides its own call",
    async (over) => {
      const { client } = await clientAt("2025-11-25", over);
      try {
        const answers = new Map<string, (answer: Record<string, unknown>) => void>();
        let bothAsked!: () => void;
        const asked = new Promise<void>((resolve) => {
          bothAsked = resolve;
        });
        client.setRequestHandler("elicitation/create", async (request) => {
          const id = /DELETE \/items\/([^.\s]+)\./.exec(String(request.params.message))![1]!;
          return new Promise((resolve) => {
            answers.set(id, resolve);
            if (answers.size === 2) bothAsked();
          }) as never;
        });
        const yes = `both-yes-${over}`;
        const no = `both-no-${over}`;
        const calls = [yes, no].map((id) => client.callTool({ name: "delete_item", arguments: { id } }));
        await asked;
        answers.get(no)!({ action: "decline" });
        answers.get(yes)!({ action: "accept", content: { confirm: true } });
        const [ran, refused] = await Promise.all(calls);
        expect(ran!.isError, JSON.stringify(ran)).toBeFalsy();
        expect(refused!.isError).toBe(true);
        expect(JSON.stringify(refused!.content)).toContain("not confirmed: the user declined");
        expect(sentFor(yes)).toEqual([`DELETE /items/${yes}`]);
        expect(sentFor(no)).toEqual([]);
      } finally {
        await client.close();
      }
    },
  );
});
