import { isIPv6, SocketAddress } from 'node:net';

/**
 * PROXY protocol version 2: the binary header a load balancer writes before a connection's
 * first byte, naming the client it accepted the connection from (the relay's only way to
 * tell clients apart behind a Network Load Balancer, whose own addresses the relay sees).
 *
 * Layout: a 12-byte signature; a byte of version (high nibble, 2) and command (low nibble:
 * 0 LOCAL, 1 PROXY); a byte of address family (high nibble: 0 unspecified, 1 IPv4,
 * 2 IPv6, 3 UNIX) and transport (low nibble: 0 unspecified, 1 stream); the length of the
 * rest, 16 bits big-endian; then the source and destination addresses and ports (IPv4
 * 12 bytes, IPv6 36, UNIX 216) and optional TLVs (AWS adds its own), which are skipped.
 */
export const proxyV2Signature = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);

/** Signature, version and command, family and transport, length. */
const fixedBytes = 16;
/**
 * The longest header read: the UNIX addresses and room for TLVs. A load balancer's header
 * is far shorter; past this a peer is sending something else.
 */
export const maxProxyHeaderBytes = fixedBytes + 216 + 1024;

export interface ProxiedEndpoint {
  address: string;
  port: number;
}

/** A whole header: how many bytes it took, and the client's endpoint when it names one. */
export interface ProxyHeader {
  /** Bytes the header took; the connection's own data follows. */
  length: number;
  /**
   * `proxy`: a client's connection, relayed. `local`: the proxy's own connection (a health
   * check), whose endpoints are the connection's own.
   */
  command: 'local' | 'proxy';
  /** The client, for a relayed IPv4 or IPv6 connection; absent otherwise (use the socket's own). */
  source?: ProxiedEndpoint;
  destination?: ProxiedEndpoint;
}

export type ProxyHeaderParse =
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string }
  | { status: 'complete'; header: ProxyHeader };

/** An IPv6 address in its canonical text form (`2001:db8::1`), as the rest of the relay writes it. */
function ipv6Text(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** The address block's size for a family and transport byte, or undefined for a combination a TCP relay does not take. */
function addressBytes(familyAndTransport: number): number | undefined {
  switch (familyAndTransport) {
    case 0x00: // unspecified
      return 0;
    case 0x11: // TCP over IPv4
      return 12;
    case 0x21: // TCP over IPv6
      return 36;
    case 0x31: // UNIX stream
      return 216;
    default:
      return undefined;
  }
}

/**
 * Reads a PROXY protocol v2 header from the start of what a connection sent so far:
 * `incomplete` while more bytes could still make a valid header, `invalid` as soon as they
 * cannot, `complete` with the header otherwise. Only the first header is ever read: one
 * that a client sends after the load balancer's is the client's data, never trusted.
 */
export function parseProxyHeader(received: Buffer): ProxyHeaderParse {
  const signatureSeen = Math.min(received.length, proxyV2Signature.length);
  if (!received.subarray(0, signatureSeen).equals(proxyV2Signature.subarray(0, signatureSeen))) {
    return { status: 'invalid', reason: 'no PROXY protocol v2 signature' };
  }
  // Each byte is judged as soon as it arrives, so a peer sending something else is told at once.
  const versionAndCommand = received[12];
  if (versionAndCommand === undefined) return { status: 'incomplete' };
  if (versionAndCommand >> 4 !== 2) return { status: 'invalid', reason: 'not version 2' };
  const command = versionAndCommand & 0x0f;
  if (command > 1) return { status: 'invalid', reason: `unknown command ${command}` };
  const familyAndTransport = received[13];
  if (familyAndTransport === undefined) return { status: 'incomplete' };
  const addresses = addressBytes(familyAndTransport);
  if (addresses === undefined) {
    return {
      status: 'invalid',
      reason: `unsupported family and transport 0x${familyAndTransport.toString(16)}`,
    };
  }
  if (received.length < fixedBytes) return { status: 'incomplete' };
  const rest = received.readUInt16BE(14);
  const length = fixedBytes + rest;
  if (length > maxProxyHeaderBytes)
    return { status: 'invalid', reason: `header of ${length} bytes is too long` };
  // A LOCAL header may carry any address block; a PROXY header must hold its family's.
  if (command === 1 && rest < addresses) {
    return { status: 'invalid', reason: `${rest} bytes cannot hold the addresses` };
  }
  if (received.length < length) return { status: 'incomplete' };
  if (command === 0) return { status: 'complete', header: { length, command: 'local' } };
  const block = received.subarray(fixedBytes, length);
  if (familyAndTransport === 0x11) {
    const ipv4 = (offset: number) => Array.from(block.subarray(offset, offset + 4)).join('.');
    return {
      status: 'complete',
      header: {
        length,
        command: 'proxy',
        source: { address: ipv4(0), port: block.readUInt16BE(8) },
        destination: { address: ipv4(4), port: block.readUInt16BE(10) },
      },
    };
  }
  if (familyAndTransport === 0x21) {
    return {
      status: 'complete',
      header: {
        length,
        command: 'proxy',
        source: { address: ipv6Text(block.subarray(0, 16)), port: block.readUInt16BE(32) },
        destination: { address: ipv6Text(block.subarray(16, 32)), port: block.readUInt16BE(34) },
      },
    };
  }
  // Unspecified or UNIX: the proxy does not know the client; the connection's own endpoints stand.
  return { status: 'complete', header: { length, command: 'proxy' } };
}

/**
 * The v2 header a proxy writes for a relayed TCP connection (the local stand-in for the
 * load balancer writes it; tests write it as a load balancer would).
 */
export function encodeProxyHeader(source: ProxiedEndpoint, destination: ProxiedEndpoint): Buffer {
  // An IPv4 client of a dual-stack socket shows as ::ffff:a.b.c.d; it is an IPv4 client.
  const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const [from, to] = [unmapped(source.address), unmapped(destination.address)];
  const ipv6 = isIPv6(from);
  if (isIPv6(to) !== ipv6) throw new Error(`${from} and ${to} are not of one address family`);
  const bytesOf = (address: string): Buffer => {
    if (!ipv6) return Buffer.from(address.split('.').map(Number));
    const [head = '', tail = ''] = address.split('::');
    const groups = (part: string) => (part ? part.split(':') : []);
    const missing = address.includes('::') ? 8 - groups(head).length - groups(tail).length : 0;
    const all = [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)];
    const bytes = Buffer.alloc(16);
    for (const [i, group] of all.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
    return bytes;
  };
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(source.port, 0);
  ports.writeUInt16BE(destination.port, 2);
  const block = Buffer.concat([bytesOf(from), bytesOf(to), ports]);
  const fixed = Buffer.from([0x21, ipv6 ? 0x21 : 0x11, 0, 0]);
  fixed.writeUInt16BE(block.length, 2);
  return Buffer.concat([proxyV2Signature, fixed, block]);
}
