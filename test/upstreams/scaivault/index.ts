/**
 * The ScaiVault reference upstream: a stateful, in-memory implementation of every operation of
 * specs/scaivault/openapi.yaml on 127.0.0.1, validating each request against the spec and recording it.
 */
import type { AddressInfo } from "node:net";
import { HANDLERS } from "./handlers/index.js";
import { createStore, SEED, TOKENS } from "./seed.js";
import {
  createUpstreamServer,
  type Fault,
  type RecordedRequest,
  type ServerState,
  type Violation,
} from "./server.js";
import { loadOperations } from "./spec.js";
import type { Store } from "./state.js";

export { SEED, TOKENS } from "./seed.js";
export type { Fault, RecordedRequest, Violation } from "./server.js";

export interface ScaivaultUpstream {
  /** Base URL, e.g. `http://127.0.0.1:43121` (operations live under `/v1`). */
  url: string;
  port: number;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests that did not match the spec, and answers of ours that did not (should stay empty). */
  violations: Violation[];
  /** Bearer tokens of the seeded principals. */
  tokens: typeof TOKENS;
  /** Ids and paths of the seed data. */
  seed: typeof SEED;
  /** The live state, for assertions on effects. */
  store: Store;
  /** Answer the next matching request(s) with a canned response (after validation, before auth). */
  injectFault(fault: Fault): void;
  /** Back to the seed data; clears requests, violations and faults (same array objects). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startScaivaultUpstream(options: { port?: number } = {}): Promise<ScaivaultUpstream> {
  const ops = await loadOperations();
  const missing = ops.filter((op) => !HANDLERS[op.operationId]).map((op) => op.operationId);
  if (missing.length > 0) throw new Error(`no handler for: ${missing.join(", ")}`);
  const state: ServerState = { ops, store: await createStore(), requests: [], violations: [], faults: [] };
  const server = createUpstreamServer(state);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const upstream: ScaivaultUpstream = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: state.requests,
    violations: state.violations,
    tokens: TOKENS,
    seed: SEED,
    store: state.store,
    injectFault(fault) {
      state.faults.push({ ...fault });
    },
    async reset() {
      state.store = await createStore();
      upstream.store = state.store;
      state.requests.length = 0;
      state.violations.length = 0;
      state.faults.length = 0;
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
  return upstream;
}
