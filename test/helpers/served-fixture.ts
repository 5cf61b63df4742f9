import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { genToDisk, writeTree } from "./generate.js";
import { callRecorded, type Served, serveOverStdio, type ToolResult } from "./mcp.js";
import { type RecordingServer, type Route, sendJson, startRecordingServer } from "./recording-server.js";

/**
 * For a test file: the catalog whose manifest is `cat/tools.yaml` among `files` (a spec beside it), generated and
 * served over stdio for the whole file, in front of a recording upstream (`route`: 200 `{ ok: true }` unless
 * given); `env(url)` is the server's env, given the upstream's URL. Registers the file's beforeAll/afterAll.
 */
export function servedFixture(
  name: string,
  files: Record<string, string>,
  env: (upstreamUrl: string) => Record<string, string>,
  route: Route = (_req, res) => sendJson(res, 200, { ok: true }),
) {
  let upstream: RecordingServer | undefined;
  let served: Served | undefined;
  beforeAll(async () => {
    const src = writeTree(name, files);
    const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
    upstream = await startRecordingServer(route);
    served = await serveOverStdio(dir, env(upstream.url));
  });
  afterAll(async () => {
    await served?.close();
    await upstream?.close();
  });
  return {
    /** Calls a tool; its result and what the upstream received meanwhile. */
    call: (tool: string, args: Record<string, unknown>) =>
      callRecorded(served!.client, upstream!, tool, args),
  };
}

/** A tool result's first text block. */
export const resultText = (result: ToolResult) => result.content?.[0]?.text ?? "";
