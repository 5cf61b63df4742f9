import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

export interface HeldUpstream {
  /** Where it listens (set by the file's beforeAll). */
  url: string;
  /** The response of each request it got, unanswered, for the test to answer or destroy. */
  held: ServerResponse[];
}

/**
 * An upstream on 127.0.0.1 that answers nothing by itself: each request waits in `held` until the test answers it,
 * so it stays in flight. It listens from the calling file's beforeAll to its afterAll.
 */
export function heldUpstream(): HeldUpstream {
  const upstream: HeldUpstream = { url: "", held: [] };
  const server = createServer((_req, res) => {
    upstream.held.push(res);
  });
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return upstream;
}
