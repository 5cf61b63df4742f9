/**
 * Whether the operator asked Node to send outbound requests through the proxy in `HTTP_PROXY`/`HTTPS_PROXY`
 * (honouring `NO_PROXY`): `NODE_USE_ENV_PROXY=1` or `--use-env-proxy`, which Node applies to `fetch` and its global
 * agents but not to an agent of our own (the upstream client's is given the environment itself). Without it, no proxy is
 * used, as with `fetch`: a proxy variable alone does not redirect traffic.
 */
export function usesEnvProxy(env: NodeJS.ProcessEnv = process.env, execArgv = process.execArgv): boolean {
  return (
    env.NODE_USE_ENV_PROXY === "1" ||
    execArgv.includes("--use-env-proxy") ||
    /(^|\s)--use-env-proxy(\s|$)/.test(env.NODE_OPTIONS ?? "")
  );
}
