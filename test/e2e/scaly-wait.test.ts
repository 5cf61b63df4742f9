import { setTimeout as delay } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScalyUpstream, startScalyUpstream } from "../upstreams/scaly/index.js";
import { connect, type Session, type Workspace, workspace } from "./scaly/harness.js";

/**
 * scaly_wait_operation against operations that take real time (the upstream's steps at 250 ms): progress
 * notifications as the operation moves, the timeout argument, and MCP cancellation stopping the polling.
 */

let up: ScalyUpstream;
let ws: Workspace;
let s: Session;

beforeAll(async () => {
  up = await startScalyUpstream({ timeScale: 1 });
  ws = workspace("wait");
  s = await connect({ upstream: up, ws, label: "wait" });
});

afterAll(async () => {
  await s?.close();
  await up?.close();
  ws?.cleanup();
});

const polls = () => up.requests.filter((r) => r.operationName === "ScalyGetOperation").length;

async function deploy(appId: string): Promise<string> {
  const started = await s.ok("scaly_deploy_app", { app_id: appId });
  return started.operation_id;
}

describe("scaly_wait_operation", () => {
  it("sends increasing progress notifications while it polls, and returns the terminal state", async () => {
    // The operation moves one step each time the client has been told of a state (never on a timer), so the
    // count of polls and notifications does not depend on how fast this machine is.
    up.store.engine.manual = true;
    try {
      const id = await deploy("app_storefront");
      const seen: { progress: number; total?: number; message?: string }[] = [];
      const { env } = await s.call(
        "scaly_wait_operation",
        { operation_id: id },
        {
          onprogress: (p) => {
            seen.push(p);
            // To the operation's next visible state (steps of its children may not move its progress).
            const op = up.store.engine.get(id);
            const before = `${op?.status} ${op?.progress}`;
            while (`${op?.status} ${op?.progress}` === before && up.store.engine.step()) {}
          },
        },
      );
      expect(env.data.operation).toMatchObject({ id, kind: "DEPLOY_APP", status: "SUCCEEDED" });
      expect(env.data.polls).toBeGreaterThan(2);
      const values = seen.map((p) => p.progress);
      expect(values.length).toBeGreaterThan(2);
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]!);
      expect(seen.every((p) => p.total === 100 && p.progress <= 100)).toBe(true);
      expect(seen.some((p) => p.message?.includes("RUNNING"))).toBe(true);
      // The terminal notification (100) is sent too, but the v2 client may drop it when it arrives in the same
      // read as the response (it dispatches notifications a microtask late); the result carries the terminal state.
    } finally {
      up.store.engine.manual = false;
    }
  });

  it("a failed operation is a terminal state too", async () => {
    const id = await deploy("app_admin"); // fails until DJANGO_SETTINGS_MODULE is set
    const data = await s.ok("scaly_wait_operation", { operation_id: id });
    expect(data.operation).toMatchObject({ status: "FAILED", error: { code: "HEALTH_CHECK_FAILED" } });
    expect(data.next).toContain("scaly_diagnose_app");
  });

  it("gives up after timeoutSeconds with the last state (the operation goes on)", async () => {
    const id = await deploy("app_storefront");
    // The operation stands still while the wait times out, so a busy machine cannot let it finish first.
    up.store.engine.manual = true;
    let timedOut: Awaited<ReturnType<Session["fails"]>>;
    try {
      timedOut = await s.fails("scaly_wait_operation", { operation_id: id, timeout_seconds: 0.3 });
    } finally {
      up.store.engine.manual = false;
    }
    const { error, data } = timedOut;
    expect(error.code).toBe("wait_timeout");
    expect(data.done).toBe(false);
    expect(["PENDING", "RUNNING"]).toContain(data.operation.status);
    const finished = await s.ok("scaly_wait_operation", { operation_id: id });
    expect(finished.operation.status).toBe("SUCCEEDED");
  });

  it("stops polling when the client cancels the call", async () => {
    const id = await deploy("app_storefront");
    const controller = new AbortController();
    const pending = s.client.callTool(
      { name: "scaly_wait_operation", arguments: { operation_id: id } },
      { signal: controller.signal, onprogress: () => controller.abort() },
    );
    await expect(pending).rejects.toThrow();
    // The call ended as cancelled (it did not run on until the operation finished): once the server has
    // recorded that, the handler has returned, so a poll still in flight at the cancellation has arrived too.
    const waits = () =>
      ws
        .audit()
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((r) => r.tool === "scaly_wait_operation" && r.entry === "tools/call");
    await expect.poll(() => waits().at(-1)?.error).toBe("cancelled");
    expect(waits().at(-1)).toMatchObject({ decision: "error", error: "cancelled" });
    const atCancel = polls();
    // A handler that ignored the cancellation would poll again within this (it pauses 250 ms after a first poll).
    await delay(1_200);
    expect(polls(), "no poll after the cancellation").toBe(atCancel);
  });

  it("an unknown operation is an error, not a wait", async () => {
    const { error } = await s.fails("scaly_wait_operation", { operation_id: "op_nope" });
    expect(error.code).toBe("not_found");
  });
});
