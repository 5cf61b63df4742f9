import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { logLine } from "../telemetry/log.js";
import { closeInStages } from "./http-node.js";

/**
 * A bound on the connections open at once. Without one, anyone who can reach the port holds sockets for free:
 * idle keep-alive connections, connections that trickle their headers a byte at a time (each lives up to the
 * headers timeout), connections that never send anything. Each costs a descriptor and memory before any
 * authentication, and enough of them leave no descriptor for the clients the server is for.
 *
 * At the bound, a new connection closes the oldest one that is serving no request, choosing first among those
 * that never carried an authenticated request (a flood's own sockets, whatever their state), then among the
 * others (an authenticated client's idle keep-alive socket, which it reopens). A connection serving a request is
 * never closed for another. When every connection is serving one, the new one is answered 503 and closed in
 * stages (`closeInStages`: a request already sent on it is read within a bound, not served). So a flood of
 * unauthenticated sockets can take no more than the bound, and never a request in progress.
 */

interface Tracked {
  /** Requests on it whose response has not finished. */
  serving: number;
  /** Whether a request on it has authenticated. */
  trusted: boolean;
}

const REFUSED = Buffer.from(
  "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/plain\r\nContent-Length: 45\r\n\r\ntoo many connections are serving requests now",
);

export class ConnectionBudget {
  /** Open connections, oldest first (a Map keeps insertion order). */
  private readonly open = new Map<Socket, Tracked>();
  /** Connections answered 503, closing in stages, oldest first. */
  private readonly refused = new Set<Socket>();
  private warned = false;

  constructor(private readonly max: number) {}

  /** Counts the server's connections and the requests each is serving (call before it listens). */
  attach(server: Server): void {
    server.on("connection", (socket: Socket) => this.admit(socket));
    const serving = (req: IncomingMessage, res: ServerResponse) => {
      const tracked = this.open.get(req.socket);
      if (!tracked) return;
      tracked.serving += 1;
      res.once("close", () => {
        tracked.serving -= 1;
      });
    };
    server.on("request", serving);
    // node hands a request with `Expect: 100-continue` to this listener instead (http.ts listens for it): counted
    // only on 'request', its connection was closed for a new one while its call ran.
    server.on("checkContinue", serving);
  }

  /** Marks the connection a request came on as used by an authenticated client. */
  trust(req: IncomingMessage): void {
    const tracked = this.open.get(req.socket);
    if (tracked) tracked.trusted = true;
  }

  get size(): number {
    return this.open.size;
  }

  private admit(socket: Socket): void {
    if (this.open.size >= this.max && !this.evictOne()) {
      this.refuse(socket);
      return;
    }
    this.open.set(socket, { serving: 0, trusted: false });
    socket.once("close", () => this.open.delete(socket));
  }

  /**
   * Answers 503 and closes in stages, as an answer that closes its connection is: a client already sending its
   * request reads the 503 (destroyed at once, with its bytes unread, the socket sent a reset instead), and no
   * request sent on it is served. At most `max` such connections linger, the oldest destroyed for a new one: they
   * are not among the open ones counted, and a flood of them would otherwise hold a descriptor each.
   */
  private refuse(socket: Socket): void {
    this.warn();
    if (this.refused.size >= this.max) {
      const oldest = this.refused.values().next().value!;
      this.refused.delete(oldest);
      oldest.destroy();
    }
    this.refused.add(socket);
    socket.once("close", () => this.refused.delete(socket));
    closeInStages(socket);
    socket.write(REFUSED);
    socket.destroySoon();
  }

  /** Closes the oldest connection serving no request (untrusted first); false when every one is serving. */
  private evictOne(): boolean {
    let fallback: Socket | undefined;
    for (const [socket, tracked] of this.open) {
      if (tracked.serving > 0) continue;
      if (!tracked.trusted) return this.evict(socket);
      fallback ??= socket;
    }
    return fallback !== undefined && this.evict(fallback);
  }

  private evict(socket: Socket): true {
    this.warn();
    this.open.delete(socket);
    socket.destroy();
    return true;
  }

  private warn(): void {
    if (this.warned) return;
    this.warned = true;
    logLine(
      `http: ${this.max} connections are open (--max-connections, TOOLWRIGHT_MAX_CONNECTIONS): the oldest serving no request are closed for new ones (said once)`,
    );
  }
}
