import { describe, expect, it } from 'vitest';
import { EndpointCache } from '#shared/aws/lambda-no-endpoint-cache.ts';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '#shared/aws/lambda-no-event-streams.ts';

describe('the stand-ins for SDK parts Lambda bundles leave out', () => {
  it('resolve a client configuration as the real event-stream resolver does', () => {
    // Prepare
    const input = { region: 'us-east-1', eventStreamSerdeProvider };

    // Act
    const config = resolveEventStreamSerdeConfig(input);

    // Assess
    expect(config.region).toBe('us-east-1');
    expect(config.eventStreamMarshaller).toBeDefined();
  });

  it('refuse loudly when an operation would stream events', () => {
    const { eventStreamMarshaller } = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });

    expect(() => eventStreamMarshaller.serialize()).toThrow(/Event streams are left out/);
    expect(() => new EventStreamSerde()).toThrow(/Event streams are left out/);
  });

  it('build an endpoint cache that refuses loudly when consulted', () => {
    const cache = new EndpointCache();

    expect(() => cache.getEndpoint()).toThrow(/Endpoint discovery is left out/);
  });
});
