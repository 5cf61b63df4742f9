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
  ["224.0.0.0", 4, "ipv4", "special"],
  ["240.0.0.0", 4, "ipv4", "special"],
  ["ff00::", 8, "ipv6", "special"],
  ["2001:db8::", 32, "ipv6", "special"],
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

/** The network an IP address is on (IPv4-mapped, NAT64 and 6to4 addresses as the IPv4 address they carry). */
export function reachOfAddress(address: string): Reach {
  const net = process.getBuiltinModule("node:net");
  const bare = address.replace(/^\[|\]$/g, "").toLowerCase();
  const family = net.isIP(bare);
  if (family === 0) return "special";
  // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
  const nat64 = /^64:ff9b::([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (nat64) {
    const n = (Number.parseInt(nat64[1]!, 16) << 16) | Number.parseInt(nat64[2]!, 16);
    return reachOfAddress([24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join("."));
  }
  lists ??= [...BLOCKS, ...sixToFour()].map(([prefix, bits, type, reach]) => {
    const list = new net.BlockList();
    list.addSubnet(prefix, bits, type);
    return [list, reach];
  });
  const type = family === 4 ? "ipv4" : "ipv6";
  for (const [list, reach] of lists) if (list.check(bare, type)) return reach;
  return "public";
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
