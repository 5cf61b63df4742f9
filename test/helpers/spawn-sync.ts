import { spawnSync as nodeSpawnSync, type SpawnSyncOptions } from "node:child_process";

/**
 * How long a test's synchronous child may run. `spawnSync` blocks the worker's event loop, so vitest's own test
 * timeout cannot end a child that hangs: without a bound of its own the whole run would wait for it. Under the
 * test timeout (300 s, vitest.config.ts), so the test fails with the child's `ETIMEDOUT` in its result instead.
 */
export const SPAWN_SYNC_TIMEOUT_MS = 280_000;

/** `spawnSync` with a default `timeout` (and SIGKILL, so a child that ignores SIGTERM ends too); options win. */
export const spawnSync = ((
  command: string,
  args?: readonly string[] | SpawnSyncOptions,
  options?: SpawnSyncOptions,
) => {
  const [argv, opts] = Array.isArray(args) ? [args, options] : [[], args as SpawnSyncOptions | undefined];
  return nodeSpawnSync(command, argv, { timeout: SPAWN_SYNC_TIMEOUT_MS, killSignal: "SIGKILL", ...opts });
}) as typeof nodeSpawnSync;
