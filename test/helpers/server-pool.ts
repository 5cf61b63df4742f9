/**
 * One server per configuration, started on first use and shared by the cases that use that configuration:
 * for cases that leave no state behind in the server (refusals, stateless reads), one start-up per
 * configuration instead of one per case. `closeAll` (in `afterAll`) stops them all.
 */
export interface ServerPool<T> {
  get(env: Record<string, string>): Promise<T>;
  closeAll(): Promise<void>;
}

export function serverPool<T extends { close(): Promise<void> }>(
  start: (env: Record<string, string>) => Promise<T>,
): ServerPool<T> {
  const servers = new Map<string, Promise<T>>();
  return {
    get(env) {
      const key = JSON.stringify(Object.entries(env).sort(([a], [b]) => a.localeCompare(b)));
      let server = servers.get(key);
      if (server === undefined) {
        server = start(env);
        servers.set(key, server);
      }
      return server;
    },
    async closeAll() {
      const started = [...servers.values()];
      servers.clear();
      // A start that failed failed its case already; a close that fails fails here.
      await Promise.all(
        started.map((server) =>
          server.then(
            (s) => s.close(),
            () => undefined,
          ),
        ),
      );
    },
  };
}
