import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { onTestFinished } from "vitest";
import { closed } from "./events.js";
import { ROOT } from "./paths.js";

export interface StdioServer {
  child: ChildProcessWithoutNullStreams;
  /** Its 'close' (not 'exit': once it resolves, everything it wrote has been read). */
  ended: Promise<[number | null, NodeJS.Signals | null]>;
  /** What it wrote to stderr so far. */
  stderr: () => string;
}

/**
 * `node bin serve args...` in ROOT, spoken to over stdio by the test (its stdout is the test's to read), in `env`
 * only; killed if it outlives the test.
 */
export function stdioServer(bin: string, args: string[], env: NodeJS.ProcessEnv): StdioServer {
  const child = spawn(process.execPath, [bin, "serve", ...args], {
    cwd: ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const ended = closed(child);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return { child, ended, stderr: () => stderr };
}
