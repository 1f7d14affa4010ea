import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles (the esbuild alias
 * in `infra/constructs/lambda-defaults.ts`). Lambda hands every function its role's
 * credentials in environment variables, which is the first link of the SDK's default
 * chain and the one it uses there; the other links (SSO, ini files, processes, web
 * identity, container and instance metadata) would only add ~80 KB to every bundle and
 * to every cold start. Local runs and the CLI use the real chain.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
