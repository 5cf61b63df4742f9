import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { isExactNumber } from "../../src/catalog.js";
import { ExactArguments } from "../../src/transports/stdio-exact.js";

// Exact tools/call arguments over stdio are held by request id from the line and put in place of the SDK's
// (rounded) ones when it hands the request on: only ever in place of the very arguments they were read from.

const BIG = "12345678901234567890";

/** A transport stand-in: what the SDK's stdio transport hands on reaches `received`. */
function wrapped() {
  const exact = new ExactArguments();
  const transport: { onmessage?: (message: JSONRPCMessage) => void } = {};
  exact.wrap(transport);
  const received: JSONRPCMessage[] = [];
  transport.onmessage = (message) => received.push(message);
  /** What the SDK does with a line it takes: JSON.parse, then hand on. */
  const handOn = (line: string) => transport.onmessage?.(JSON.parse(line) as JSONRPCMessage);
  const argsOf = (i: number) =>
    (received[i] as unknown as { params: { arguments: Record<string, unknown> } }).params.arguments;
  return { exact, handOn, argsOf };
}

const call = (id: unknown, args: string, jsonrpc = "2.0") =>
  `{"jsonrpc":${JSON.stringify(jsonrpc)},"id":${JSON.stringify(id)},"method":"tools/call","params":{"name":"get_item","arguments":${args}}}`;

describe("exact tools/call arguments over stdio", () => {
  it("a request id beyond 2^53 finds its arguments under the id the SDK rounds it to", () => {
    const { exact, handOn, argsOf } = wrapped();
    const line = call(0, `{"id":${BIG}}`).replace('"id":0', `"id":${BIG}`);
    exact.see(Buffer.from(line));
    handOn(line);
    expect(JSON.stringify(argsOf(0))).toBe(`{"id":${BIG}}`);
  });

  it("the line's own arguments replace the SDK's rounded ones", () => {
    const { exact, handOn, argsOf } = wrapped();
    const line = call(8, `{"id":${BIG}}`);
    exact.see(Buffer.from(line));
    handOn(line);
    const id = argsOf(0).id;
    expect(isExactNumber(id)).toBe(true);
    expect(JSON.stringify(argsOf(0))).toBe(`{"id":${BIG}}`);
  });

  it("a line the SDK refuses leaves nothing for a later call that reuses its id", () => {
    const { exact, handOn, argsOf } = wrapped();
    // JSON-RPC 1.0: the SDK answers -32600 and hands nothing on.
    exact.see(Buffer.from(call(7, `{"id":${BIG},"path":"integrations/other-tenant"}`, "1.0")));
    const later = call(7, `{"id":1,"path":"integrations/mine"}`);
    exact.see(Buffer.from(later));
    handOn(later);
    expect(argsOf(0)).toEqual({ id: 1, path: "integrations/mine" });
  });

  it("held arguments go only to the request they were read from, whatever else was held under its id", () => {
    const { exact, handOn, argsOf } = wrapped();
    // A request the SDK took but never handed on (say, refused for its params), then another with the same id.
    exact.see(Buffer.from(call("r", `{"id":${BIG},"path":"a"}`)));
    const plain = call("r", `{"id":2,"path":"b"}`);
    exact.see(Buffer.from(plain));
    handOn(plain);
    expect(argsOf(0)).toEqual({ id: 2, path: "b" });
    // And one that is held after such a leftover still gets its own exact arguments.
    exact.see(Buffer.from(call("s", `{"id":${BIG},"path":"a"}`)));
    const own = call("s", `{"id":${BIG}9,"path":"c"}`);
    exact.see(Buffer.from(own));
    handOn(own);
    expect(JSON.stringify(argsOf(1))).toBe(`{"id":${BIG}9,"path":"c"}`);
  });
});

describe("exact arguments are held no longer than their line", () => {
  it("a line the SDK refuses leaves nothing held once it has been read, however many such lines come", () => {
    const { exact, handOn, argsOf } = wrapped();
    const pad = "x".repeat(10_000);
    for (let id = 0; id < 300; id++) {
      // JSON-RPC 1.0: the SDK answers -32600 and hands nothing on; its arguments were held until evicted.
      exact.see(Buffer.from(call(id, `{"id":${BIG},"pad":"${pad}"}`, "1.0")));
      exact.lineRead();
      expect(exact.holding).toBe(0);
    }
    // A line handed on still gets its exact arguments, and nothing is left after it.
    const line = call(1, `{"id":${BIG}}`);
    exact.see(Buffer.from(line));
    expect(exact.holding).toBe(1);
    handOn(line);
    exact.lineRead();
    expect(JSON.stringify(argsOf(0))).toBe(`{"id":${BIG}}`);
    expect(exact.holding).toBe(0);
  });
});
