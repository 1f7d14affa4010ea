import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { ApiError } from '#shared/errors.ts';
import { jsonBody } from '#shared/http/middleware/json-body.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import * as z from '#shared/zod.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';

const schema = z.strictObject({ name: z.string(), count: z.optional(z.number()) });

/** A handler that answers with what `jsonBody` left on the context. */
function handlerWith(middleware: ReturnType<typeof jsonBody>) {
  return middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(middleware)
    .handler(async (_event, context) => ({ statusCode: 200, body: JSON.stringify(context.body) }));
}

/** What the middleware threw for `body`, as the envelope would see it. */
async function refusal(body: string | undefined, options: { max?: number; advice?: string } = {}) {
  const handler = handlerWith(jsonBody(schema, options.max ?? 1024, options.advice));
  const error = await handler(apiEvent({ body }), lambdaContext()).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { status: error.statusCode, code: error.code, message: error.message, details: error.details };
}

describe('jsonBody', () => {
  it('leaves the parsed, validated body on the context for the handler', async () => {
    const handler = handlerWith(jsonBody(schema, 1024));
    const result = await handler(apiEvent({ body: '{"name":"a","count":2}' }), lambdaContext());
    expect(JSON.parse(result.body ?? '')).toEqual({ name: 'a', count: 2 });
  });

  it('reads a base64-encoded body as API Gateway passes a binary one', async () => {
    const handler = handlerWith(jsonBody(schema, 1024));
    const body = Buffer.from('{"name":"ü"}').toString('base64');
    const result = await handler(apiEvent({ body, isBase64Encoded: true }), lambdaContext());
    expect(JSON.parse(result.body ?? '')).toEqual({ name: 'ü' });
  });

  it('400 bad_request for malformed JSON, an empty or missing body, and a body that is not an object', async () => {
    for (const body of ['{"name":', '', undefined, '[1,2]', '"text"', 'null', '42']) {
      expect(await refusal(body), String(body)).toMatchObject({ status: 400, code: 'bad_request' });
    }
  });

  it('400 validation_error naming the field for a missing, wrongly typed or unknown field', async () => {
    expect(await refusal('{}')).toMatchObject({
      status: 400,
      code: 'validation_error',
      details: { field: 'name' },
    });
    expect(await refusal('{"name":1}')).toMatchObject({
      code: 'validation_error',
      details: { field: 'name' },
    });
    expect(await refusal('{"name":"a","count":"2"}')).toMatchObject({
      code: 'validation_error',
      details: { field: 'count' },
    });
    // A field the schema does not carry is refused, never silently dropped.
    expect(await refusal('{"name":"a","surprise":true}')).toMatchObject({
      status: 400,
      code: 'validation_error',
    });
  });

  it('413 payload_too_large past the byte limit, counted in bytes of the decoded body, with the route’s advice', async () => {
    const body = JSON.stringify({ name: 'é'.repeat(20) });
    // 20 two-byte characters: over a 30-byte limit although the string has fewer than 30 characters.
    expect(body.length).toBeLessThan(35);
    const refused = await refusal(body, { max: 30, advice: 'Send it over SMTP.' });
    expect(refused).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(refused.message).toBe(
      `Request body is ${Buffer.byteLength(body)} bytes; the limit is 30. Send it over SMTP.`,
    );
    expect(await refusal(body, { max: 30 })).toMatchObject({
      message: `Request body is ${Buffer.byteLength(body)} bytes; the limit is 30.`,
    });
  });

  it('takes a missing body as {} when the body is optional, and still refuses a malformed one', async () => {
    const optional = z.strictObject({ name: z.optional(z.string()) });
    const handler = handlerWith(jsonBody(optional, 1024, undefined, true));
    for (const body of [undefined, '']) {
      const result = await handler(apiEvent({ body }), lambdaContext());
      expect(JSON.parse(result.body ?? '')).toEqual({});
    }
    await expect(handler(apiEvent({ body: '{' }), lambdaContext())).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('answers a schema’s size rule as 413, not 400', async () => {
    const sized = z.strictObject({
      blob: z
        .string()
        .check(
          z.refine((value) => value.length <= 3, { message: 'too big', params: { payloadTooLarge: true } }),
        ),
    });
    const handler = handlerWith(jsonBody(sized, 1024));
    await expect(handler(apiEvent({ body: '{"blob":"abcd"}' }), lambdaContext())).rejects.toMatchObject({
      code: 'payload_too_large',
      statusCode: 413,
    });
  });
});
