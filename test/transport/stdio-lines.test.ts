import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { StdioDrain, StdioInput } from "../../src/transports/stdio-drain.js";
import { LineLimiter, TopLevelIdScanner, type WireId } from "../../src/transports/stdio-lines.js";

/**
 * The stdio line limiter is fed stdin's chunks by plain calls (no stream between stdin and the SDK's reader). Its
 * lines must not depend on how the input was cut into chunks: every chunking of the same bytes gives the lines a
 * whole-text split gives (each within the limit handed on with its newline, each over it reported once with its
 * id and size), whether a line sits inside one chunk (handed on as a view of it) or spans several.
 */

type Event =
  | { kind: "line"; line: string; withNewline: string }
  | { kind: "skipping" }
  | { kind: "oversized"; id: WireId | null; bytes: number };

function run(max: number, chunks: Buffer[]): Event[] {
  const events: Event[] = [];
  const limiter = new LineLimiter(
    max,
    (id, bytes) => events.push({ kind: "oversized", id, bytes }),
    () => events.push({ kind: "skipping" }),
    (line, withNewline) =>
      events.push({
        kind: "line",
        line: line.toString("latin1"),
        withNewline: withNewline.toString("latin1"),
      }),
  );
  for (const chunk of chunks) limiter.write(chunk);
  limiter.end();
  return events;
}

/** What a whole-text split gives: the model every chunking must match. */
function expected(max: number, input: Buffer): Event[] {
  const events: Event[] = [];
  const parts: Buffer[] = [];
  let start = 0;
  for (let end = input.indexOf(0x0a); end !== -1; end = input.indexOf(0x0a, start)) {
    parts.push(input.subarray(start, end));
    start = end + 1;
  }
  const idOf = (line: Buffer) => {
    const scanner = new TopLevelIdScanner();
    scanner.feed(line);
    return scanner.id();
  };
  for (const line of parts) {
    if (line.length <= max) {
      const text = line.toString("latin1");
      events.push({ kind: "line", line: text, withNewline: `${text}\n` });
    } else events.push({ kind: "skipping" }, { kind: "oversized", id: idOf(line), bytes: line.length });
  }
  const last = input.subarray(start);
  if (last.length > max)
    events.push({ kind: "skipping" }, { kind: "oversized", id: idOf(last), bytes: last.length });
  return events;
}

/** A small deterministic generator (the test must be the same on every run). */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const LINES = [
  "",
  "\r",
  '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
  '{"jsonrpc":"2.0","id":"abc","method":"tools/call","params":{"name":"x","arguments":{"s":"\\u00e9 ü 😀"}}}',
  `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"arguments":{"blob":"${"z".repeat(90)}"}}}`,
  `{"method":"tools/call","params":{"a":"${"y".repeat(120)}"},"id":"late"}`,
  `{"jsonrpc":"2.0","method":"notifications/initialized"}\r`,
  "not json at all",
];

describe("stdio line limiter", () => {
  it("gives the same lines and refusals for every chunking of the same input", () => {
    const random = prng(7);
    for (let round = 0; round < 400; round++) {
      const count = 1 + Math.floor(random() * 8);
      const picked = Array.from(
        { length: count },
        () => LINES[Math.floor(random() * LINES.length)] as string,
      );
      // Sometimes the input ends without a newline (a last line that never ends).
      const text = picked.join("\n") + (random() < 0.7 ? "\n" : "");
      const input = Buffer.from(text, "utf8");
      const max = [0, 1, 40, 64, 100, 160, 4096][Math.floor(random() * 7)] as number;
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length; ) {
        // Chunks of 1 byte up to the whole input: lines whole in one chunk, several per chunk, cut anywhere
        // (inside a multi-byte character, between \r and \n).
        const size = random() < 0.3 ? 1 + Math.floor(random() * 4) : 1 + Math.floor(random() * input.length);
        chunks.push(Buffer.from(input.subarray(at, at + size)));
        at += size;
      }
      expect(run(max, chunks), `round ${round}: ${JSON.stringify(chunks.map(String))} max ${max}`).toEqual(
        expected(max, input),
      );
    }
  });

  it("hands on a line whole in one chunk as a view of that chunk (no copy), with its newline", () => {
    const chunk = Buffer.from('{"id":1}\n{"id":2}\n');
    const seen: Buffer[] = [];
    const limiter = new LineLimiter(
      1024,
      () => {},
      () => {},
      (_line, withNewline) => seen.push(withNewline),
    );
    limiter.write(chunk);
    expect(seen.map(String)).toEqual(['{"id":1}\n', '{"id":2}\n']);
    expect(seen.every((line) => line.buffer === chunk.buffer)).toBe(true);
  });

  it("reports a line over the limit once when it starts to overflow, and its id and size when it ends", () => {
    const events = run(16, [
      Buffer.from('{"id":7,"pad":"'),
      Buffer.from("x".repeat(40)),
      Buffer.from('"}\n{"id":8}\n'),
    ]);
    expect(events).toEqual([
      { kind: "skipping" },
      { kind: "oversized", id: 7, bytes: 57 },
      { kind: "line", line: '{"id":8}', withNewline: '{"id":8}\n' },
    ]);
  });
});

describe("stdio input", () => {
  it("is read as a stream is: one data event per line, then end and close on a later tick, then nothing", async () => {
    let paused = 0;
    const input = new StdioInput({ pause: () => paused++ });
    const seen: string[] = [];
    input.on("data", (line: Buffer) => seen.push(String(line)));
    const ended = new Promise<string[]>((resolve) => {
      const order: string[] = [];
      input.once("end", () => order.push(`end ${input.readableEnded}`));
      input.once("close", () => resolve([...order, "close"]));
    });
    input.line(Buffer.from("a\n"));
    input.end();
    expect(input.readableEnded).toBe(false);
    input.line(Buffer.from("b\n"));
    expect(await ended).toEqual(["end true", "close"]);
    expect(seen).toEqual(["a\n"]);
    expect(input.pause()).toBe(input);
    expect(paused).toBe(1);
  });

  it("ends only once stdin has ended and no request is in flight", async () => {
    const drain = new StdioDrain({ pause: () => {} });
    const sent: JSONRPCMessage[] = [];
    const transport = {
      onmessage: undefined as ((message: JSONRPCMessage) => void) | undefined,
      send: async (message: JSONRPCMessage) => {
        sent.push(message);
      },
    };
    drain.watch(transport);
    transport.onmessage = () => {};
    transport.onmessage?.({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    let ended = false;
    drain.input.once("end", () => {
      ended = true;
    });
    drain.endOfInput();
    await new Promise((resolve) => process.nextTick(resolve));
    expect(ended).toBe(false);
    await transport.send({ jsonrpc: "2.0", id: 1, result: {} } as JSONRPCMessage);
    await new Promise((resolve) => drain.input.once("close", resolve));
    expect(ended).toBe(true);
  });
});

describe("stdio drain: what requests in flight hold", () => {
  /** A drain bound to `bound` bytes, fed lines as the SDK's transport reads them (one message per data event). */
  function bounded(bound: number) {
    let changes = 0;
    const drain: StdioDrain = new StdioDrain({ pause: () => {} }, bound, () => changes++);
    const sent: JSONRPCMessage[] = [];
    const seen: JSONRPCMessage[] = [];
    const transport = {
      onmessage: undefined as ((message: JSONRPCMessage) => void) | undefined,
      send: async (message: JSONRPCMessage) => {
        sent.push(message);
      },
    };
    drain.watch(transport);
    transport.onmessage = (message) => seen.push(message);
    drain.input.on("data", (line: Buffer) => transport.onmessage?.(JSON.parse(String(line))));
    const read = (message: object) => drain.input.line(Buffer.from(`${JSON.stringify(message)}\n`));
    return { drain, transport, sent, seen, read, changes: () => changes };
  }
  const call = (id: number, pad = 0) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "t", _meta: { pad: "x".repeat(pad) } },
  });

  it("counts each request's line until its answer is handed on, and must wait only past the bound", async () => {
    const { drain, transport, read, seen } = bounded(1000);
    read(call(1, 400));
    read(call(2, 400));
    expect(drain.mustWait()).toBe(false);
    read(call(3, 400));
    // The request that crossed the bound is read and runs: no valid line is refused.
    expect(seen.map((m) => (m as { id: number }).id)).toEqual([1, 2, 3]);
    expect(drain.inFlight().requests).toBe(3);
    expect(drain.inFlight().bytes).toBeGreaterThan(1200);
    expect(drain.mustWait()).toBe(true);
    const answered = transport.send({ jsonrpc: "2.0", id: 2, result: {} } as JSONRPCMessage);
    expect(drain.mustWait()).toBe(false);
    await answered;
    // A cancelled request holds nothing either.
    read({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1 } });
    expect(drain.inFlight().requests).toBe(1);
  });

  it("while a call waits for the client's answer, reads on and refuses a request past the bound instead of waiting", async () => {
    const { drain, transport, read, seen, sent } = bounded(1000);
    read(call(1, 1200));
    expect(drain.mustWait()).toBe(true);
    // The server asks the client (an elicitation): its answer comes on stdin, which must be read.
    await transport.send({
      jsonrpc: "2.0",
      id: 0,
      method: "elicitation/create",
      params: {},
    } as JSONRPCMessage);
    expect(drain.mustWait()).toBe(false);
    read(call(2, 10));
    expect(seen.map((m) => (m as { id?: number }).id)).toEqual([1]);
    const refused = sent.find((m) => (m as { id?: number }).id === 2) as {
      error?: { code: number; message: string };
    };
    expect(refused.error?.code).toBe(-32000);
    expect(refused.error?.message).toMatch(
      /^Server busy: the requests in flight on this connection hold \d+ bytes, over this server's bound of 1000 bytes/,
    );
    // The client's answer is read and handed on; the call goes on, and stdin must wait again.
    read({ jsonrpc: "2.0", id: 0, result: { action: "accept" } });
    expect(seen).toHaveLength(2);
    expect(drain.mustWait()).toBe(true);
    await transport.send({ jsonrpc: "2.0", id: 1, result: {} } as JSONRPCMessage);
    expect(drain.mustWait()).toBe(false);
    read(call(3, 10));
    expect(seen.map((m) => (m as { id?: number }).id)).toEqual([1, 0, 3]);
  });
});
