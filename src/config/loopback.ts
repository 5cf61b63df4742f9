/**
 * Whether `host` (a host name, an IP literal, or a bracketed IPv6 literal as URLs write it) is this machine:
 * `localhost`, `::1`, or an IPv4 literal in 127.0.0.0/8. Only literals count; `127.attacker.example` is a
 * name anyone can point anywhere. Shared by the bind address check (which judges the address as bound,
 * `canonicalAddress`), the plain-http issuer/JWKS check and the plain-http token endpoint check of upstream OAuth2.
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return process.getBuiltinModule("node:net").isIP(bare) === 4 && bare.startsWith("127.");
}

/**
 * An address as the socket it names is bound: an IP literal in its one canonical text, without brackets (an IPv6
 * address as RFC 5952 writes it, `0:0:0:0:0:0:0:1` is `::1`; an IPv4-mapped one as the IPv4 address it serves,
 * `::ffff:127.0.0.1` is `127.0.0.1`; an IPv4 address in a form getaddrinfo and the URL standard read alike, `127.1`,
 * `0x7f.0.0.1`, `2130706433` and `0` are `127.0.0.1` and `0.0.0.0`), or a name as given. Judged as written, each
 * of these was "not loopback" (or not the wildcard) while node bound the address it names.
 */
export function canonicalAddress(host: string): string {
  const net = process.getBuiltinModule("node:net");
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (net.isIP(bare) === 6) {
    let text: string;
    try {
      text = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
    } catch {
      return bare; // a scoped address (fe80::1%eth0): no URL writes it
    }
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
    if (!mapped) return text;
    const high = Number.parseInt(mapped[1]!, 16);
    const low = Number.parseInt(mapped[2]!, 16);
    return [high >> 8, high & 255, low >> 8, low & 255].join(".");
  }
  if (bare === host && /^[0-9a-fx.]+$/i.test(host)) {
    try {
      const read = new URL(`http://${host}/`).hostname;
      if (net.isIP(read) === 4) return read;
    } catch {
      // not an address the URL standard reads: a name, left as given
    }
  }
  return host;
}
