import { connect, type Socket } from "node:net";

/**
 * Answers a proxy's CONNECT: opens `host:port`, then says 200 to `client` and splices the two sockets (with the
 * bytes the client sent after its request, `head`); either side's end or error ends the other. Both sockets go into
 * `sockets`, for the proxy's close to destroy.
 */
export function tunnel(client: Socket, head: Buffer, host: string, port: number, sockets: Set<Socket>): void {
  const onward = connect(port, host, () => {
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) onward.write(head);
    onward.pipe(client);
    client.pipe(onward);
  });
  sockets.add(client);
  sockets.add(onward);
  onward.on("error", () => client.destroy());
  client.on("error", () => onward.destroy());
  client.on("close", () => onward.destroy());
  onward.on("close", () => client.destroy());
}
