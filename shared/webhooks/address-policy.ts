import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook must never reach: private, loopback, link-local (cloud metadata
 * lives at 169.254.169.254 and fd00:ec2::254), carrier-grade NAT, multicast, reserved,
 * unspecified, and the IPv6 forms that embed an IPv4 address.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local, deprecated but still routed by some stacks.
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  // Teredo: its embedded client address is obfuscated; never a webhook endpoint.
  ['2001::', 32],
  // NAT64's local-use prefix, whose translation is the operator's own.
  ['64:ff9b:1::', 48],
  ['100::', 64],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** An IPv6 address as its eight 16-bit groups (`::` expanded, a dotted IPv4 tail converted). */
function groupsOf(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (side: string) =>
    side === '' ? [] : side.split(':').map((group) => Number.parseInt(group, 16));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((group) => group >= 0 && group <= 0xffff) ? groups : undefined;
}

const ipv4Of = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

/**
 * The IPv4 address an IPv6 address stands for, by every form that embeds one: IPv4-
 * compatible (`::a.b.c.d`, deprecated), IPv4-mapped (`::ffff:a.b.c.d`), IPv4-translated
 * (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`). A
 * URL parser rewrites `[::127.0.0.1]` to `[::7f00:1]`; both are the same loopback.
 */
function embeddedIpv4(address: string): string | undefined {
  const g = groupsOf(address);
  if (!g) return undefined;
  const zeros = (from: number, to: number) => g.slice(from, to).every((group) => group === 0);
  const last = ipv4Of(g[6] ?? 0, g[7] ?? 0);
  if (g[0] === 0x2002) return ipv4Of(g[1] ?? 0, g[2] ?? 0);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return last;
  if (zeros(0, 5) && g[5] === 0xffff) return last;
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return last;
  // `::` and `::1` are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
  if (zeros(0, 6) && !(g[6] === 0 && (g[7] ?? 0) <= 1)) return last;
  return undefined;
}

export type AddressVerdict = 'public' | 'loopback' | 'blocked';

/** Classifies an IP address for webhook delivery. */
export function classifyAddress(address: string): AddressVerdict {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0] ?? '';
  const family = isIP(bare);
  if (family === 0) return 'blocked';
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  if (v4 && isIP(v4) === 4) {
    if (loopback.check(v4, 'ipv4')) return 'loopback';
    return blocked.check(v4, 'ipv4') ? 'blocked' : 'public';
  }
  if (loopback.check(bare, 'ipv6')) return 'loopback';
  return blocked.check(bare, 'ipv6') ? 'blocked' : 'public';
}
