import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { closed, until } from "../helpers/events.js";
import { answered, answerTo, jsonLines } from "../helpers/json-lines.js";
import { rawToolCall } from "../helpers/raw-session.js";

// The helpers tests wait with must settle on every path: a wait that never settles hangs the run (CI's lifecycle
// test hung 300 s on a swallowed error), and one that settles on half the output fails on a busy machine.

describe("until", () => {
  it("rejects when the check throws (output that does not parse), instead of leaving the wait pending", async () => {
    const source = new EventEmitter();
    let looks = 0;
    const waiting = until(() => {
      if (looks++ > 0) throw new SyntaxError("not JSON");
      return false;
    }, [source]);
    // Before: the throw escaped from emit() into the emitter's caller, and the wait never settled.
    expect(() => source.emit("data")).not.toThrow();
    await expect(waiting).rejects.toThrow("not JSON");
  });

  it("rejects when a source emits 'error', with what was seen", async () => {
    const source = new EventEmitter();
    const waiting = until(
      () => false,
      [source],
      () => "the output so far",
    );
    source.emit("error", new Error("read EIO"));
    await expect(waiting).rejects.toThrow(/read EIO before the awaited condition held:\nthe output so far/);
  });
});

describe("closed", () => {
  it("resolves once everything the child wrote has been read", async () => {
    const child = spawn(process.execPath, [
      "-e",
      "process.stdout.write('x'.repeat(4 << 20)); process.exitCode = 7",
    ]);
    let bytes = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
    });
    expect(await closed(child)).toEqual([7, null]);
    expect(bytes).toBe(4 << 20);
  });

  it("rejects when the child cannot be spawned", async () => {
    await expect(closed(spawn("/nonexistent/toolwright-test-binary"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});

describe("json-lines", () => {
  it("reads complete lines only: a line still being written is not an answer yet", () => {
    const whole = `${JSON.stringify({ jsonrpc: "2.0", id: 3, result: { ok: true } })}\n`;
    const half = whole.slice(0, 20);
    expect(jsonLines(half)).toEqual([]);
    expect(answered(half, [3])).toBe(false);
    expect(answerTo(whole, 3)).toEqual({ jsonrpc: "2.0", id: 3, result: { ok: true } });
    // "id":30 is not an answer to 3, nor is a request the peer sends with that id.
    expect(
      answered(`{"jsonrpc":"2.0","id":30,"result":{}}\n{"jsonrpc":"2.0","id":3,"method":"x"}\n`, [3]),
    ).toBe(false);
  });
});

/** A stdio peer that answers each request; the tools/call answer (id 3) is written in two pieces. */
const PEER = `
let buffer = "";
process.stdin.setEncoding("utf8").on("data", (chunk) => {
  buffer += chunk;
  for (let at = buffer.indexOf("\\n"); at >= 0; at = buffer.indexOf("\\n")) {
    const message = JSON.parse(buffer.slice(0, at));
    buffer = buffer.slice(at + 1);
    if (message.id === undefined) continue;
    const line = JSON.stringify({ jsonrpc: "2.0", id: message.id, result: { isError: false, content: [] } }) + "\\n";
    if (message.id !== 3) process.stdout.write(line);
    else process.stdout.write(line.slice(0, 25), () => setTimeout(() => process.stdout.write(line.slice(25)), 100));
  }
});
`;

describe("rawToolCall", () => {
  const call = { name: "t", arguments: {} };

  it("rejects, with the child's stderr, when the child exits before answering", async () => {
    // Before: the wait for the answer resolved on stdout data only, so it hung until the test's timeout.
    const script = "process.stderr.write('cannot start: no such catalog'); process.exit(3)";
    await expect(rawToolCall(process.execPath, ["-e", script], {}, tmpdir(), call)).rejects.toThrow(
      /ended before the awaited condition held:\nstderr:\ncannot start: no such catalog/,
    );
  });

  it("waits for the whole answer line, not for the first chunk that mentions its id", async () => {
    // Before: it resolved on the first piece ('"id":3' in it) and parsing the half line failed.
    const session = await rawToolCall(process.execPath, ["-e", PEER], {}, tmpdir(), call);
    expect(session.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(await session.close()).toEqual([0, null]);
  });
});
