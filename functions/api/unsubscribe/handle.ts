import {
  confirmPage,
  pageHeaders,
  problemPage,
  resubscribedPage,
  testLinkPage,
  unsubscribedPage,
} from '#shared/campaigns/unsubscribe-page.ts';
import { resubscribe, unsubscribe, unsubscribeTarget } from '#shared/campaigns/unsubscribe-service.ts';
import { confirmParameter, readUnsubscribeToken } from '#shared/campaigns/unsubscribe-token.ts';
import { ApiError, BadRequestError, PayloadTooLargeError, ValidationError } from '#shared/errors.ts';
import { formFields } from '#shared/http/form-body.ts';
import { publicHandler } from '#shared/http/public-handler.ts';
import { publicBaseUrl } from '#shared/http/public-url.ts';
import type { ApiEvent } from '#shared/http/types.ts';
import { consumeKeyRate } from '#shared/limits/key-rate-limit.ts';

/** A form or `{token}` is a few hundred bytes; anything much larger is not an unsubscribe. */
const maxBodyBytes = 16 * 1024;

const wantsHtml = (event: ApiEvent) => /text\/html/i.test(event.headers?.accept ?? '');

const selfUrl = (event: ApiEvent, token: string) =>
  `${publicBaseUrl(event)}/api/v1/unsubscribe?token=${encodeURIComponent(token)}`;

async function claimOf(token: unknown) {
  const claim = typeof token === 'string' ? await readUnsubscribeToken(token) : undefined;
  if (!claim)
    throw new ValidationError(
      'token: is not a valid unsubscribe token (forged, altered or cut short)',
      'token',
    );
  return claim;
}

/** The request's body as text, refusing oversize ones. */
function bodyText(event: ApiEvent): string {
  if (!event.body) return '';
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.length > maxBodyBytes)
    throw new PayloadTooLargeError(`Request body is over ${maxBodyBytes} bytes.`);
  return raw.toString('utf8');
}

/**
 * `GET /api/v1/unsubscribe?token=…` (the link in every campaign email: applies it and
 * answers a confirmation page offering to resubscribe); with `&confirm=1` (the
 * `List-Unsubscribe` header's address, which scanners and previews fetch unasked) it
 * changes nothing and answers a page whose button applies it. `POST` to either address:
 * `{"token"}` as JSON → `{ok:true}`; the RFC 8058 one-click form
 * (`List-Unsubscribe=One-Click`, token in the query, what Gmail and Yahoo send) → 200;
 * the page's own buttons. Public (the token is the credential), idempotent, 60 requests
 * a minute per IP address.
 */
export const handler = publicHandler(async (event) => {
  const method = event.requestContext.http.method;
  await consumeKeyRate(`ip:${event.requestContext.http.sourceIp}`, 'unsubscribe');
  const queryToken = event.queryStringParameters?.token;
  if (method === 'GET') {
    let claim: Awaited<ReturnType<typeof claimOf>>;
    try {
      claim = await claimOf(queryToken);
    } catch (error) {
      if (!wantsHtml(event) || !(error instanceof ApiError)) throw error;
      return {
        status: 400,
        headers: pageHeaders,
        raw: problemPage(
          'This link is not valid',
          'The unsubscribe link is incomplete or was changed. Use the link from the email as it is.',
        ),
      };
    }
    if (event.queryStringParameters?.[confirmParameter] !== undefined) {
      const target = await unsubscribeTarget(claim);
      const html = target.test ? testLinkPage() : confirmPage(target.email, selfUrl(event, queryToken ?? ''));
      return { headers: pageHeaders, raw: html };
    }
    const outcome = await unsubscribe(claim, 'link');
    const html = outcome.test
      ? testLinkPage()
      : unsubscribedPage(outcome.email, selfUrl(event, queryToken ?? ''));
    return { headers: pageHeaders, raw: html };
  }
  if (method !== 'POST') throw new BadRequestError('Use GET (the link) or POST (one-click, or {"token"}).');

  const text = bodyText(event);
  // Lower-cased to compare; a multipart boundary keeps its case.
  const contentType = event.headers?.['content-type'] ?? '';
  const type = contentType.toLowerCase();
  if (type.startsWith('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new BadRequestError('Request body is not valid JSON.');
    }
    const token =
      parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as { token?: unknown }).token
        : undefined;
    if (token === undefined && queryToken === undefined)
      throw new ValidationError('token: is required', 'token');
    await unsubscribe(await claimOf(token ?? queryToken), 'api');
    return { body: { ok: true } };
  }
  const fields = formFields(text, contentType);
  const claim = await claimOf(fields.token ?? queryToken);
  const token = fields.token ?? queryToken ?? '';
  if (fields.action === 'resubscribe') {
    const outcome = await resubscribe(claim);
    return {
      headers: pageHeaders,
      raw: outcome.test ? testLinkPage() : resubscribedPage(outcome.email, selfUrl(event, token)),
    };
  }
  if (fields.action === 'unsubscribe') {
    const outcome = await unsubscribe(claim, 'page');
    return {
      headers: pageHeaders,
      raw: outcome.test ? testLinkPage() : unsubscribedPage(outcome.email, selfUrl(event, token)),
    };
  }
  // RFC 8058: the receiving mail system's POST, `List-Unsubscribe=One-Click` (any other form is treated alike).
  await unsubscribe(claim, fields['List-Unsubscribe'] === 'One-Click' ? 'one_click' : 'api');
  return { body: { ok: true } };
});
