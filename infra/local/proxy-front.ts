import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { encodeProxyHeader } from '../../functions/smtp/proxy-protocol.ts';
import type { CfnTemplate } from './synthesized-stack.ts';

export interface ProxyFront {
  port: number;
  stop: () => Promise<void>;
}

/**
 * The load balancer's part, locally: a TCP front on `port` (127.0.0.1) that relays each
 * connection to `target`, first writing a PROXY protocol v2 header naming the client when
 * `proxyProtocol` is set, as the synthesized target group tells the Network Load Balancer
 * to. The relay behind it sees every client come from 127.0.0.1, as it sees the load
 * balancer's addresses on AWS, so what tells clients apart locally is what does there.
 */
export async function startProxyFront(
  port: number,
  target: { host: string; port: number },
  proxyProtocol: boolean,
): Promise<ProxyFront> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    if (proxyProtocol) {
      upstream.write(
        encodeProxyHeader(
          { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 },
          { address: client.localAddress ?? '', port: client.localPort ?? 0 },
        ),
      );
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Whether the synthesized stack's target group for the relay's `port` has the load
 * balancer write a PROXY protocol v2 header (`proxy_protocol_v2.enabled`).
 */
export function targetGroupWritesProxyHeader(template: CfnTemplate, port: number): boolean {
  return Object.values(template.Resources).some(
    (resource) =>
      resource.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup' &&
      resource.Properties?.Port === port &&
      ((resource.Properties?.TargetGroupAttributes ?? []) as { Key: string; Value: string }[]).some(
        (attribute) => attribute.Key === 'proxy_protocol_v2.enabled' && attribute.Value === 'true',
      ),
  );
}
