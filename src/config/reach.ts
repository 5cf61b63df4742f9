/**
 * Which network an address is on, for the URLs the server fetches because a document told it to: the `jwks_uri`
 * an issuer's metadata names, the `token_endpoint` an upstream's OpenID Connect discovery document names. Such a
 * URL is written by whoever controls (or rewrote) the document, so a public issuer naming
 * `https://169.254.169.254/...` or `https://10.0.0.7/...` had this server send requests into its own network
 * (server-side request forgery: a cloud metadata service, an admin port). The rule: a named URL may be on the
 * public internet, or on the same kind of network as the document that named it (an issuer on this machine may
 * name keys on this machine, one on a private network keys on that network); anything else is refused before a
 * request is sent. A host name counts as every address it resolves to; the same host as the document's needs no
 * look-up.
 */

export type Reach = "public" | "private" | "loopback" | "link-local" | "special";

/** Address blocks that are not the public internet (RFC 6890 and its successors), most specific first. */
const BLOCKS: ReadonlyArray<[string, number, "ipv4" | "ipv6", Exclude<Reach, "public">]> = [
  // "This host": a connection to 0.0.0.0 (or ::) reaches this machine on Linux and macOS.
  ["0.0.0.0", 8, "ipv4", "loopback"],
  ["127.0.0.0", 8, "ipv4", "loopback"],
  ["::", 128, "ipv6", "loopback"],
  ["::1", 128, "ipv6", "loopback"],
  ["10.0.0.0", 8, "ipv4", "private"],
  ["172.16.0.0", 12, "ipv4", "private"],
  ["192.168.0.0", 16, "ipv4", "private"],
  // Carrier-grade NAT and the benchmarking range: reachable inside a provider's or a lab's network only.
  ["100.64.0.0", 10, "ipv4", "private"],
  ["198.18.0.0", 15, "ipv4", "private"],
  ["fc00::", 7, "ipv6", "private"],
  // Cloud metadata services (169.254.169.254, fd00:ec2::254 is unique-local above) live here.
  ["169.254.0.0", 16, "ipv4", "link-local"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["192.0.0.0", 24, "ipv4", "special"],
  // Documentation (TEST-NET-1, -2, -3: RFC 5737): never a destination on the internet.
  ["192.0.2.0", 24, "ipv4", "special"],
  ["198.51.100.0", 24, "ipv4", "special"],
  ["203.0.113.0", 24, "ipv4", "special"],
  ["224.0.0.0", 4, "ipv4", "special"],
  ["240.0.0.0", 4, "ipv4", "special"],
  ["ff00::", 8, "ipv6", "special"],
  ["2001:db8::", 32, "ipv6", "special"],
  ["3fff::", 20, "ipv6", "special"],
  // Discard-only (RFC 6666), IETF protocol assignments (Teredo, which carries an IPv4 address, benchmarking, ORCHID)
  // and segment routing identifiers (RFC 9602): none is a host a document may name.
  ["100::", 64, "ipv6", "special"],
  ["2001::", 23, "ipv6", "special"],
  ["5f00::", 16, "ipv6", "special"],
  // Site-local (deprecated by RFC 3879, still routed inside sites that used it).
  ["fec0::", 10, "ipv6", "private"],
  // Local-use NAT64 (RFC 8215): a translator on this network, to whatever IPv4 address it embeds.
  ["64:ff9b:1::", 48, "ipv6", "private"],
  // IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291): never a public destination.
  ["::", 96, "ipv6", "special"],
];

/**
 * 6to4 (2002::/16, RFC 3056) carries an IPv4 address in its bits 16-47, and a relay delivers to it: each IPv4 block
 * above is that block inside 2002::/16 too (`2002:a9fe::/32` is 169.254.0.0/16).
 */
function sixToFour(): typeof BLOCKS {
  return BLOCKS.filter(([, , type]) => type === "ipv4").map(([prefix, bits, , reach]) => {
    const n = prefix.split(".").reduce((a, octet) => a * 256 + Number(octet), 0);
    return [
      `2002:${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}::`,
      16 + bits,
      "ipv6",
      reach,
    ];
  });
}

let lists: Array<[import("node:net").BlockList, Exclude<Reach, "public">]> | undefined;

/**
 * The network an IP address is on (IPv4-mapped, NAT64, SIIT-translated and 6to4 addresses as the IPv4 address they
 * carry).
 */
export function reachOfAddress(address: string): Reach {
  const net = process.getBuiltinModule("node:net");
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  const family = net.isIP(bare);
  if (family === 0) return "special";
  const carried = family === 6 ? translatedIpv4(bare) : undefined;
  if (carried !== undefined) return reachOfAddress(carried);
  lists ??= [...BLOCKS, ...sixToFour()].map(([prefix, bits, type, reach]) => {
    const list = new net.BlockList();
    list.addSubnet(prefix, bits, type);
    return [list, reach];
  });
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const [list, reach] of lists) if (list.check(bare, type)) return reach;
  return "public";
}

/**
 * The IPv4 address an IPv6 address carrying one reaches, in any spelling of it (compressed or not, leading zeros,
 * the last 32 bits dotted): NAT64's well-known prefix (64:ff9b::/96, RFC 6052), SIIT's IPv4-translated addresses
 * (::ffff:0:0:0/96, RFC 2765) and IPv4-mapped ones (::ffff:0:0/96), whose last 32 bits are the IPv4 address a
 * translator (or this machine's stack) delivers to.
 */
export function translatedIpv4(address: string): string | undefined {
  const words = ipv6Words(address);
  const prefix = words
    ?.slice(0, 6)
    .map((w) => w.toString(16))
    .join(":");
  if (words === undefined || prefix === undefined || !CARRIERS.has(prefix)) return undefined;
  return [words[6]! >> 8, words[6]! & 255, words[7]! >> 8, words[7]! & 255].join(".");
}

/** The first 96 bits of the IPv6 prefixes whose last 32 bits are an IPv4 address (`translatedIpv4`). */
const CARRIERS = new Set(["64:ff9b:0:0:0:0", "0:0:0:0:ffff:0", "0:0:0:0:0:ffff"]);

/** The eight 16-bit words of an IPv6 address `net.isIP` accepted (a zone index ignored), or undefined. */
export function ipv6Words(address: string): number[] | undefined {
  let text = address.split("%")[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(":").map((w) => Number.parseInt(w, 16)) : []);
  const front = part(head);
  const back = part(tail);
  const words =
    tail === undefined ? front : [...front, ...Array(8 - front.length - back.length).fill(0), ...back];
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff)
    ? words
    : undefined;
}

/** Resolves a host name to every address it has (`dns.lookup`, as a connection would). */
export type Lookup = (host: string) => Promise<ReadonlyArray<{ address: string }>>;

export const systemLookup: Lookup = (host) =>
  process.getBuiltinModule("node:dns").promises.lookup(host, { all: true, verbatim: true });

/**
 * The networks a URL's host is on (its literal's, `localhost`'s, or those of every address its name resolves to),
 * and for a name the addresses it resolved to (what a connection to it may use).
 */
async function reachOfHost(
  hostname: string,
  lookup: Lookup,
): Promise<{ found: Map<Reach, string>; addresses?: string[] }> {
  const bare = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (process.getBuiltinModule("node:net").isIP(bare) !== 0)
    return { found: new Map([[reachOfAddress(bare), bare]]) };
  if (bare === "localhost" || bare.endsWith(".localhost")) return { found: new Map([["loopback", bare]]) };
  const found = new Map<Reach, string>();
  const addresses: string[] = [];
  for (const { address } of await lookup(bare)) {
    const reach = reachOfAddress(address);
    if (!found.has(reach)) found.set(reach, address);
    addresses.push(address);
  }
  return { found, addresses };
}

const NAMES: Record<Exclude<Reach, "public">, string> = {
  private: "a private-network address",
  loopback: "an address of this machine",
  "link-local": "a link-local address",
  special: "a reserved address",
};

/**
 * What checking `named` (a URL the document at `from` named) found: why it may not be fetched (`refused`), or, when
 * it may (on the public internet, or on a network `from`'s host is on too), the addresses its host name resolved to.
 * A request to it must connect to those only (`pinnedLookup`): resolving the name again would let a name answer a
 * public address to the check and an internal one to the connection (DNS rebinding). No addresses for a literal,
 * `localhost`, or the document's own host (needs no look-up). A name that cannot be resolved is refused (fail closed).
 */
export async function checkNamedUrl(
  named: URL,
  from: URL,
  lookup: Lookup = systemLookup,
): Promise<{ refused: string } | { refused?: undefined; addresses?: readonly string[] }> {
  if (named.hostname === from.hostname) return {};
  let target: Awaited<ReturnType<typeof reachOfHost>>;
  try {
    target = await reachOfHost(named.hostname, lookup);
  } catch (error) {
    return {
      refused: `its host ${named.hostname} could not be resolved (${(error as { code?: string }).code ?? (error as Error).name})`,
    };
  }
  if (target.found.size === 0) return { refused: `its host ${named.hostname} resolves to no address` };
  const own = await reachOfHost(from.hostname, lookup).catch(() => ({ found: new Map<Reach, string>() }));
  for (const [reach, address] of target.found) {
    if (reach === "public" || own.found.has(reach)) continue;
    const at = address === named.hostname.replace(/^\[|\]$/g, "") ? "" : ` (${named.hostname} is ${address})`;
    return { refused: `it is at ${NAMES[reach]}${at} while ${from.host} is not` };
  }
  return target.addresses ? { addresses: target.addresses } : {};
}

/** Why `named` may not be fetched, or undefined when it may (`checkNamedUrl`). */
export async function namedUrlRefusal(
  named: URL,
  from: URL,
  lookup: Lookup = systemLookup,
): Promise<string | undefined> {
  return (await checkNamedUrl(named, from, lookup)).refused;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | Array<{ address: string; family: number }>,
  family?: number,
) => void;

/**
 * A `lookup` for `net.connect`/`http.request` that answers only `addresses` (those a check passed), never asking
 * the resolver again; the host name stays the request's, so TLS is still verified against it.
 */
export function pinnedLookup(addresses: readonly string[]) {
  const net = process.getBuiltinModule("node:net");
  const all = addresses.map((address) => ({ address, family: net.isIP(address) }));
  return (_host: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const usable = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
    if (usable.length === 0) {
      const error: NodeJS.ErrnoException = new Error(`no checked address of family ${family}`);
      error.code = "ENOTFOUND";
      return callback(error, "");
    }
    if (options.all) return callback(null, usable);
    return callback(null, usable[0]!.address, usable[0]!.family);
  };
}
