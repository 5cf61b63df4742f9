/**
 * Drives the generated ScaiVault server as an MCP host does: `toolwright serve scaivault` as a child process
 * over stdio, the v2 SDK client on the other end, the reference upstream on 127.0.0.1 behind it. Every call is
 * checked against what the upstream received, so a test reads as "tool result, then upstream effect".
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { expect } from "vitest";
import { parse } from "yaml";
import { untilOutput, type Wanted } from "../../helpers/events.js";
import { ROOT } from "../../helpers/paths.js";
import type { RecordedRequest, ScaivaultUpstream } from "../../upstreams/scaivault/index.js";

export const BIN = join(ROOT, "bin/toolwright.mjs");

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, any>;
  isError?: boolean;
}

/** Tool name -> the spec operation it is bound to, from the manifest (`from: vault#opId`). */
export const OPERATION_OF: ReadonlyMap<string, string> = new Map(
  Object.entries<{ from: string }>(
    parse(readFileSync(join(ROOT, "specs/scaivault/tools.yaml"), "utf8")).tools,
  ).map(([name, tool]) => [name, tool.from.replace(/^vault#/, "")]),
);

export const textOf = (result: ToolResult): string =>
  (result.content ?? []).map((c) => c.text ?? "").join("\n");

/** A preview a confirm-required tool answers with instead of executing (policy layer, when it is on). */
export function confirmationPreview(result: ToolResult): { confirmation_token: string } | undefined {
  if (!result.isError) return undefined;
  try {
    const body = JSON.parse(textOf(result));
    if (body?.confirmation_required === true && typeof body.confirmation_token === "string") return body;
  } catch {
    // Not JSON: an ordinary error, not a preview.
  }
  return undefined;
}

export interface Session {
  client: Client;
  /** Tools called through this session (successfully or not). */
  called: Set<string>;
  /** Every result the server sent, serialised, to check no credential ever leaves. */
  traffic: string[];
  /** stderr's chunks so far; a line the server is still writing may be unread: see waitForStderr. */
  stderr: string[];
  /** Resolves with stderr once it holds `wanted` (`count` times): stderr is its own pipe, read after stdout's answers. */
  waitForStderr(wanted: Wanted, count?: number): Promise<string>;
  /**
   * Calls a tool and checks the upstream side: a successful call made exactly one request, to the tool's
   * operation, answered 2xx. Returns the result and that request.
   */
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult & { request?: RecordedRequest }>;
  /** `call` that must succeed; returns structuredContent. */
  ok(name: string, args?: Record<string, unknown>): Promise<Record<string, any>>;
  /**
   * A destructive call: when the server answers with a confirmation preview, the preview must not have
   * reached the upstream, and the identical call is repeated with the token. Works with and without the
   * confirmation policy in place.
   */
  callConfirmed(name: string, args: Record<string, unknown>): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  upstream: ScaivaultUpstream;
  token: string;
  env?: Record<string, string>;
  label?: string;
}

export async function connect({
  upstream,
  token,
  env = {},
  label = "e2e",
}: ConnectOptions): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "serve", "scaivault"],
    env: {
      PATH: process.env.PATH ?? "",
      SCAIVAULT_URL: upstream.url,
      SCAIVAULT_TOKEN: token,
      ...env,
    },
    cwd: ROOT,
    stderr: "pipe",
  });
  const stderr: string[] = [];
  transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
  const client = new Client({ name: `scaivault-${label}`, version: "1.0.0" });
  await client.connect(transport);

  const called = new Set<string>();
  const traffic: string[] = [];

  const raw = async (name: string, args: Record<string, unknown>) => {
    const before = upstream.requests.length;
    const result = (await client.callTool({ name, arguments: args })) as ToolResult;
    traffic.push(JSON.stringify(result));
    called.add(name);
    return { result, requests: upstream.requests.slice(before) };
  };

  const session: Session = {
    client,
    called,
    traffic,
    stderr,
    waitForStderr: (wanted, count) => untilOutput(() => stderr.join(""), wanted, transport.stderr, count),
    async call(name, args = {}) {
      const { result, requests } = await raw(name, args);
      if (!result.isError) {
        expect(
          requests.map((r) => `${r.operationId} ${r.status}`),
          `${name}: one upstream request to its operation`,
        ).toEqual([`${OPERATION_OF.get(name)} ${requests[0]?.status}`]);
        expect(requests[0]!.status, `${name}: upstream status`).toBeLessThan(300);
      }
      return { ...result, ...(requests.length === 1 ? { request: requests[0]! } : {}) };
    },
    async ok(name, args = {}) {
      const result = await session.call(name, args);
      expect(result.isError, `${name} failed: ${textOf(result)}`).toBeFalsy();
      expect(result.structuredContent, `${name}: structuredContent`).toBeTypeOf("object");
      return result.structuredContent!;
    },
    async callConfirmed(name, args) {
      const { result, requests } = await raw(name, args);
      const preview = confirmationPreview(result);
      if (preview) {
        expect(requests, `${name}: a preview must not reach the upstream`).toEqual([]);
        return session.ok(name, { ...args, confirmation_token: preview.confirmation_token });
      }
      expect(result.isError, `${name} failed: ${textOf(result)}`).toBeFalsy();
      expect(requests.map((r) => r.operationId)).toEqual([OPERATION_OF.get(name)]);
      return result.structuredContent!;
    },
    close: () => client.close(),
  };
  return session;
}
