import { spawn } from "node:child_process";
import { closed, until, untilOutput, type Wanted } from "./events.js";
import { answered, jsonLines } from "./json-lines.js";

/**
 * A legacy-era MCP session spoken by hand over a child's stdio: initialize, tools/list, one tools/call. Demo
 * launchers are checked this way because the exact bytes on stdout matter (JSON-RPC lines only).
 */
export async function rawToolCall(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  call: { name: string; arguments: Record<string, unknown> },
) {
  const child = spawn(command, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  // 'close', not 'exit': by then every byte the child wrote has been read.
  const ended = closed(child);
  ended.catch(() => {});
  // A write to a child that has died fails (EPIPE); the wait below then rejects with its stderr.
  child.stdin.on("error", () => {});
  const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  send({
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
  send({ method: "notifications/initialized" });
  send({ id: 2, method: "tools/list" });
  send({ id: 3, method: "tools/call", params: call });
  // Whole lines only (a chunk may end mid-message); a child that exits or fails first rejects, with its stderr.
  await until(
    () => answered(stdout, [3]),
    [child.stdout],
    () => `stderr:\n${stderr}\nstdout:\n${stdout}`,
  );
  return {
    /** Every stdout line, parsed (a line that is not JSON fails here). */
    messages: jsonLines(stdout),
    /** stdout as written (numbers a double does not hold are only exact here). */
    stdout,
    stderr: () => stderr,
    /** Resolves with stderr once it holds `wanted`: stderr is its own pipe, read after stdout's answers. */
    waitForStderr: (wanted: Wanted, count?: number) => untilOutput(() => stderr, wanted, child.stderr, count),
    /** Closes stdin, as a host does, and resolves with the exit once the child's output has ended. */
    close: () => {
      child.stdin.end();
      return ended;
    },
  };
}
