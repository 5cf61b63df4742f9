import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { type Served, serve, textOf } from "./harness.js";

/**
 * Decompression bombs by stacking: a response body is decoded coding by coding (Content-Encoding), each by a
 * decoder of its own, and only the last layer's output was counted against the response cap. A body gzipped a few
 * thousand times over (93 KB, a 15 KB header) took 50 s of CPU and 300 MB to read; a layer that decodes to a flood
 * of empty deflate blocks, which the next layer turns into nothing, was never counted at all. At most 5 codings are
 * decoded (as fetch, undici, allows) and every layer is bounded by the cap; the call gets a clear error, one audit
 * line, and the server keeps serving.
 */

const CANARY = "coding-canary-7d21b4";
const PATH = "integrations/coded/key";

let upstream: ScaivaultUpstream;
let served: Served;
let body: Buffer;

const ENCODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => gzipSync(b),
  br: (b) => brotliCompressSync(b),
  deflate: (b) => deflateSync(b),
  zstd: (b) => zstdCompressSync(b),
};

/** `body` encoded by each coding in turn, and the Content-Encoding header that says so (first applied first). */
function encoded(codings: string[], start: Buffer = body): { body: Buffer; header: string } {
  let out = start;
  for (const coding of codings) out = ENCODERS[coding]!(out);
  return { body: out, header: codings.join(", ") };
}

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  const put = await fetch(`${upstream.url}/v1/secrets/${PATH}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${upstream.tokens.admin}`, "content-type": "application/json" },
    body: JSON.stringify({ value: CANARY }),
  });
  expect(put.status).toBeLessThan(300);
  const read = await fetch(`${upstream.url}/v1/secrets/${PATH}`, {
    headers: { authorization: `Bearer ${upstream.tokens.admin}` },
  });
  body = Buffer.from(await read.text());
  expect(body.toString()).toContain(CANARY);
  served = await serve({ upstream });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

function inject(coded: { body: Buffer; header: string }, status = 200) {
  upstream.injectFault({
    operationId: "readSecret",
    status,
    body: coded.body,
    headers: { "content-type": "application/json", "content-encoding": coded.header },
  });
}

describe("stacked content codings", () => {
  it("five codings, every kind, decode as fetch decodes them", async () => {
    inject(encoded(["gzip", "br", "deflate", "zstd", "gzip"]));
    const result = await served.call("scaivault_read_secret", { path: PATH });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toContain(CANARY);
  });

  it.each([
    ["six gzip layers", () => encoded(["gzip", "gzip", "gzip", "gzip", "gzip", "gzip"]), 6],
    ["six mixed layers", () => encoded(["br", "gzip", "zstd", "deflate", "br", "gzip"]), 6],
    // Encoded once, declared 2,000 times: refused before any decoder is made (was 2,000 decoders, then an error).
    [
      "2,000 declared codings",
      () => ({ body: gzipSync(body), header: Array(2000).fill("gzip").join(",") }),
      2000,
    ],
  ])("%s: refused with a clear error, nothing of the body shown", async (_label, coded, count) => {
    const before = served.audit().length;
    inject(coded());
    const result = await served.call("scaivault_read_secret", { path: PATH });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      new RegExp(`encoded ${count} times over \\(Content-Encoding\\); at most 5 codings are decoded`),
    );
    expect(JSON.stringify(result)).not.toContain(CANARY);
    expect(served.audit()).toHaveLength(before + 1);
    expect(served.audit().at(-1)).toMatchObject({ decision: "error", upstream: { requests: 1 } });
  });

  it("a layer that decodes to a flood the next layer turns into nothing is bounded by the response cap", async () => {
    // Raw deflate: 2.2 million empty stored blocks (5 bytes each, 11 MB: over the 10 MB cap), then the body. It
    // decodes to the body alone; gzipped, the whole is 11 KB on the wire.
    const empty = Buffer.alloc(5 * 2_200_000);
    for (let i = 0; i < empty.length; i += 5) empty.writeUInt16LE(0xffff, i + 3);
    const flood = Buffer.concat([empty, deflateRawSync(body)]);
    const coded = { body: gzipSync(flood), header: "deflate, gzip" };
    expect(coded.body.length).toBeLessThan(64 * 1024);
    inject(coded);
    const result = await served.call("scaivault_read_secret", { path: PATH });
    expect(result.isError, textOf(result)).toBe(true);
    expect(textOf(result)).toMatch(/the upstream response is larger than 10 MiB/);
    expect(JSON.stringify(result)).not.toContain(CANARY);
    // The same flood as an error body is not read past its own cap either, and the server keeps serving.
    inject(coded, 500);
    const failed = await served.call("scaivault_read_secret", { path: PATH });
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed)).not.toContain(CANARY);
    const ok = await served.call("scaivault_read_secret", { path: PATH });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect(textOf(ok)).toContain(CANARY);
    // stderr read whole, once the server has exited: before, a line it wrote may not have been read yet.
    expect(await served.stderrAtExit()).not.toContain(CANARY);
  });
});
