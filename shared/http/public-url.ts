import type { ApiEvent } from '#shared/http/types.ts';

/**
 * Where the caller reached the API (`https://<domain>`, a custom domain included): the
 * base of links Mailroom hands out that must lead back to it, such as unsubscribe links.
 * API Gateway sets both the domain name and `X-Forwarded-Proto`; a caller cannot.
 */
export function publicBaseUrl(event: ApiEvent): string {
  const scheme = event.headers?.['x-forwarded-proto'] === 'http' ? 'http' : 'https';
  return `${scheme}://${event.requestContext.domainName}`;
}
