/**
 * Drives the generated Scaly server as an MCP host does: `toolwright serve scaly` as a child process over stdio,
 * the v2 SDK client on the other end, the Scaly reference upstream on 127.0.0.1 behind it. The session token
 * lives in an auth store file (as `scaly auth login` leaves it), so tests can rewrite or remove it mid-run.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { expect } from "vitest";
import { ROOT } from "../../helpers/paths.js";
import type { RecordedRequest, ScalyUpstream } from "../../upstreams/scaly/index.js";

export const BIN = join(ROOT, "bin/toolwright.mjs");

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, any>;
  isError?: boolean;
}

/** The success-data envelope every Scaly tool answers with (the whole text block, JSON only). */
export interface Envelope {
  success: boolean;
  data?: any;
  error?: { message: string; code: string; details?: any };
  meta: {
    tool: string;
    called_as?: string;
    correlation_id: string;
    upstream_status?: number;
    duration_ms: number;
  };
}

export const textOf = (result: ToolResult): string =>
  (result.content ?? []).map((c) => c.text ?? "").join("\n");

export function envelopeOf(result: ToolResult): Envelope {
  expect(result.content, "one text block").toHaveLength(1);
  return JSON.parse(textOf(result)) as Envelope;
}

/** A temporary home, project folder (the server's working directory) and auth store for one test file. */
export interface Workspace {
  home: string;
  project: string;
  authStore: string;
  auditFile: string;
  /** Writes the auth store as `scaly auth login` would. */
  writeToken(token: string, extra?: Record<string, unknown>): void;
  removeToken(): void;
  audit(): string;
  cleanup(): void;
}

export function workspace(label: string): Workspace {
  const home = mkdtempSync(join(tmpdir(), `tw-scaly-${label}-`));
  const project = join(home, "project");
  mkdirSync(project);
  const authStore = join(home, ".config/scaly/auth.json");
  mkdirSync(join(home, ".config/scaly"), { recursive: true });
  const auditFile = join(home, "audit.jsonl");
  return {
    home,
    project,
    authStore,
    auditFile,
    writeToken(token, extra = {}) {
      writeFileSync(authStore, JSON.stringify({ session_token: token, ...extra }), { mode: 0o600 });
    },
    removeToken() {
      rmSync(authStore, { force: true });
    },
    // Ordered after an answer: the audit step writes a call's line (writeSync, src/policy/audit.ts) before it answers.
    audit() {
      try {
        return readFileSync(auditFile, "utf8");
      } catch {
        return "";
      }
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface Session {
  client: Client;
  /** Tool names (and aliases) called through this session. */
  called: Set<string>;
  /** Every result text, to check that no credential ever leaves. */
  traffic: string[];
  stderr: string[];
  /** Calls a tool; returns the raw result, its envelope, and the upstream requests it caused. */
  call(
    name: string,
    args?: Record<string, unknown>,
    options?: {
      onprogress?: (p: { progress: number; total?: number; message?: string }) => void;
      signal?: AbortSignal;
    },
  ): Promise<{ result: ToolResult; env: Envelope; requests: RecordedRequest[] }>;
  /** `call` that must succeed; returns the envelope's data. */
  ok(name: string, args?: Record<string, unknown>): Promise<any>;
  /** `call` that must fail; returns the envelope's error (and data, if any). */
  fails(
    name: string,
    args?: Record<string, unknown>,
  ): Promise<{ error: NonNullable<Envelope["error"]>; data?: any; requests: RecordedRequest[] }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  upstream: ScalyUpstream;
  ws: Workspace;
  env?: Record<string, string>;
  label?: string;
}

/** The environment an MCP host would give the server (Claude Desktop / Codex config), pointed at the upstream. */
export function serverEnv(upstream: ScalyUpstream, ws: Workspace, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? "",
    HOME: ws.home,
    SCALY_API_URL: upstream.url,
    SCALY_API_KEY: upstream.keys.apiKey,
    SCALY_APPSYNC_KEY: upstream.keys.appsyncKey,
    SCALY_MCP_AUDIT_FILE: ws.auditFile,
    ...extra,
  };
}

/**
 * The client's bound on one call (the SDK's default is 60 s): the first data-plane call starts the upstream's
 * Postgres, which takes tens of seconds on a busy machine. A failure bound only.
 */
const CALL_BOUND = 240_000;

export async function connect({ upstream, ws, env = {}, label = "e2e" }: ConnectOptions): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "serve", "scaly"],
    env: serverEnv(upstream, ws, env),
    cwd: ws.project,
    stderr: "pipe",
  });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
  const client = new Client({ name: `scaly-${label}`, version: "1.0.0" });
  await client.connect(transport);
  const called = new Set<string>();
  const traffic: string[] = [];

  const session: Session = {
    client,
    called,
    traffic,
    stderr,
    async call(name, args = {}, options = {}) {
      const before = upstream.requests.length;
      const result = (await client.callTool(
        { name, arguments: args },
        { timeout: CALL_BOUND, ...options },
      )) as ToolResult;
      traffic.push(JSON.stringify(result));
      called.add(name);
      return { result, env: envelopeOf(result), requests: upstream.requests.slice(before) };
    },
    async ok(name, args = {}) {
      const { result, env } = await session.call(name, args);
      expect(env.success, `${name} failed: ${textOf(result)}`).toBe(true);
      expect(result.isError, name).toBeFalsy();
      expect(env.meta.tool).toBeTypeOf("string");
      return env.data;
    },
    async fails(name, args = {}) {
      const { result, env, requests } = await session.call(name, args);
      expect(env.success, `${name} should have failed: ${textOf(result)}`).toBe(false);
      expect(result.isError).toBe(true);
      return { error: env.error!, ...(env.data !== undefined ? { data: env.data } : {}), requests };
    },
    close: () => client.close(),
  };
  return session;
}

/** GraphQL requests among `requests`, as `operationName` strings. */
export const graphqlOps = (requests: RecordedRequest[]) =>
  requests.filter((r) => r.path === "/graphql").map((r) => r.operationName);

export const isMutation = (r: RecordedRequest) =>
  r.path === "/graphql" &&
  /^\s*mutation\b/.test(String((r.body.parsed as { query?: string } | undefined)?.query ?? ""));

export { SEED_ALIASES, SEED_TOOLS } from "../../upstreams/scaly/seed-tools.js";
