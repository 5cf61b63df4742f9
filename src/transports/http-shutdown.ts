import type { Server } from "node:http";
import { logLine } from "../telemetry/log.js";

/** The MCP requests being served, and the graceful stop that waits for them (up to a grace period). */
export class ActiveRequests {
  /** Each request's controller, and how many JSON-RPC requests it carries (a batch carries several). */
  private readonly controllers = new Map<AbortController, number>();
  private weight = 0;
  /** Who each request is served for (`callerKey`), and the JSON-RPC requests served for each caller. */
  private readonly callerOf = new Map<AbortController, string>();
  private readonly perCaller = new Map<string, number>();
  private drained: (() => void) | undefined;
  /** Set once shutdown starts: new requests are refused, responses ask to close the connection. */
  draining = false;

  /** The JSON-RPC requests being served (each HTTP request counts at least one). */
  get size(): number {
    return this.weight;
  }

  /** The JSON-RPC requests being served for `caller` (`--max-requests-per-caller`). */
  heldBy(caller: string): number {
    return this.perCaller.get(caller) ?? 0;
  }

  add(controller: AbortController, caller?: string): void {
    this.controllers.set(controller, 1);
    this.weight += 1;
    if (caller !== undefined) {
      this.callerOf.set(controller, caller);
      this.count(caller, 1);
    }
  }

  private count(caller: string, n: number): void {
    const left = (this.perCaller.get(caller) ?? 0) + n;
    if (left > 0) this.perCaller.set(caller, left);
    else this.perCaller.delete(caller);
  }

  /**
   * Counts one JSON-RPC request served elsewhere (a legacy SSE stream's call, answered on the stream and not by its
   * POST) against the bound; returns its release (idempotent). Shutdown does not wait for it: streams are closed.
   */
  hold(caller?: string): () => void {
    this.weight += 1;
    if (caller !== undefined) this.count(caller, 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.weight -= 1;
      if (caller !== undefined) this.count(caller, -1);
    };
  }

  /** Counts a request as carrying `n` JSON-RPC requests (a batch). */
  carries(controller: AbortController, n: number): void {
    const was = this.controllers.get(controller);
    if (was === undefined) return;
    this.controllers.set(controller, n);
    this.weight += n - was;
    const caller = this.callerOf.get(controller);
    if (caller !== undefined) this.count(caller, n - was);
  }

  delete(controller: AbortController): void {
    const was = this.controllers.get(controller);
    if (was === undefined) return;
    this.controllers.delete(controller);
    this.weight -= was;
    const caller = this.callerOf.get(controller);
    if (caller !== undefined) {
      this.callerOf.delete(controller);
      this.count(caller, -was);
    }
    this.settle();
  }

  private settle(): void {
    if (this.draining && this.controllers.size === 0) this.drained?.();
  }

  /** Waits for every active request; after `graceMs` the rest are aborted. */
  async finishWithin(graceMs: number): Promise<void> {
    const finished = new Promise<void>((resolve) => {
      this.drained = resolve;
      this.settle();
    });
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    if ((await Promise.race([finished, grace])) === "timeout") {
      logLine(`http: ${this.controllers.size} request(s) still running after ${graceMs} ms; aborting them`);
      for (const controller of this.controllers.keys()) controller.abort();
    }
    clearTimeout(timer);
  }
}

/**
 * Stops accepting, lets active requests finish within the grace period, closes the MCP handler, then every
 * connection.
 */
export async function drainAndClose(
  server: Server,
  handler: { close(): Promise<unknown> },
  requests: ActiveRequests,
  graceMs: number,
): Promise<void> {
  requests.draining = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await requests.finishWithin(graceMs);
  await handler.close().catch(() => {});
  server.closeAllConnections();
  await closed;
}
