import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type middy from '@middy/core';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { ApiError, BadRequestError } from '#shared/errors.ts';
import { withCommonHeaders } from '#shared/http/middleware/http-envelope.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';

/** How long a key's response is kept and replayed. */
const retentionSeconds = 24 * 60 * 60;
/** A lock older than a Lambda's longest run belongs to an invocation that died. */
const staleLockSeconds = 60;
const mutating = new Set(['POST', 'PUT', 'PATCH']);

type Request = middy.Request<
  ApiEvent,
  ApiResult,
  Error,
  ApiContext & { idempotencyKey?: Record<string, string> }
>;

function fingerprint(event: ApiEvent): string {
  return createHash('sha256')
    .update(`${event.requestContext.http.method} ${event.rawPath}\n`)
    .update(event.body ?? '')
    .digest('hex');
}

/**
 * `Idempotency-Key` on POST, PUT and PATCH, for every route at once (after the key is
 * known, so keys are per project). The first request with a key takes a lock; when it
 * completes with a status below 500, its response is stored for 24 hours and replayed
 * to any repeat with the same body; a repeat with another body, or while the first is
 * still running, gets 409 `idempotency_conflict`. A failed request releases the key so
 * the client may retry. Two writes per keyed request.
 *
 * Access pattern: IDEMPOTENCY#<projectId>#<key> / IDEMPOTENCY → { hash, state, response, expiresAt }.
 */
export function idempotency(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: async (raw) => {
      const request = raw as Request;
      const header = request.event.headers['idempotency-key'];
      if (header === undefined || !mutating.has(request.event.requestContext.http.method)) return;
      if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
        throw new BadRequestError('Idempotency-Key must be 1-255 visible ASCII characters.');
      }
      const key = { pk: `IDEMPOTENCY#${request.context.caller?.projectId}#${header}`, sk: 'IDEMPOTENCY' };
      const hash = fingerprint(request.event);
      const now = Math.floor(Date.now() / 1000);
      try {
        await dynamo.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key, hash, state: 'in_progress', lockedAt: now, expiresAt: now + retentionSeconds },
            ConditionExpression:
              'attribute_not_exists(pk) OR expiresAt < :now OR (#state = :running AND lockedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':now': now,
              ':running': 'in_progress',
              ':stale': now - staleLockSeconds,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        request.context.idempotencyKey = key;
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const stored = error.Item;
        if (stored?.hash?.S !== hash) {
          throw new ApiError(
            'idempotency_conflict',
            'This Idempotency-Key was used with a different request.',
          );
        }
        if (stored.state?.S !== 'completed' || !stored.response?.S) {
          throw new ApiError(
            'idempotency_conflict',
            'A request with this Idempotency-Key is still in progress.',
          );
        }
        const replay = JSON.parse(stored.response.S) as ApiResult;
        // An early response skips the `after` middlewares, so the common headers go on here.
        return withCommonHeaders(raw, {
          ...replay,
          headers: { ...replay.headers, 'idempotent-replayed': 'true' },
        });
      }
    },
    after: async (raw) => {
      const request = raw as Request;
      const key = request.context.idempotencyKey;
      if (!key || !request.response) return;
      const { statusCode = 200, body, headers } = request.response;
      if (statusCode >= 500) {
        await dynamo.send(new DeleteCommand({ TableName: tableName, Key: key }));
        return;
      }
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET #state = :completed, #response = :response',
          ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
          ExpressionAttributeValues: {
            ':completed': 'completed',
            ':response': JSON.stringify({ statusCode, body, headers }),
          },
        }),
      );
    },
    onError: async (raw) => {
      const key = (raw as Request).context.idempotencyKey;
      if (key) await dynamo.send(new DeleteCommand({ TableName: tableName, Key: key }));
    },
  };
}
