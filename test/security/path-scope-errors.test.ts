import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { type Served, serve } from "./harness.js";

/**
 * A path scope hides what lies outside it: listings are filtered, reads elsewhere refused. The upstream's own
 * error words were shown as they came, so an error quoting another path ("no secret at integrations/x; the
 * nearest is infra/db/root") named what the scope hides. While a list is set, a path-scoped tool's upstream words
 * are shown only when every path-like text in them lies inside the scope; otherwise they are withheld (the status
 * and code stay). ScaiVault's reference upstream on 127.0.0.1, `toolwright serve scaivault` over stdio, masking off.
 */

const HIDDEN = "infra/db/root-canary";

let upstream: ScaivaultUpstream;
let server: Served;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  server = await serve({ upstream, env: { SCAIVAULT_ALLOWED_PATHS: "integrations/" } });
});

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

function answer(status: number, message: string) {
  upstream.injectFault({
    operationId: "readSecret",
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message }),
  });
}

describe("a path-scoped tool's upstream error words name no path outside the scope", () => {
  it("a 404 naming a path outside the scope: withheld", async () => {
    answer(404, `no secret at integrations/x; the nearest is ${HIDDEN}`);
    const result = await server.call("scaivault_read_secret", { path: "integrations/x" });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(HIDDEN);
    expect(result.content?.[0]?.text).toMatch(
      /^upstream answered HTTP 404 Not Found: \(the upstream's message is withheld while the path scope is set: it names a path outside it\)/,
    );
  });

  it("a URL or a path the scope cannot read counts as outside", async () => {
    answer(500, `see /v1/secrets/../${HIDDEN} for details`);
    const result = await server.call("scaivault_read_secret", { path: "integrations/x" });
    expect(JSON.stringify(result)).not.toContain(HIDDEN);
  });

  it("words naming only paths inside the scope, or none, are shown", async () => {
    answer(404, "no secret at integrations/x");
    const inside = await server.call("scaivault_read_secret", { path: "integrations/x" });
    expect(inside.content?.[0]?.text).toContain("no secret at integrations/x");
    answer(409, "the secret is locked by a rotation");
    const none = await server.call("scaivault_read_secret", { path: "integrations/x" });
    expect(none.content?.[0]?.text).toContain("the secret is locked by a rotation");
  });

  it("the hidden path reached neither the audit file nor stderr (read whole, once the server has exited)", async () => {
    expect(server.auditText()).not.toContain(HIDDEN);
    expect(await server.stderrAtExit()).not.toContain(HIDDEN);
  });
});
