import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startBalancer } from "../transport/balancer.js";
import { type Served, serveHttp } from "../transport/serve-http.js";
import type { ScaivaultUpstream } from "../upstreams/scaivault/index.js";

/**
 * Replicas of `toolwright serve scaivault` over Streamable HTTP, as a platform team runs them: separate processes
 * configured by env only, sharing a state store (Redis or one embedded file), a confirmation secret and a client
 * key, in front of one reference upstream; a round-robin balancer spreads requests across them.
 */

export const CLIENT_KEY = "load-client-key-3e9b1d70";
export const CONFIRM_SECRET = "load-confirm-secret-canary-8f4a2c";

export function replicaEnv(
  upstream: ScaivaultUpstream,
  state: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    MCP_TRANSPORT: "http",
    PORT: "0",
    SCAIVAULT_MCP_TOKEN: CLIENT_KEY,
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: upstream.tokens.admin,
    SCAIVAULT_CONFIRM_SECRET: CONFIRM_SECRET,
    SCAIVAULT_AUDIT: "false",
    SCAIVAULT_READ_ONLY: "false",
    SCAIVAULT_MASK_VALUES: "false",
    TOOLWRIGHT_STATE: state,
    ...extra,
  };
}

export interface Replica {
  served: Served;
  /** Resolves when the replica's stderr (from now on) matches. */
  logs(pattern: RegExp): Promise<string>;
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const served = await serveHttp("scaivault", env);
  return { served, logs: (pattern) => stderrMatch(served, pattern) };
}

function stderrMatch(served: Served, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += String(chunk);
      const match = pattern.exec(seen);
      if (!match) return;
      served.proc.stderr!.off("data", onData);
      resolve(match[0]);
    };
    served.proc.stderr!.on("data", onData);
    served.exited.then((code) => reject(new Error(`replica exited (${code}) before logging ${pattern}`)));
  });
}

/** A client without elicitation: destructive calls go through the preview token. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ name: "load-client", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${CLIENT_KEY}` } },
    }),
  );
  return client;
}

export { startBalancer };

/** The first text block of a tool result, parsed when it is JSON. */
export function body(result: unknown): any {
  const text = (result as { content?: { type: string; text?: string }[] }).content?.find(
    (c) => c.type === "text",
  )?.text;
  try {
    return JSON.parse(text ?? "null");
  } catch {
    return text;
  }
}

export function text(result: unknown): string {
  return ((result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text ?? "").join("\n");
}

/** Runs `count` tasks with at most `width` at a time. */
export async function pool<T>(
  count: number,
  width: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, worker));
  return results;
}
