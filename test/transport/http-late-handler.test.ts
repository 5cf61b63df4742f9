import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

/**
 * A hand-written handler that resolves after its call was stopped (the fixture's `fixture_slow` answers as soon as
 * its signal aborts, with a success): its client got a cancellation or the server's request timeout, and the audit
 * record says that, not `allowed` with the late result's effect.
 */

let catalogDir: string;
beforeAll(async () => {
  catalogDir = await fixtureCatalog();
});

/** The audit record of the first `fixture_slow` call on the server's stderr. */
async function slowRecord(
  waitForStderr: (wanted: RegExp) => Promise<string>,
): Promise<Record<string, unknown>> {
  const stderr = await waitForStderr(/"tool":"fixture_slow"[^\n]*\n/);
  const line = stderr.split("\n").find((l) => l.includes('"tool":"fixture_slow"'))!;
  return JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>;
}

async function connected(url: string): Promise<Client> {
  const client = new Client({ name: "late-handler", version: "1" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${FIXTURE_KEY}` } },
    }),
  );
  onTestFinished(() => client.close());
  return client;
}

describe("a handler's result after its call was stopped", () => {
  it("is audited as the server's request timeout the client got", async () => {
    const served = await serveHttp(catalogDir, fixtureEnv(), {
      args: ["--http", "--port", "0", "--request-timeout", "1"],
    });
    onTestFinished(() => void served.stop("SIGKILL"));
    const client = await connected(served.url);
    await expect(
      client.callTool({ name: "fixture_slow", arguments: { ms: 60_000 } }, { timeout: 120_000 }),
    ).rejects.toThrow("the server's request timeout (1 s, --request-timeout) ended the request");
    const record = await slowRecord((wanted) => served.waitForStderr(wanted));
    expect(record).toMatchObject({ decision: "error", error: "request_timeout" });
  });

  it("is audited as the cancellation the client sent", async () => {
    const served = await serveHttp(catalogDir, fixtureEnv());
    onTestFinished(() => void served.stop("SIGKILL"));
    const client = await connected(served.url);
    const cancel = new AbortController();
    // The handler has started (its progress arrived): the client cancels, and the handler then resolves.
    const call = client.callTool(
      { name: "fixture_slow", arguments: { ms: 60_000 } },
      { signal: cancel.signal, timeout: 120_000, onprogress: () => cancel.abort("the user gave up") },
    );
    await expect(call).rejects.toThrow();
    const record = await slowRecord((wanted) => served.waitForStderr(wanted));
    expect(record).toMatchObject({ decision: "error", error: "cancelled" });
  });
});
