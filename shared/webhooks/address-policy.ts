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
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
  ['100::', 64],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address (`::ffff:127.0.0.1`). */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:0*:)*(?:ffff:)?((?:\d{1,3}\.){3}\d{1,3})$/i.exec(address.replace(/^::/, '0:'));
  if (match?.[1]) return match[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex?.[1] || !hex[2]) return undefined;
  const high = Number.parseInt(hex[1], 16);
  const low = Number.parseInt(hex[2], 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
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
