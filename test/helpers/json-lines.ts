import type { Readable } from "node:stream";

/**
 * Reading a JSON-RPC peer's stdout as it arrives: a 'data' chunk ends anywhere, often mid-line, so only the lines
 * a newline has ended are complete. Waiting on a substring (`'"id":3'`) and then parsing every line fails, on a
 * busy machine, whenever the chunk read so far stops inside the answer.
 */

/** The complete lines of `text` (what follows the last newline is still being written), parsed as JSON. */
export function jsonLines(text: string): any[] {
  return text
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** The complete message answering request `id`, if it has arrived. */
export function answerTo(text: string, id: number | string): any {
  return jsonLines(text).find((message) => message.id === id && ("result" in message || "error" in message));
}

/** Whether every request in `ids` has its complete answer in `text`. */
export function answered(text: string, ids: ReadonlyArray<number | string>): boolean {
  const seen = new Set(
    jsonLines(text)
      .filter((message) => "result" in message || "error" in message)
      .map((message) => message.id),
  );
  return ids.every((id) => seen.has(id));
}

/** The `id` of each message `stream` writes (a JSON line each), added as its line completes. */
export function idsOf(stream: Readable): unknown[] {
  const ids: unknown[] = [];
  let partial = "";
  stream.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const text of lines) ids.push((JSON.parse(text) as { id?: unknown }).id);
  });
  return ids;
}
