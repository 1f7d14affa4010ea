/**
 * One-time codes in the single table: the latest code of each (project, address,
 * purpose), as a keyed digest, never the code.
 *
 * Access pattern (pk / sk): OTP#<projectId>#<lower-cased address>#<purpose> / OTP
 *   → { digest, keyId, attempts, validUntil, usedAt?, listId?, emailId, expiresAt (TTL) }
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';

export interface OtpRecord {
  /** HMAC of the code (see `otp-service.ts`), hex. */
  digest: string;
  /** The signing key it was made with. */
  keyId: string;
  attempts: number;
  /** Epoch milliseconds; checked here, since TTL deletes late. */
  validUntil: number;
  usedAt?: string;
  listId?: string;
  emailId?: string;
  sentAt: string;
}

/** Wrong guesses a code survives; the fifth burns it. */
export const maxAttempts = 5;

const otpKey = (projectId: string, emailKey: string, purpose: string) => ({
  pk: `OTP#${projectId}#${emailKey}#${purpose}`,
  sk: 'OTP',
});

/** Stores a new code, replacing the one before: only the latest works. */
export async function putCode(projectId: string, emailKey: string, purpose: string, record: OtpRecord) {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...otpKey(projectId, emailKey, purpose),
        ...record,
        // Cleanup a day after it lapses.
        expiresAt: Math.ceil(record.validUntil / 1000) + 86_400,
      },
    }),
  );
}

/** Forgets a code whose email was never accepted, unless a newer one replaced it. */
export async function dropCode(projectId: string, emailKey: string, purpose: string, digest: string) {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(projectId, emailKey, purpose),
        UpdateExpression: 'SET attempts = :spent',
        ConditionExpression: 'digest = :digest',
        ExpressionAttributeValues: { ':spent': maxAttempts, ':digest': digest },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * Uses the code in one conditional write: it holds only for the stored digest, unused,
 * in time and with attempts left, so of two verifies racing with the right code one
 * wins. Otherwise answers with the stored record (or nothing) for the caller to judge.
 */
export async function redeemCode(
  projectId: string,
  emailKey: string,
  purpose: string,
  attempt: { keyId: string; digest: string },
  now: number,
): Promise<{ redeemed: OtpRecord } | { refused?: OtpRecord }> {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(projectId, emailKey, purpose),
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression:
          'keyId = :keyId AND digest = :digest AND attribute_not_exists(usedAt) AND attempts < :max AND validUntil > :at',
        ExpressionAttributeValues: {
          ':now': new Date(now).toISOString(),
          ':keyId': attempt.keyId,
          ':digest': attempt.digest,
          ':max': maxAttempts,
          ':at': now,
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { redeemed: Attributes as OtpRecord };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { refused: error.Item ? (unmarshall(error.Item) as OtpRecord) : undefined };
  }
}

/** Counts a wrong guess against the code it was made for (not a newer one). */
export async function countWrongGuess(projectId: string, emailKey: string, purpose: string, digest: string) {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(projectId, emailKey, purpose),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'digest = :digest AND attempts < :max',
        ExpressionAttributeValues: { ':one': 1, ':digest': digest, ':max': maxAttempts },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
