/**
 * Where a webhook may be sent: a guard against server-side request forgery. A receiver's URL is
 * chosen by an integrator, so without this guard it could point the sender at the Lambda runtime API
 * (127.0.0.1:9001), the instance metadata service (169.254.169.254), or anything private.
 *
 * - `addressVerdict(ip)` (pure) refuses loopback, private, link-local, unspecified, shared (CGNAT),
 *   multicast, broadcast, reserved, benchmarking and documentation addresses, and judges the IPv4
 *   address inside IPv4-mapped, NAT64 and 6to4 IPv6 addresses. Of IPv6 only global unicast
 *   (2000::/3) outside its special blocks passes.
 * - `resolveTarget(url)` parses the URL (https only; in local mode `http://127.0.0.1`, `localhost` and
 *   `[::1]` too), resolves its host, refuses it if ANY address it resolves to is refused (a name may
 *   resolve to a public and a private address), and returns the one checked address: the sender
 *   connects there, so a second lookup (DNS rebinding) cannot change where the request goes.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** The addresses a host name resolves to (dns.lookup with `all: true`); injectable for tests. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Why an address is refused, or null when it may be connected to. */
export type AddressVerdict = null | 'invalid' | 'unspecified' | 'loopback' | 'private' | 'link_local' | 'shared' | 'multicast' | 'reserved' | 'documentation' | 'special';

type V4Block = readonly [base: string, bits: number, verdict: Exclude<AddressVerdict, null>];

const V4_BLOCKS: readonly V4Block[] = [
  ['0.0.0.0', 8, 'unspecified'], // "this network" (0.0.0.0 itself included)
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'], // carrier-grade NAT
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'], // instance metadata (169.254.169.254) included
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'special'], // IETF protocol assignments
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'special'], // 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'special'], // benchmarking
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // 255.255.255.255 (broadcast) included
];

/** An IPv4 address as an unsigned 32-bit number, or undefined if it is not dotted-quad. */
function v4Number(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const V4_RANGES = V4_BLOCKS.map(([base, bits, verdict]) => {
  const size = 2 ** (32 - bits);
  const start = Math.floor(v4Number(base)! / size) * size;
  return { start, end: start + size - 1, verdict };
});

function v4Verdict(n: number): AddressVerdict {
  return V4_RANGES.find((r) => n >= r.start && n <= r.end)?.verdict ?? null;
}

/** An IPv6 address as eight 16-bit groups (an embedded dotted quad and `::` expanded), or undefined. */
function v6Groups(ip: string): number[] | undefined {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // An embedded dotted quad (::ffff:127.0.0.1) becomes its two groups (::ffff:7f00:1).
    const v4 = v4Number(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const explicit = head.length + rest.length;
  if ([...head, ...rest].some(Number.isNaN)) return undefined;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
}

const embeddedV4 = (g: readonly number[], at: number) => g[at]! * 65536 + g[at + 1]!;

function v6Verdict(g: readonly number[]): AddressVerdict {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped): what the socket really reaches is the IPv4 address.
  if (zeros(0, 5) && g[5] === 0xffff) return v4Verdict(embeddedV4(g, 6));
  // ::a.b.c.d (IPv4-compatible, deprecated) and ::ffff:0:a.b.c.d (IPv4-translated): never a receiver.
  if (zeros(0, 6) || (zeros(0, 4) && g[4] === 0xffff && g[5] === 0)) return 'special';
  // 64:ff9b::/96 (NAT64, well-known prefix): judged by the IPv4 address it translates to.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Verdict(embeddedV4(g, 6));
  if (g[0]! >= 0xff00) return 'multicast';
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private'; // fc00::/7, unique local
  if ((g[0]! & 0xffc0) === 0xfe80 || (g[0]! & 0xffc0) === 0xfec0) return 'link_local'; // fe80::/10, and deprecated site-local fec0::/10
  // Only global unicast (2000::/3) is a place to send to; the rest is unassigned, discard-only (100::/64), local NAT64 (64:ff9b:1::/48)…
  if ((g[0]! & 0xe000) !== 0x2000) return 'reserved';
  if (g[0] === 0x2001 && g[1]! < 0x0200) return 'special'; // 2001::/23: Teredo, ORCHID, benchmarking…
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if ((g[0]! & 0xfff0) === 0x3ff0 && g[1]! < 0x1000) return 'documentation'; // 3fff::/20
  // 2002::/16 (6to4): the IPv4 address in bits 16–47.
  if (g[0] === 0x2002) return v4Verdict(embeddedV4(g, 1));
  return null;
}

/** Whether an IP address (v4 or v6, without brackets; a zone id is ignored) may be connected to. */
export function addressVerdict(ip: string): AddressVerdict {
  const bare = ip.replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return v4Verdict(v4Number(bare)!);
  if (family === 6) {
    const groups = v6Groups(bare.toLowerCase());
    return groups ? v6Verdict(groups) : 'invalid';
  }
  return 'invalid';
}

export const isAllowedAddress = (ip: string): boolean => addressVerdict(ip) === null;

/** Where to send: the URL, its host as written (Host header, TLS server name) and the checked address to connect to. */
export type Target = { ok: true; url: URL; host: string; address: string; family: 4 | 6 };
export type Refusal = { ok: false; error_class: 'address_refused' | 'dns'; reason: string };

const LOCAL_HOSTS: Record<string, { address: string; family: 4 | 6 }> = {
  '127.0.0.1': { address: '127.0.0.1', family: 4 },
  // localhost is loopback by definition (RFC 6761): no lookup, and the IPv4 loopback a local listener binds.
  localhost: { address: '127.0.0.1', family: 4 },
  '::1': { address: '::1', family: 6 },
};

/**
 * The address a webhook URL may be sent to, or why not. `allowLocalHttp` (local mode only, never in
 * AWS) lets `http(s)://127.0.0.1`, `localhost` and `[::1]` through, on any port.
 */
export async function resolveTarget(rawUrl: string, options: { allowLocalHttp: boolean; resolver?: Resolver }): Promise<Target | Refusal> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, error_class: 'address_refused', reason: 'not a URL' };
  }
  // The WHATWG parser has normalised the host: `http://2130706433`, `0x7f.1` and `127.1` are all 127.0.0.1 by now.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.username || url.password) return { ok: false, error_class: 'address_refused', reason: 'credentials in the URL' };
  const local = options.allowLocalHttp ? LOCAL_HOSTS[host.toLowerCase()] : undefined;
  if (local && (url.protocol === 'http:' || url.protocol === 'https:')) return { ok: true, url, host, ...local };
  if (url.protocol !== 'https:') return { ok: false, error_class: 'address_refused', reason: 'not https' };
  if (host === '') return { ok: false, error_class: 'address_refused', reason: 'no host' };

  const literal = isIP(host);
  if (literal) {
    const verdict = addressVerdict(host);
    return verdict ? { ok: false, error_class: 'address_refused', reason: verdict } : { ok: true, url, host, address: host, family: literal as 4 | 6 };
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await (options.resolver ?? systemResolver)(host);
  } catch {
    return { ok: false, error_class: 'dns', reason: 'lookup failed' };
  }
  if (addresses.length === 0) return { ok: false, error_class: 'dns', reason: 'no address' };
  const refused = addresses.map((a) => addressVerdict(a.address)).find((v) => v !== null);
  if (refused) return { ok: false, error_class: 'address_refused', reason: refused };
  const first = addresses[0]!;
  return { ok: true, url, host, address: first.address, family: isIP(first.address) === 6 ? 6 : 4 };
}
