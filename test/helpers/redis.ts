import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * A real Redis for tests: Debian's `redis-server` on a free loopback port, with persistence off
 * (`--save '' --appendonly no`), started and stopped by the test. `stop()` and `start()` again on the same port
 * simulate an outage; the data is gone after a restart, as with any Redis without persistence.
 */

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
  /** Runs a redis-cli command against it and returns its output. */
  cli(...args: string[]): string;
  close(): Promise<void>;
}

export function redisServerPath(): string | undefined {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisOptions {
  /** Required of clients (`--requirepass`); the URL carries it (`redis://:<password>@...`), and so does `cli`. */
  password?: string;
  /** More `redis-server` arguments, e.g. `["--maxmemory-policy", "allkeys-lru"]`. */
  args?: readonly string[];
}

function launch(port: number, options: RedisOptions = {}): Promise<ChildProcess> {
  const proc = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "yes",
      ...(options.password === undefined ? [] : ["--requirepass", options.password]),
      ...(options.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      reject(new Error(`redis-server did not start:\n${out}`));
      proc.kill("SIGKILL");
    }, 120_000);
    proc.stdout!.on("data", (chunk) => {
      out += String(chunk);
      if (out.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve(proc);
      }
    });
    proc.stderr!.on("data", (chunk) => {
      out += String(chunk);
    });
    proc.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': its last log lines (why it stopped) are read by then.
    proc.once("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${out}`));
    });
  });
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  // The free port is found by closing a listener on it, so another process may take it before redis-server
  // binds it (other test files start servers all the time): then redis-server says so and exits, and another
  // free port is tried. Any other failure to start fails at once.
  let port = 0;
  let proc: ChildProcess | undefined;
  for (let attempt = 1; !proc; attempt++) {
    port = await freePort();
    try {
      proc = await launch(port, options);
    } catch (error) {
      if (attempt >= 5 || !/Address already in use/i.test((error as Error).message)) throw error;
    }
  }
  const stop = async () => {
    const running = proc;
    proc = undefined;
    // Stopped by a signal, it has exitCode null and signalCode set: waiting for its 'exit' then would never end.
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill("SIGTERM");
    await exited;
  };
  return {
    url: `redis://${options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`}127.0.0.1:${port}`,
    port,
    stop,
    async start() {
      if (proc) return;
      proc = await launch(port, options);
    },
    cli: (...args) =>
      execFileSync(
        "redis-cli",
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(port),
          ...(options.password === undefined ? [] : ["--no-auth-warning", "-a", options.password]),
          ...args,
        ],
        { encoding: "utf8" },
      ),
    close: stop,
  };
}
