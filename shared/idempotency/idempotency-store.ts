import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { ApiError, BadRequestError } from '#shared/errors.ts';

/**
 * Idempotency keys, shared by the REST API (`Idempotency-Key` header) and the SMTP
 * relay (the same header in the message). The first request with a key takes a lock;
 * when it completes its answer is kept for 24 hours and given to repeats with the same
 * fingerprint; a repeat with another fingerprint, or while the first still runs, is a
 * 409 `idempotency_conflict`. A failed first request releases the key.
 *
 * Access pattern: IDEMPOTENCY#<projectId>#<key> / IDEMPOTENCY → { hash, state, response, expiresAt }.
 */

/** How long a key's answer is kept and replayed. */
const retentionSeconds = 24 * 60 * 60;
/** A lock older than a Lambda's longest run belongs to an invocation that died. */
const staleLockSeconds = 60;

export type IdempotencyKey = { pk: string; sk: string };

/** The stored answer of an earlier request with the key, or the lock this request now holds. */
export type Claim = { replay: string } | { lock: IdempotencyKey };

/** The first request with the key still runs: a 409 over REST; over SMTP a 4xx, since trying later will pass. */
export class IdempotencyInProgressError extends ApiError {
  constructor() {
    super(
      'idempotency_conflict',
      'A request with this Idempotency-Key is still in progress; try again shortly.',
      {},
      // Unlike a reused key with another body, this one passes on its own: say when to look again.
      { 'retry-after': '1' },
    );
    this.name = 'IdempotencyInProgressError';
  }
}

export async function claimIdempotencyKey(
  projectId: string,
  header: string,
  fingerprint: string,
): Promise<Claim> {
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw new BadRequestError('Idempotency-Key must be 1-255 visible ASCII characters.');
  }
  const key = { pk: `IDEMPOTENCY#${projectId}#${header}`, sk: 'IDEMPOTENCY' };
  const now = Math.floor(Date.now() / 1000);
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...key,
          hash: fingerprint,
          state: 'in_progress',
          lockedAt: now,
          expiresAt: now + retentionSeconds,
        },
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
    return { lock: key };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const stored = error.Item;
    if (stored?.hash?.S !== fingerprint) {
      throw new ApiError('idempotency_conflict', 'This Idempotency-Key was used with a different request.');
    }
    if (stored.state?.S !== 'completed' || !stored.response?.S) throw new IdempotencyInProgressError();
    return { replay: stored.response.S };
  }
}

/** Keeps the first request's answer for replays. */
export async function completeIdempotencyKey(key: IdempotencyKey, response: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: 'SET #state = :completed, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      ExpressionAttributeValues: { ':completed': 'completed', ':response': response },
    }),
  );
}

/** Lets the client retry after the first request failed. */
export async function releaseIdempotencyKey(key: IdempotencyKey): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: key }));
}
