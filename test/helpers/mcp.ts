import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { childEnv } from "./child-env.js";
import { outputEnded, untilOutput, type Wanted } from "./events.js";
import { ROOT } from "./paths.js";
import type { Received } from "./recording-server.js";

export const BIN = join(ROOT, "bin/toolwright.mjs");

export interface Served {
  client: Client;
  /** stderr so far; a line the server is still writing may be unread: assert on a present line via waitForStderr. */
  stderr: () => string;
  /** Resolves with stderr once it holds `wanted` (`count` times): stderr is its own pipe, read after stdout's answers. */
  waitForStderr(wanted: Wanted, count?: number): Promise<string>;
  /**
   * Closes the session and resolves with the whole of stderr once it has ended: for checks that something was
   * NOT written (before the end, a line the server wrote may not have been read yet).
   */
  stderrAtExit(): Promise<string>;
  close(): Promise<void>;
}

/** `toolwright serve <catalog>` as a host runs it: a child process over stdio, driven by the v2 SDK client. */
export async function serveOverStdio(
  catalog: string,
  env: Record<string, string>,
  capabilities = {},
  extraArgs: string[] = [],
  /** A failure bound for starting (the SDK's default is 60 s; a big catalog on a busy machine needs more). */
  connectTimeoutMs?: number,
): Promise<Served> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "serve", catalog, ...extraArgs],
    cwd: ROOT,
    env: childEnv(env),
    stderr: "pipe",
  });
  let err = "";
  transport.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const client = new Client({ name: "toolwright-test", version: "1.0.0" }, { capabilities });
  await client.connect(transport, connectTimeoutMs ? { timeout: connectTimeoutMs } : undefined);
  // Once: a test that read stderr at exit still closes the server in its afterAll.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= client.close();
    return closing;
  };
  return {
    client,
    stderr: () => err,
    waitForStderr: (wanted, count) => untilOutput(() => err, wanted, transport.stderr, count),
    stderrAtExit: async () => {
      const ended = outputEnded(transport.stderr);
      await close();
      await ended;
      return err;
    },
    close,
  };
}

/** A tool result as the tests read it: whether it is an error, and its text blocks. */
export type ToolResult = { isError?: boolean; content?: Array<{ text?: string }> };

/** Calls a tool; returns its result and the requests `upstream` received while it ran (none if refused first). */
export async function callRecorded(
  client: Client,
  upstream: { received: Received[] },
  name: string,
  args: Record<string, unknown>,
): Promise<{ result: ToolResult; sent: Received[] }> {
  const before = upstream.received.length;
  const result = (await client.callTool({ name, arguments: args })) as ToolResult;
  return { result, sent: upstream.received.slice(before) };
}

/** The JSON object in a tool result's first text block. */
export function textJson(result: { content?: unknown }): any {
  const block = (result.content as { type: string; text?: string }[] | undefined)?.find(
    (c) => c.type === "text",
  );
  return JSON.parse(block?.text ?? "null");
}

/**
 * Calls a tool; when it answers with a confirmation preview (tools with `confirm: required`, for clients
 * without elicitation), repeats the identical call with the token it returned.
 */
export async function callConfirmed(client: Client, name: string, args: Record<string, unknown>) {
  const first = await client.callTool({ name, arguments: args });
  if (!first.isError) return { result: first, previewed: false };
  let preview: { confirmation_required?: boolean; confirmation_token?: string } | undefined;
  try {
    preview = textJson(first);
  } catch {
    return { result: first, previewed: false };
  }
  if (!preview?.confirmation_required || !preview.confirmation_token)
    return { result: first, previewed: false };
  const result = await client.callTool({
    name,
    arguments: { ...args, confirmation_token: preview.confirmation_token },
  });
  return { result, previewed: true };
}
