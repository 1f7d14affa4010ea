import { describe, expect, it } from 'vitest';
import {
  encodeProxyHeader,
  maxProxyHeaderBytes,
  parseProxyHeader,
  proxyV2Signature,
} from '#functions/smtp/proxy-protocol.ts';

/** A header as a load balancer writes it: signature, version and command, family, length, then `block`. */
function header(
  versionAndCommand: number,
  family: number,
  block: number[] | Buffer,
  length?: number,
): Buffer {
  const fixed = Buffer.from([versionAndCommand, family, 0, 0]);
  fixed.writeUInt16BE(length ?? block.length, 2);
  return Buffer.concat([proxyV2Signature, fixed, Buffer.from(block)]);
}

const tcp4Block = [203, 0, 113, 7, 10, 0, 1, 5, 0xc3, 0x50, 0x02, 0x4b]; // 203.0.113.7:50000 → 10.0.1.5:587

describe('PROXY protocol v2 header', () => {
  it('reads an IPv4 client and its port, and says where the connection’s own data starts', () => {
    const bytes = Buffer.concat([header(0x21, 0x11, tcp4Block), Buffer.from('EHLO x\r\n')]);

    const parsed = parseProxyHeader(bytes);

    expect(parsed).toEqual({
      status: 'complete',
      header: {
        length: 28,
        command: 'proxy',
        source: { address: '203.0.113.7', port: 50000 },
        destination: { address: '10.0.1.5', port: 587 },
      },
    });
    expect(bytes.subarray(28).toString()).toBe('EHLO x\r\n');
  });

  it('reads an IPv6 client in canonical form', () => {
    const source = Buffer.from('20010db8000000000000000000000001', 'hex');
    const destination = Buffer.from('20010db8000000000000000000000abc', 'hex');
    const ports = Buffer.from([0x01, 0xbb, 0x01, 0xd1]);

    const parsed = parseProxyHeader(header(0x21, 0x21, Buffer.concat([source, destination, ports])));

    expect(parsed).toMatchObject({
      status: 'complete',
      header: {
        length: 52,
        command: 'proxy',
        source: { address: '2001:db8::1', port: 443 },
        destination: { address: '2001:db8::abc', port: 465 },
      },
    });
  });

  it('skips TLVs after the addresses (the load balancer adds its own)', () => {
    const awsTlv = [0xea, 0x00, 0x05, 0x01, 0x76, 0x70, 0x63, 0x65]; // PP2_TYPE_AWS, VPC endpoint id
    const parsed = parseProxyHeader(header(0x21, 0x11, [...tcp4Block, ...awsTlv]));

    expect(parsed).toMatchObject({
      status: 'complete',
      header: { length: 16 + 12 + 8, source: { address: '203.0.113.7' } },
    });
  });

  it('takes a LOCAL command (the proxy’s own connection) without a client address', () => {
    expect(parseProxyHeader(header(0x20, 0x00, []))).toEqual({
      status: 'complete',
      header: { length: 16, command: 'local' },
    });
    // A LOCAL header may still carry addresses; they are not the client's.
    expect(parseProxyHeader(header(0x20, 0x11, tcp4Block))).toEqual({
      status: 'complete',
      header: { length: 28, command: 'local' },
    });
  });

  it('takes a relayed connection of unknown family, naming no client', () => {
    expect(parseProxyHeader(header(0x21, 0x00, []))).toEqual({
      status: 'complete',
      header: { length: 16, command: 'proxy' },
    });
  });

  it('waits for more while every byte so far can still begin a valid header', () => {
    const whole = header(0x21, 0x11, tcp4Block);
    for (const cut of [0, 1, 11, 12, 15, 16, 27]) {
      expect(parseProxyHeader(whole.subarray(0, cut)), `${cut} bytes`).toEqual({ status: 'incomplete' });
    }
  });

  it('refuses what is not a v2 header as soon as it shows', () => {
    const cases: [string, Buffer][] = [
      ['SMTP instead', Buffer.from('EHLO client.example\r\n')],
      ['a PROXY v1 line', Buffer.from('PROXY TCP4 203.0.113.7 10.0.1.5 50000 587\r\n')],
      [
        'a signature that goes wrong late',
        Buffer.concat([proxyV2Signature.subarray(0, 11), Buffer.from([0])]),
      ],
      ['version 1 in the version nibble', header(0x11, 0x11, tcp4Block)],
      ['an unknown command', header(0x22, 0x11, tcp4Block)],
      ['UDP', header(0x21, 0x12, tcp4Block)],
      ['an unknown family', header(0x21, 0x41, tcp4Block)],
      ['addresses cut short', header(0x21, 0x11, tcp4Block.slice(0, 8))],
      ['IPv6 in an IPv4-sized block', header(0x21, 0x21, tcp4Block)],
      ['a length beyond what the relay reads', header(0x21, 0x11, tcp4Block, maxProxyHeaderBytes)],
    ];
    for (const [name, bytes] of cases) {
      expect(parseProxyHeader(bytes), name).toMatchObject({ status: 'invalid' });
    }
  });

  it('reads back what the local load balancer stand-in writes, IPv4, IPv6 and IPv4-mapped alike', () => {
    const cases = [
      [
        { address: '127.0.0.2', port: 40000 },
        { address: '127.0.0.1', port: 2587 },
      ],
      [
        { address: '2001:db8::7', port: 40001 },
        { address: '::1', port: 2465 },
      ],
    ] as const;
    for (const [source, destination] of cases) {
      expect(parseProxyHeader(encodeProxyHeader(source, destination))).toMatchObject({
        status: 'complete',
        header: { command: 'proxy', source, destination },
      });
    }
    expect(
      parseProxyHeader(
        encodeProxyHeader({ address: '::ffff:127.0.0.9', port: 1 }, { address: '::ffff:127.0.0.1', port: 2 }),
      ),
    ).toMatchObject({ header: { source: { address: '127.0.0.9' } } });
  });
});
