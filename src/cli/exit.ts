/**
 * Ends the process with `code` once what it wrote to stdout and stderr is out. A write to a pipe that is full is
 * queued, and `process.exit` drops the queue: `toolwright generate --json | jq` got a larger summary cut
 * mid-document (the first 64 KiB, a full pipe's worth, into `wc -c`), with exit status 0. A reader that is gone
 * fails the write (EPIPE), which ends the wait too, quietly: there is no one left to tell.
 */
export async function exitWhenWritten(code: number): Promise<never> {
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
}

function written(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("error", () => resolve());
    stream.write("", () => resolve());
  });
}
