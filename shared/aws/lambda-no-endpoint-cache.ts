/**
 * Stands in for `@aws-sdk/endpoint-cache` in Lambda bundles (the esbuild alias in
 * `infra/constructs/lambda-defaults.ts`). The DynamoDB client builds an endpoint cache
 * for endpoint discovery, which is off unless asked for and which no middleware of the
 * client consults; the real cache brings an LRU library (~8 KB) into every bundle. This
 * one is built and never used: any use fails loudly, so an SDK that starts relying on it
 * is noticed. Local runs, tests and the CLI use the real module.
 */
export class EndpointCache {
  getEndpoint(): never {
    throw new Error(
      'Endpoint discovery is left out of Mailroom Lambda bundles (lambda-no-endpoint-cache.ts)',
    );
  }
}
