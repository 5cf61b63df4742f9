/**
 * `toolwright-demo <catalog>`: a reference upstream on 127.0.0.1 with sample data, and the generated MCP
 * server for that catalog over stdio in front of it, so anyone can plug a reference catalog into an MCP host
 * with no account anywhere.
 *
 * The host talks JSON-RPC over this process's stdout, so the layout is strict: the upstream runs in this
 * process, with every JavaScript-level write to stdout sent to stderr; the server is `toolwright serve` as a
 * child process that inherits stdin/stdout/stderr and so owns the real stdout alone. When the host closes
 * stdin the server exits, and this process closes the upstream and exits with the server's code.
 *
 * A demo is one entry of DEMOS: how to start its upstream and which env points the server at it.
 */
import { spawn } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SERVE_BIN = join(ROOT, "bin/toolwright.mjs");

export interface DemoOptions {
  /** Which sample principal the server calls the upstream as (each demo has its own names). */
  as?: string;
  /** Fixed upstream port (default: any free one). */
  port?: number;
}

export interface RunningUpstream {
  /** Environment for `toolwright serve` (base URLs, credentials); overrides the caller's own. */
  env: Record<string, string>;
  /** Lines for the operator, printed to stderr. */
  banner: string[];
  /** Working directory of the server (e.g. a scratch project for files its handlers write); default: ours. */
  cwd?: string;
  close(): Promise<void>;
}

export interface Demo {
  /** The generated catalog served, under generated/. */
  catalog: string;
  summary: string;
  /** The principals `--as` accepts; the first is the default. */
  principals: string[];
  start(options: DemoOptions): Promise<RunningUpstream>;
}

const SCAIVAULT_PRINCIPALS = ["admin", "readOnly", "reportRunner", "partner", "globexAdmin"];
const SCALY_PRINCIPALS = ["owner", "apiKeyOnly"];

export const DEMOS: Record<string, Demo> = {
  scaivault: {
    catalog: "scaivault",
    summary:
      "ScaiVault: secrets, policies, PKI, ACME, dynamic credentials, federation, events, audit (in memory)",
    principals: SCAIVAULT_PRINCIPALS,
    async start({ as = "admin", port }) {
      // Loaded on demand: another demo never pays for this one's dependencies.
      const { startScaivaultUpstream, TOKENS } = await import("./scaivault/index.js");
      const upstream = await startScaivaultUpstream(port === undefined ? {} : { port });
      return {
        env: { SCAIVAULT_URL: upstream.url, SCAIVAULT_TOKEN: TOKENS[as as keyof typeof TOKENS] },
        banner: [
          `ScaiVault reference upstream on ${upstream.url} (in memory, sample data for tenants acme and globex)`,
          `the server calls it as '${as}'; other principals: --as ${SCAIVAULT_PRINCIPALS.filter((p) => p !== as).join("|")}`,
          "try: list secrets under integrations/, read integrations/salesforce/oauth, query the audit log,",
          "     generate credentials for engine postgres-prod role readonly",
          ...(as === "partner" ? ["a partner token acts in a named tenant: pass tenant acme or globex"] : []),
        ],
        close: () => upstream.close(),
      };
    },
  },
  scaly: {
    catalog: "scaly",
    summary:
      "Scaly: stacks, apps, add-ons, deployments, env, user groups (GraphQL) + database, storage, logs (REST)",
    principals: SCALY_PRINCIPALS,
    async start({ as = "owner", port }) {
      const { mkdtemp, mkdir, rm, writeFile } = await import("node:fs/promises");
      const { tmpdir } = await import("node:os");
      const { startScalyUpstream } = await import("./scaly/index.js");
      const upstream = await startScalyUpstream(port === undefined ? {} : { port });
      // Postgres (PGlite) takes seconds to start, more on a busy machine: started now, beside the server, so the
      // first database call does not spend its source timeout waiting for it. stderr says when it answers.
      upstream.startDatabase().then(
        () => log("Scaly's Postgres is ready (the database tools answer from here)"),
        (error: unknown) =>
          log(`Scaly's Postgres did not start: ${error instanceof Error ? error.message : String(error)}`),
      );
      // A scratch home for the session token (as `scaly auth login` stores it) and a project folder for
      // .scaly/config.yaml, so the demo never touches the operator's own files.
      const home = await mkdtemp(join(tmpdir(), "toolwright-demo-scaly-"));
      const project = join(home, "project");
      await mkdir(project);
      const authStore = join(home, "auth.json");
      if (as === "owner") {
        const token = upstream.issueSessionToken({ expiresInSec: 12 * 3600 });
        await writeFile(authStore, JSON.stringify({ session_token: token, stage: "prod" }), { mode: 0o600 });
      }
      return {
        env: {
          SCALY_API_URL: upstream.url,
          SCALY_API_KEY: upstream.keys.apiKey,
          SCALY_APPSYNC_KEY: upstream.keys.appsyncKey,
          SCALY_AUTH_STORE_PATH: authStore,
          // The operator's own token must not stand in for the demo's (an empty value counts as unset).
          SCALY_OIDC_TOKEN: "",
        },
        cwd: project,
        banner: [
          `Scaly reference upstream on ${upstream.url} (GraphQL at /graphql, data plane under /v1; sample workspace acme)`,
          as === "owner"
            ? `session token for the database/storage/logs tools in ${authStore} (12 h); --as apiKeyOnly to go without`
            : "no session token: the database, storage and logs tools answer with how to get one",
          `project folder (scaly_pull/scaly_plan/scaly_apply use .scaly/config.yaml there): ${project}`,
          "try: scaly_status, scaly_diagnose_app for app_admin (its deploys fail), scaly_pull then scaly_plan,",
          "     scaly_db_query on app_storefront (select * from products)",
        ],
        async close() {
          await upstream.close();
          await rm(home, { recursive: true, force: true });
        },
      };
    },
  },
};

const USAGE = `Usage: toolwright-demo <catalog> [--as <principal>] [--port <port>]

Starts a reference upstream on 127.0.0.1 with sample data and serves the generated <catalog> MCP server over
stdio in front of it. Point an MCP host (Claude Desktop, Codex, ...) at this command; no account is needed.
stdout carries MCP JSON-RPC only; everything else goes to stderr. The process exits when stdin closes.

Options:
  --as <principal>  the sample principal the server calls the upstream as (default: the first listed)
  --port <port>     a fixed port for the upstream (default: any free port)
  -h, --help        show this help

Catalogs:
${Object.entries(DEMOS)
  .map(
    ([name, demo]) =>
      `  ${name.padEnd(10)} ${demo.summary}\n  ${"".padEnd(10)} principals: ${demo.principals.join(", ")}`,
  )
  .join("\n")}
`;

const log = (line: string) => process.stderr.write(`toolwright-demo: ${line}\n`);

/** From here on nothing in this process may write to the host's stdout; the server child owns it. */
function guardStdout(): void {
  process.stdout.write = ((chunk: Uint8Array | string, ...rest: unknown[]) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}

function parse(argv: string[]): { name?: string; options: DemoOptions; help: boolean } | string {
  let values: { as?: string; port?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { as: { type: "string" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (positionals.length > 1) return `expected one catalog, got ${positionals.length}`;
  const options: DemoOptions = {};
  if (values.as !== undefined) options.as = values.as;
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `invalid --port '${values.port}'`;
    options.port = port;
  }
  return { name: positionals[0], options, help: values.help === true };
}

/** Runs a demo until the host closes stdin; resolves to the exit code. */
export async function runDemo(argv: string[]): Promise<number> {
  const parsed = parse(argv);
  if (typeof parsed === "string") {
    process.stderr.write(`toolwright-demo: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const demo = parsed.name === undefined ? undefined : DEMOS[parsed.name];
  if (!demo) {
    process.stderr.write(
      `toolwright-demo: ${parsed.name === undefined ? "which catalog?" : `no demo named ${JSON.stringify(parsed.name)}`}\n\n${USAGE}`,
    );
    return 2;
  }
  const as = parsed.options.as ?? demo.principals[0]!;
  if (!demo.principals.includes(as)) {
    log(`unknown principal '${as}' for ${parsed.name}; one of ${demo.principals.join(", ")}`);
    return 2;
  }

  guardStdout();
  let upstream: RunningUpstream;
  try {
    upstream = await demo.start({ ...parsed.options, as });
  } catch (error) {
    log(`could not start the ${parsed.name} upstream: ${(error as Error).message}`);
    return 1;
  }
  for (const line of upstream.banner) log(line);
  const catalogDir = join(ROOT, "generated", demo.catalog);
  log(`serving ${catalogDir} over stdio; close stdin to stop`);

  const server = spawn(process.execPath, [SERVE_BIN, "serve", catalogDir], {
    stdio: "inherit",
    env: { ...process.env, ...upstream.env },
    ...(upstream.cwd ? { cwd: upstream.cwd } : {}),
  });
  // A host stopping us by signal stops the server too; its exit then ends this process as usual.
  let stopping = false;
  const forward = (signal: NodeJS.Signals) => () => {
    stopping = true;
    if (server.exitCode === null && server.signalCode === null) server.kill(signal);
  };
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  for (const signal of signals) process.on(signal, forward(signal));

  const code = await new Promise<number>((done) => {
    server.once("error", (error) => {
      log(`could not start the server: ${error.message}`);
      done(1);
    });
    // Killed by the signal we forwarded is a requested stop, not a failure.
    server.once("exit", (exitCode, signal) => done(exitCode ?? (signal && !stopping ? 1 : 0)));
  });
  // The handlers stay until the upstream is closed: a host that signals again while we clean up (the SDK's
  // client sends SIGTERM when a process has not exited 2 s after its stdin closed, as on a busy machine) must not
  // kill us halfway through, leaving the scratch folders behind.
  await upstream.close().catch((error: Error) => log(`closing the upstream: ${error.message}`));
  for (const signal of signals) process.removeAllListeners(signal);
  return code;
}
