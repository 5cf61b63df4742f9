import { beforeAll, expect, it } from "vitest";
import { STDOUT_UNREAD_LIMIT } from "../../src/transports/stdio.js";
import { occurrences, until, untilOutput } from "../helpers/events.js";
import { idsOf } from "../helpers/json-lines.js";
import { tmpDir } from "../helpers/paths.js";
import { stdioServer } from "../helpers/stdio-server.js";
import { BIN, fixtureCatalog } from "./serve-http.js";

/**
 * A host that stops reading stdout while it keeps writing requests: the server held every answer in memory, without
 * bound. Past STDOUT_UNREAD_LIMIT unread it reads no more requests until the host reads; then every request is
 * answered.
 */

let catalogDir: string;
beforeAll(async () => {
  catalogDir = await fixtureCatalog();
});

const line = (message: object) => `${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`;

it("stops reading requests while stdout holds over the bound unread, and answers them all once the host reads", async () => {
  const { child, ended, stderr } = stdioServer(BIN, [catalogDir], {
    PATH: process.env.PATH ?? "",
    HOME: tmpDir("stdio-unread"),
  });
  // The host reads nothing of stdout until the server says it stopped reading.
  child.stdout.pause();
  child.stdin.write(
    line({
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mute", version: "1" } },
    }),
  );
  child.stdin.write(line({ method: "notifications/initialized" }));
  // Answers of ~2 MB (a 1 MB text echoed in both forms), three times the bound in all.
  const calls = Math.ceil((3 * STDOUT_UNREAD_LIMIT) / 2_000_000);
  const text = "x".repeat(1_000_000);
  for (let id = 1; id <= calls; id++)
    child.stdin.write(
      line({ id, method: "tools/call", params: { name: "fixture_echo", arguments: { text } } }),
    );
  const paused = "no more requests are read until it reads them";
  // Before the bound, every call was read and answered into memory: waiting for all of them ends this too.
  await until(
    () => stderr().includes(paused) || occurrences(stderr(), '"tool":"fixture_echo"') === calls,
    [child.stderr],
    stderr,
  );
  expect(stderr()).toContain(paused);
  expect(occurrences(stderr(), '"tool":"fixture_echo"')).toBeLessThan(calls);
  // The host reads: every request is answered, the ones that waited in the pipe too.
  const ids = idsOf(child.stdout);
  child.stdout.resume();
  await until(() => ids.length === calls + 1, [child.stdout], stderr);
  expect(ids.map(Number).sort((a, b) => a - b)).toEqual([...Array(calls + 1).keys()]);
  await untilOutput(stderr, "reading requests again", child.stderr);
  child.stdin.end();
  expect((await ended)[0]).toBe(0);
});
