import { spawn } from "node:child_process";

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
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.once("exit", (code, signal) => done([code, signal])),
  );
  const answered = new Promise<void>((done) =>
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes('"id":3')) done();
    }),
  );
  const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  send({
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  });
  send({ method: "notifications/initialized" });
  send({ id: 2, method: "tools/list" });
  send({ id: 3, method: "tools/call", params: call });
  await answered;
  return {
    /** Every stdout line, parsed (a line that is not JSON fails here). */
    messages: stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line)),
    stderr: () => stderr,
    /** Closes stdin, as a host does, and resolves with the exit. */
    close: () => {
      child.stdin.end();
      return exited;
    },
  };
}
