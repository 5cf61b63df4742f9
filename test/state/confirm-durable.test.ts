import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ConfirmationTokens, callerDigest } from "../../src/policy/confirm-token.js";
import {
  createMemoryStore,
  openStateStore,
  type StateStore,
  StoreUnavailableError,
} from "../../src/state/index.js";
import { tmpDir } from "../helpers/paths.js";

// Spent confirmation tokens live in the state store: once across processes sharing it, across restarts, and
// never replayable while the store cannot answer.

const key = randomBytes(32);
const me = callerDigest(undefined);
const args = { path: "integrations/old" };
const tokens = (store: StateStore) =>
  new ConfirmationTokens({ key, ttlSeconds: 300, store, namespace: "app" });

/** A store whose every operation fails while `down` is set: an unreachable Redis, seen from the caller. */
function flaky(inner: StateStore): StateStore & { down: boolean } {
  const fail = () => Promise.reject(new StoreUnavailableError("redis", "ECONNREFUSED"));
  const store = {
    down: false,
    kind: inner.kind,
    location: inner.location,
    claim: (claim: Parameters<StateStore["claim"]>[0]) => (store.down ? fail() : inner.claim(claim)),
    add: (counters: Parameters<StateStore["add"]>[0]) => (store.down ? fail() : inner.add(counters)),
    ping: () => (store.down ? fail() : inner.ping()),
    close: () => inner.close(),
  };
  return store;
}

it("two processes sharing a store accept a token once, even when both verify it at the same moment", async () => {
  const shared = createMemoryStore();
  const [a, b] = [tokens(shared), tokens(shared)];
  const { token } = a.issue("preview", "app_delete", args, me);
  const checks = await Promise.all([
    ...Array.from({ length: 10 }, () => a.verify(token, "preview", "app_delete", args, me)),
    ...Array.from({ length: 10 }, () => b.verify(token, "preview", "app_delete", args, me)),
  ]);
  expect(checks.filter((c) => c.ok)).toHaveLength(1);
  expect(checks.filter((c) => !c.ok && c.reason === "reused")).toHaveLength(19);
});

it("a token spent before a restart (the embedded file reopened) stays spent", async () => {
  const file = join(tmpDir("confirm-durable"), "state.sqlite");
  const before = await openStateStore({ kind: "sqlite", file, chosen: true });
  const { token } = tokens(before).issue("preview", "app_delete", args, me);
  expect(await tokens(before).verify(token, "preview", "app_delete", args, me)).toEqual({ ok: true });
  await before.close();
  const after = await openStateStore({ kind: "sqlite", file, chosen: true });
  expect(await tokens(after).verify(token, "preview", "app_delete", args, me)).toEqual({
    ok: false,
    reason: "reused",
  });
  await after.close();
});

it("while the store is unavailable a token is refused and not spent; it works once when the store is back", async () => {
  const store = flaky(createMemoryStore());
  const t = tokens(store);
  const { token } = t.issue("preview", "app_delete", args, me);
  store.down = true;
  expect(await t.verify(token, "preview", "app_delete", args, me)).toEqual({
    ok: false,
    reason: "unavailable",
  });
  store.down = false;
  expect(await t.verify(token, "preview", "app_delete", args, me)).toEqual({ ok: true });
  expect(await t.verify(token, "preview", "app_delete", args, me)).toEqual({ ok: false, reason: "reused" });
});

it("a token issued before the store began remembering is refused as forgotten", async () => {
  const issuer = tokens(createMemoryStore());
  const { token } = issuer.issue("preview", "app_delete", args, me);
  const later = tokens(createMemoryStore(() => Date.now() + 1000));
  expect(await later.verify(token, "preview", "app_delete", args, me)).toEqual({
    ok: false,
    reason: "forgotten",
  });
});
