import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Stream } from "node:stream";
import { Client as ClientV2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as StdioV2 } from "@modelcontextprotocol/client/stdio";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { closed, outputEnded, untilOutput, type Wanted } from "../helpers/events.js";
import { ROOT } from "../helpers/paths.js";
import type { ScaivaultUpstream } from "../upstreams/scaivault/index.js";

/**
 * The auditor's harness: `toolwright serve scaivault` as a host runs it (a child process over stdio), in front of
 * the ScaiVault reference upstream on 127.0.0.1, driven by the v2 client (either protocol era) or the legacy v1
 * client. Everything the server says (MCP results and errors, stderr, the audit file) is kept, so a test can
 * check that nothing it must not say ever left the process.
 */

export const BIN = join(ROOT, "bin/toolwright.mjs");

export type ClientKind = "v2" | "v2-modern" | "v1";

export interface Result {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, any>;
  isError?: boolean;
}

/** What a client's elicitation handler answers (`action` accept|decline|cancel, `content`). */
export type ElicitAnswer = { action: "accept" | "decline" | "cancel"; content?: Record<string, unknown> };

export interface ServeOptions {
  upstream: ScaivaultUpstream;
  /** Upstream bearer token (default: the admin token). */
  token?: string;
  env?: Record<string, string>;
  client?: ClientKind;
  /** A command the server runs under, e.g. `["prlimit", "--fsize=65536"]` (node and its arguments follow). */
  prefix?: string[];
  /** Declares form elicitation and answers each request with this. */
  elicit?: (params: { message?: string; requestedSchema?: unknown }) => ElicitAnswer;
}

export interface Served {
  call(name: string, args?: Record<string, unknown>): Promise<Result>;
  /** A raw JSON-RPC request (errors come back as rejections). */
  listTools(): Promise<Array<{ name: string; outputSchema?: unknown }>>;
  readResource(uri: string): Promise<{ contents: Array<Record<string, unknown>> }>;
  /** Every result and error the server sent, serialised. */
  traffic: string[];
  /** stderr so far; a line the server is still writing may be unread: assert on a present line via waitForStderr. */
  stderr(): string;
  /** Resolves with stderr once it holds `wanted` (`count` times): stderr is its own pipe, read after stdout's answers. */
  waitForStderr(wanted: Wanted, count?: number): Promise<string>;
  /**
   * Closes the session and resolves with the whole of stderr once it has ended: for checks that something was
   * NOT written (before the end, a line the server wrote may not have been read yet).
   */
  stderrAtExit(): Promise<string>;
  /** Lines of the audit file (the harness points SCAIVAULT_AUDIT_FILE at a temp file unless env sets it). */
  audit(): Array<Record<string, any>>;
  auditText(): string;
  /** The server's process id (the command's under `prefix`, which execs node). */
  pid: number | undefined;
  close(): Promise<void>;
}

export function baseEnv(upstream: ScaivaultUpstream, token: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: mkdtempSync(join(tmpdir(), "tw-sec-home-")),
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: token,
  };
}

export async function serve(options: ServeOptions): Promise<Served> {
  const token = options.token ?? options.upstream.tokens.admin;
  const auditFile = join(mkdtempSync(join(tmpdir(), "tw-sec-audit-")), "audit.jsonl");
  const env = { ...baseEnv(options.upstream, token), SCAIVAULT_AUDIT_FILE: auditFile, ...options.env };
  const kind = options.client ?? "v2";
  const stderr: string[] = [];
  const traffic: string[] = [];
  const capabilities = options.elicit ? { elicitation: { form: {} } } : {};
  const params = {
    command: options.prefix?.[0] ?? process.execPath,
    args: [
      ...(options.prefix ? [...options.prefix.slice(1), process.execPath] : []),
      BIN,
      "serve",
      "scaivault",
    ],
    env,
    cwd: ROOT,
    stderr: "pipe" as const,
  };

  let pid: number | undefined;
  let stderrStream: Stream | null = null;
  let client: {
    callTool(p: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
    listTools(): Promise<{ tools: Array<{ name: string; outputSchema?: unknown }> }>;
    readResource(p: { uri: string }): Promise<unknown>;
    close(): Promise<void>;
  };
  if (kind === "v1") {
    const transport = new StdioV1(params);
    transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
    stderrStream = transport.stderr;
    const v1 = new ClientV1({ name: "security-v1", version: "1.0.0" }, { capabilities });
    if (options.elicit) {
      const answer = options.elicit;
      v1.setRequestHandler(ElicitRequestSchema, async (request) => answer(request.params as never) as never);
    }
    await v1.connect(transport);
    pid = transport.pid ?? undefined;
    client = v1 as unknown as typeof client;
  } else {
    const transport = new StdioV2(params);
    transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
    stderrStream = transport.stderr;
    const v2 = new ClientV2(
      { name: `security-${kind}`, version: "1.0.0" },
      { capabilities, ...(kind === "v2-modern" ? { versionNegotiation: { mode: "auto" as const } } : {}) },
    );
    if (options.elicit) {
      const answer = options.elicit;
      v2.setRequestHandler("elicitation/create", async (request) => answer(request.params as never) as never);
    }
    await v2.connect(transport);
    pid = transport.pid ?? undefined;
    if (kind === "v2-modern" && v2.getNegotiatedProtocolVersion() !== "2026-07-28") {
      throw new Error(`expected the 2026-07-28 era, got ${v2.getNegotiatedProtocolVersion()}`);
    }
    client = v2 as unknown as typeof client;
  }

  const record = async <T>(work: Promise<T>): Promise<T> => {
    try {
      const value = await work;
      traffic.push(JSON.stringify(value));
      return value;
    } catch (error) {
      traffic.push(JSON.stringify({ error: String(error), ...(error as object) }));
      throw error;
    }
  };
  // Ordered after an answer: the audit step writes a call's line (writeSync, src/policy/audit.ts) before it answers.
  const auditText = () => {
    try {
      return readFileSync(env.SCAIVAULT_AUDIT_FILE ?? auditFile, "utf8");
    } catch {
      return "";
    }
  };
  // Once: a test that read stderr at exit still closes the server in its afterAll.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= client.close();
    return closing;
  };
  return {
    call: (name, args = {}) => record(client.callTool({ name, arguments: args }) as Promise<Result>),
    listTools: async () => (await record(client.listTools())).tools,
    readResource: (uri) =>
      record(client.readResource({ uri }) as Promise<{ contents: Array<Record<string, unknown>> }>),
    traffic,
    stderr: () => stderr.join(""),
    waitForStderr: (wanted, count) => untilOutput(() => stderr.join(""), wanted, stderrStream, count),
    auditText,
    audit: () =>
      auditText()
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line)),
    pid,
    stderrAtExit: async () => {
      const ended = outputEnded(stderrStream);
      await close();
      await ended;
      return stderr.join("");
    },
    close,
  };
}

export const textOf = (result: Result): string => (result.content ?? []).map((c) => c.text ?? "").join("\n");

/** A server process with raw pipes, for lifecycle checks (malformed lines, stdin EOF, startup failures). */
export function spawnRaw(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, [BIN, "serve", "scaivault"], {
    cwd: ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on("data", (chunk) => out.push(String(chunk)));
  child.stderr!.on("data", (chunk) => err.push(String(chunk)));
  // 'close', not 'exit': once it resolves, everything the server wrote to stdout and stderr has been read.
  const exited = closed(child).then(([code]) => code);
  // A write to a server that has died fails (EPIPE); the test's wait on its output reports that, with stderr.
  child.stdin!.on("error", () => {});
  const send = (message: unknown) => child.stdin!.write(`${JSON.stringify(message)}\n`);
  return { child, out, err, exited, send };
}

/** The raw MCP handshake on a `spawnRaw` server: initialize (id 1), then the initialized notification. */
export function handshake(run: ReturnType<typeof spawnRaw>): void {
  run.send({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
  run.send({ jsonrpc: "2.0", method: "notifications/initialized" });
}

/** A preview's JSON, when the result is one. */
export function previewOf(result: Result): Record<string, any> | undefined {
  if (!result.isError) return undefined;
  try {
    const body = JSON.parse(textOf(result));
    return body?.confirmation_required === true ? body : undefined;
  } catch {
    return undefined;
  }
}
