import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

/**
 * Request targets and methods as hostile or unusual clients send them, through a real `toolwright serve` and
 * node's http client (which sends the target and Host it is given): the absolute form a client sends to a proxy
 * (`POST http://host/mcp HTTP/1.1`), whose authority replaces Host (RFC 9112 3.2.2), and methods a web `Request`
 * cannot carry.
 */

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };

let served: Served;
let host: string;
beforeAll(async () => {
  served = await serveHttp(await fixtureCatalog(), fixtureEnv());
  host = new URL(served.url).host;
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

const message = (body: string) => (JSON.parse(body) as { error: { message: string } }).error.message;

describe("an absolute-form request target", () => {
  it("is served by its path when its authority is an allowed host", async () => {
    const res = await raw(served.url, {
      path: `http://${host}/mcp`,
      headers: { ...MCP_HEADERS, ...auth },
      body: INITIALIZE,
    });
    // Before: 404, the target taken as a path.
    expect(res.status).toBe(200);
    expect(res.body).toContain('"protocolVersion"');
  });

  it("is refused 403 when its authority is not an allowed host, on every path", async () => {
    for (const path of ["/mcp", "/healthz", "/metrics", "/.well-known/oauth-protected-resource"]) {
      const res = await raw(served.url, {
        method: path === "/mcp" ? "POST" : "GET",
        path: `http://rebind.example${path}`,
        headers: { ...MCP_HEADERS, ...auth, host: "rebind.example" },
        ...(path === "/mcp" ? { body: INITIALIZE } : {}),
      });
      // The authority is the Host judged: a probe's answers an IP address only, not a name.
      expect([path, res.status, message(res.body)]).toEqual([path, 403, "Forbidden: Host not allowed"]);
    }
  });

  it("is refused 400 when the Host header names another authority, or it carries userinfo or another scheme", async () => {
    const cases = [
      { target: "http://rebind.example/mcp", host, said: "the Host header must name the authority" },
      {
        target: `http://${host}/mcp`,
        host: "rebind.example",
        said: "the Host header must name the authority",
      },
      { target: `http://user@${host}/mcp`, host, said: "carries userinfo" },
      { target: `ftp://${host}/mcp`, host, said: "is not an http or https URL" },
    ];
    for (const { target, host: sent, said } of cases) {
      const res = await raw(served.url, {
        path: target,
        headers: { ...MCP_HEADERS, ...auth, host: sent },
        body: INITIALIZE,
      });
      expect([target, res.status]).toEqual([target, 400]);
      expect(message(res.body)).toContain(said);
    }
  });
});

describe("credentials a client sent in a request target, a Host or an Origin", () => {
  it("are withheld from the answer that refuses them, which still says why", async () => {
    const secret = "pw-canary-3c81e0";
    // Before, each answer quoted the value whole: the password or token came back in the error message.
    const cases = [
      { path: `http://alice:${secret}@${host}/mcp`, status: 400, said: "carries userinfo" },
      {
        path: `http://rebind.example/mcp?access_token=${secret}`,
        status: 400,
        said: "the Host header must name the authority",
      },
      { path: `ftp://${host}/mcp?access_token=${secret}`, status: 400, said: "is not an http or https URL" },
      { path: "/mcp", sent: `alice:${secret}@${host}`, status: 400, said: "carries userinfo" },
      {
        path: "/mcp",
        origin: `http://alice:${secret}@${host}`,
        status: 403,
        said: "is not an origin as a browser sends it",
      },
      {
        path: "/mcp",
        origin: `http://${host}/?access_token=${secret}`,
        status: 403,
        said: "is not an origin as a browser sends it",
      },
      {
        path: "/mcp",
        origin: `https://evil.example/?token=${secret}`,
        status: 403,
        said: "is not an origin as a browser sends it",
      },
    ];
    for (const { path, sent, origin, status, said } of cases) {
      const res = await raw(served.url, {
        path,
        headers: { ...MCP_HEADERS, ...auth, host: sent ?? host, ...(origin ? { origin } : {}) },
        body: INITIALIZE,
      });
      expect([path, sent, origin, res.status]).toEqual([path, sent, origin, status]);
      expect(message(res.body)).toContain(said);
      expect(message(res.body)).toContain("[redacted]");
      expect(res.body).not.toContain(secret);
    }
    expect(served.stderr()).not.toContain(secret);
  });
});

describe("a Host header that is no host[:port]", () => {
  it("is refused 400 with the reason, on the MCP endpoint and the probes", async () => {
    const ip = new URL(served.url).hostname;
    const cases = [
      // Before: served (200), the port matched as any five digits.
      { host: `${ip}:99999`, said: "has a port that is not a number from 0 to 65535" },
      // Before, these: 403 "Host not allowed", as if a well-formed name were not on the list.
      { host: `${ip}:80x`, said: "has a port that is not a number from 0 to 65535" },
      { host: `${ip}:+80`, said: "has a port that is not a number from 0 to 65535" },
      { host: `user@${host}`, said: "carries userinfo: a Host holds none, only host[:port] (RFC 9110 7.2)" },
      { host: `${ip}/mcp`, said: "is not host[:port] (RFC 9110 7.2)" },
      { host: `${ip}:80:80`, said: "is not host[:port] (RFC 9110 7.2)" },
    ];
    for (const path of ["/mcp", "/healthz"]) {
      for (const { host: sent, said } of cases) {
        const res = await raw(served.url, {
          method: path === "/mcp" ? "POST" : "GET",
          path,
          headers: { ...MCP_HEADERS, ...auth, host: sent },
          ...(path === "/mcp" ? { body: INITIALIZE } : {}),
        });
        expect([path, sent, res.status]).toEqual([path, sent, 400]);
        // A userinfo is withheld (see "credentials a client sent" below).
        const shown = sent.replace(/^[^@]*@/, "[redacted]@");
        expect(message(res.body)).toBe(`Bad Request: the Host header ${JSON.stringify(shown)} ${said}`);
      }
    }
  });

  it("is the same host by value: a port with leading zeros or none, an IPv6 address however written", async () => {
    const { hostname: ip, port } = new URL(served.url);
    // Before: 400 "has a port that is not a number from 0 to 65535" (the first three), 403 (the IPv6 ones).
    for (const sent of [
      `${ip}:0${port}`,
      `${ip}:00000${port}`,
      `${ip}:`,
      `[0:0:0:0:0:0:0:1]:${port}`,
      "[0::1]",
    ]) {
      const res = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, host: sent },
        body: INITIALIZE,
      });
      expect([sent, res.status]).toEqual([sent, 200]);
    }
    // An absolute-form target's authority and the Host are compared the same way (the default port is none).
    for (const [target, sent] of [
      [`http://${ip}:0${port}/mcp`, `${ip}:${port}`],
      [`http://${ip}/mcp`, `${ip}:80`],
      [`http://${ip}:80/mcp`, ip],
    ] as const) {
      const res = await raw(served.url, {
        path: target,
        headers: { ...MCP_HEADERS, ...auth, host: sent },
        body: INITIALIZE,
      });
      expect([target, sent, res.status]).toEqual([target, sent, 200]);
    }
    for (const [target, sent] of [
      [`http://${ip}:${port}/mcp`, ip],
      [`https://${ip}/mcp`, `${ip}:80`],
    ] as const) {
      const res = await raw(served.url, {
        path: target,
        headers: { ...MCP_HEADERS, ...auth, host: sent },
        body: INITIALIZE,
      });
      expect([target, sent, res.status]).toEqual([target, sent, 400]);
    }
  });

  it("is still served with a port from 0 to 65535, and refused 403 when well formed but not allowed", async () => {
    const ip = new URL(served.url).hostname;
    for (const sent of [`${ip}:65535`, `${ip}:0`, host]) {
      const res = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, host: sent },
        body: INITIALIZE,
      });
      expect([sent, res.status]).toEqual([sent, 200]);
    }
    const res = await raw(served.url, {
      headers: { ...MCP_HEADERS, ...auth, host: "rebind.example:65535" },
      body: INITIALIZE,
    });
    expect([res.status, message(res.body)]).toEqual([403, "Forbidden: Host not allowed"]);
  });
});

describe("a method the MCP endpoint does not take", () => {
  it("TRACE is 405 with Allow, as any other is, not a 500", async () => {
    const res = await raw(served.url, { method: "TRACE", headers: auth });
    // Before: 500 `internal error`, the SDK's web Request refusing the method.
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST");
    expect(message(res.body)).toBe("Method Not Allowed: the MCP endpoint takes POST, not TRACE");
    // Unauthenticated, it is refused as any request is.
    expect((await raw(served.url, { method: "TRACE" })).status).toBe(401);
  });

  it("CONNECT is answered 405 with Allow, then the connection closed, not closed without an answer", async () => {
    // A proxy's client sends its tunnel's first bytes after the request, before any answer: they are not served.
    const answer = await rawExchange(
      `CONNECT ${host} HTTP/1.1\r\nHost: ${host}\r\n\r\nGET / HTTP/1.1\r\n\r\n`,
    );
    // Before: "", node destroying the socket of a CONNECT nobody listened for.
    const [head = "", body] = answer.split("\r\n\r\n");
    const lines = head.split("\r\n");
    expect(lines[0]).toBe("HTTP/1.1 405 Method Not Allowed");
    expect(lines).toContain("Allow: POST");
    expect(lines).toContain("Connection: close");
    expect(message(body ?? "")).toBe(
      "Method Not Allowed: the MCP endpoint takes POST, not CONNECT (this server is no proxy)",
    );
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });
});

/** Sends `request` on a new connection; resolves with all the server sent once it closed the connection. */
function rawExchange(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(served.url).port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    socket.once("error", reject);
    // The server ends its side after the answer; this side ends then, as a client does.
    socket.once("end", () => socket.end());
    socket.once("close", () => resolve(answer));
    socket.write(request);
  });
}
