/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles (the esbuild alias in
 * `infra/constructs/lambda-defaults.ts`). The SDK loads event-stream support only for
 * operations that stream events (S3 SelectObjectContent, Bedrock's streams, …); no
 * Mailroom function calls one, yet the loader's `import()` puts the whole codec (~14 KB)
 * in every bundle and its cold start. A client still gets its configuration resolved; an
 * operation that would need the codec fails loudly instead of working with a fake one.
 * Local runs, tests and the CLI use the real module.
 */

const unused = () => {
  throw new Error('Event streams are left out of Mailroom Lambda bundles (lambda-no-event-streams.ts)');
};

/** A marshaller that refuses to work: only an event-stream operation would call it. */
export const eventStreamSerdeProvider = () => ({ serialize: unused, deserialize: unused });

/** As the real resolver: the client's marshaller, built from its provider. */
export function resolveEventStreamSerdeConfig<T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: ReturnType<T['eventStreamSerdeProvider']> } {
  const eventStreamMarshaller = input.eventStreamSerdeProvider(input) as ReturnType<
    T['eventStreamSerdeProvider']
  >;
  return Object.assign(input, { eventStreamMarshaller });
}

/** What the protocol builds for an event-stream operation: refuses at once. */
export class EventStreamSerde {
  constructor() {
    unused();
  }
}
