import { logLine } from "../telemetry/log.js";
import { type StateStore, type StoreKind, storeFailure } from "./store.js";

/**
 * A store opened on its first use, not at start-up: a catalog whose tools may ask for confirmation (or carry a
 * rate limit) serves its first tools/list without loading `node:sqlite` or touching the file. A failed open is
 * logged (its message names the file, for the operator), refused as `StoreUnavailableError` like any outage
 * (callers fail closed), and tried again on the next use.
 */
export function deferredStore(
  kind: StoreKind,
  location: string,
  open: () => Promise<StateStore>,
): StateStore {
  let opening: Promise<StateStore> | undefined;
  let failed = false;
  const opened = (): Promise<StateStore> => {
    opening ??= open().then(
      (store) => {
        failed = false;
        return store;
      },
      (error: unknown) => {
        opening = undefined;
        if (!failed) logLine(`state: ${error instanceof Error ? error.message : String(error)}`);
        failed = true;
        throw error;
      },
    );
    return opening;
  };
  async function use<T>(operation: string, run: (store: StateStore) => Promise<T>): Promise<T> {
    let store: StateStore;
    try {
      store = await opened();
    } catch (error) {
      throw storeFailure(kind, operation, error);
    }
    return run(store);
  }
  return {
    kind,
    location,
    claim: (claim) => use("claim", (store) => store.claim(claim)),
    add: (counters) => use("add", (store) => store.add(counters)),
    ping: () => use("ping", (store) => store.ping()),
    async close() {
      const store = await opening?.catch(() => undefined);
      await store?.close();
    },
  };
}
