/**
 * The environment a test gives a server or CLI it starts when it means "a clean environment": PATH and HOME, and
 * the run's XDG_STATE_HOME (vitest.config.ts points it at test/.tmp) so the started server's embedded state store
 * never lands in the user's ~/.local/state, and the run's TMPDIR (test/setup/scratch.ts) so what it writes there is
 * removed with the run. `extra` is added on top.
 */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
  if (process.env.XDG_STATE_HOME) env.XDG_STATE_HOME = process.env.XDG_STATE_HOME;
  if (process.env.TMPDIR) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}
