import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// Continue's CLI (`cn`, @continuedev/cli 1.5.47), a coding-agent host with an MCP client of its own, run headless
// (`cn -p`) with the generated ScaiVault server as its MCP server over stdio and, as its model, a stand-in for the
// Chat Completions API on 127.0.0.1 that records what the host sends and answers with one scripted tool call.
// cn builds each MCP tool's parameters as `{ type: "object", properties, required }` from the input schema, so
// `$defs` is dropped and every `$ref` into it points at nothing: a model API refuses such a request. The `inline`
// schema profile, the default, publishes input schemas without `$defs`; the `refs` profile keeps them.

const CN = join(ROOT, "node_modules/@continuedev/cli/dist/cn.js");
const BIN = join(ROOT, "bin/toolwright.mjs");
const DIR = join(ROOT, "test/.tmp/clients-continue");
const TOOLS = 67;

interface ChatRequest {
  stream?: boolean;
  tools?: Array<{ function: { name: string; parameters: Record<string, unknown> } }>;
  messages: Array<{ role: string; content?: unknown; tool_call_id?: string }>;
}

let up: ScaivaultUpstream;
let model: RecordingServer;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  up = await startScaivaultUpstream();
  // The first turn of each conversation calls read_secret; the turn after the tool's result ends with text.
  model = await startRecordingServer((req, res) => {
    if (!req.path.endsWith("/chat/completions"))
      return sendJson(res, 404, { error: { message: "no such route" } });
    const body = JSON.parse(req.body.toString()) as ChatRequest;
    const answered = body.messages.some((m) => m.role === "tool");
    const delta = answered
      ? { role: "assistant", content: "done" }
      : {
          role: "assistant",
          tool_calls: [
            {
              index: 0,
              id: "call_read",
              type: "function",
              function: {
                name: "scaivault_read_secret",
                arguments: JSON.stringify({ path: up.seed.secrets.stripe }),
              },
            },
          ],
        };
    const finish = answered ? "stop" : "tool_calls";
    if (!body.stream) {
      return sendJson(res, 200, {
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "stand-in",
        choices: [{ index: 0, message: { content: null, ...delta }, finish_reason: finish }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    const chunk = (d: object, finish_reason: string | null) =>
      `data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "stand-in", choices: [{ index: 0, delta: d, finish_reason }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`${chunk(delta, null)}${chunk({}, finish)}data: [DONE]\n\n`);
  });
}, 120_000);
afterAll(async () => {
  await model?.close();
  await up?.close();
});

/**
 * One headless `cn -p` run with ScaiVault served in `profile` (none: `serve` without `--schema-profile`); the model
 * requests it made, in order.
 */
async function runContinue(chosen: string | undefined): Promise<ChatRequest[]> {
  const profile = chosen ?? "unchosen";
  const home = join(DIR, profile);
  mkdirSync(home, { recursive: true });
  const config = join(home, "config.yaml");
  // YAML is a superset of JSON.
  writeFileSync(
    config,
    JSON.stringify({
      name: `toolwright-${profile}`,
      version: "0.0.1",
      schema: "v1",
      models: [
        {
          name: "stand-in",
          provider: "openai",
          model: "gpt-4o",
          apiBase: `${model.url}/v1`,
          apiKey: "sk-stand-in",
          roles: ["chat"],
        },
      ],
      mcpServers: [
        {
          name: "scaivault",
          command: process.execPath,
          args: [BIN, "serve", "scaivault", ...(chosen ? ["--schema-profile", chosen] : [])],
          cwd: ROOT,
          env: { ...childEnv(), SCAIVAULT_URL: up.url, SCAIVAULT_TOKEN: up.tokens.admin },
        },
      ],
    }),
  );
  const before = model.received.length;
  await promisify(execFile)(
    process.execPath,
    [CN, "-p", `read the stripe key (${profile})`, "--config", config, "--auto"],
    {
      cwd: home,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        CONTINUE_GLOBAL_DIR: join(home, ".continue"),
        CONTINUE_CLI_ENABLE_TELEMETRY: "0",
        XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? join(home, "state"),
      },
    },
  );
  return model.received
    .slice(before)
    .filter((r) => r.path.endsWith("/chat/completions"))
    .map((r) => JSON.parse(r.body.toString()) as ChatRequest)
    .filter((r) => r.messages.some((m) => JSON.stringify(m.content ?? "").includes(`(${profile})`)));
}

/** The ScaiVault tools cn offered the model whose parameters refer to a `$defs` they do not carry. */
function dangling(request: ChatRequest): string[] {
  return (request.tools ?? [])
    .filter((t) => t.function.name.startsWith("scaivault_"))
    .filter(
      (t) =>
        JSON.stringify(t.function.parameters).includes('"$ref":"#/$defs/') &&
        !("$defs" in t.function.parameters),
    )
    .map((t) => t.function.name);
}

describe.concurrent("Continue CLI (cn 1.5.47) headless, ScaiVault over stdio", () => {
  it("refs profile: cn drops $defs, so every tool it offers the model has references to nothing", async () => {
    const [first] = await runContinue("refs");
    expect(first?.tools?.filter((t) => t.function.name.startsWith("scaivault_"))).toHaveLength(TOOLS);
    expect(dangling(first!)).toHaveLength(TOOLS);
  });

  it("the default (inline) profile: every tool self-contained; the call runs and its result reaches the model", async () => {
    const requests = await runContinue(undefined);
    const [first] = requests;
    const offered = (first?.tools ?? []).filter((t) => t.function.name.startsWith("scaivault_"));
    expect(offered).toHaveLength(TOOLS);
    for (const tool of offered)
      expect(JSON.stringify(tool.function.parameters), tool.function.name).not.toContain('"$ref"');
    const result = requests.at(-1)!.messages.find((m) => m.role === "tool" && m.tool_call_id === "call_read");
    // cn gives the model the MCP content blocks as JSON text.
    expect(String(result?.content)).toContain(`\\"path\\":\\"${up.seed.secrets.stripe}\\"`);
    expect(up.requests.map((r) => `${r.method} ${r.url}`)).toContain(
      `GET /v1/secrets/${up.seed.secrets.stripe}`,
    );
  });
});
