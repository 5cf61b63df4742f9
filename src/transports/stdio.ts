import { Writable } from "node:stream";
import { StdioServerTransport, serveStdio } from "@modelcontextprotocol/server/stdio";
import type { ServerFactory } from "../mcp/server.js";
import { describeError, logLine } from "../telemetry/log.js";

/**
 * stdio serving. stdout carries JSON-RPC and nothing else: the transport gets a private handle on the real
 * stdout, and everything else that writes to stdout (console.log in a handler, a chatty dependency) is sent
 * to stderr instead. Resolves when the client closes stdin; the caller then exits.
 */
export function serveOverStdio(factory: ServerFactory): Promise<void> {
  const realWrite = process.stdout.write.bind(process.stdout) as (
    chunk: Uint8Array | string,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ) => boolean;
  const wire = new Writable({
    // Strings go to stdout as they are (no Buffer made per message).
    decodeStrings: false,
    write(chunk: Buffer | string, encoding, callback) {
      realWrite(chunk, encoding, callback);
    },
  });
  // Errors on the real stdout (client gone) must reach the transport, which then closes.
  process.stdout.on("error", (error) => wire.destroy(error));
  process.stdout.write = ((chunk: Uint8Array | string, ...rest: unknown[]) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;

  return new Promise((resolve) => {
    const transport = new StdioServerTransport(process.stdin, wire);
    const handle = serveStdio(factory, {
      transport,
      // A malformed line is reported here and skipped; the connection stays up.
      onerror: (error) => logLine(`stdio: ${describeError(error)}`),
    });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      handle.close().catch(() => {});
      resolve();
    };
    process.stdin.once("end", finish);
    process.stdin.once("close", finish);
    wire.once("error", finish);
  });
}
