/**
 * One-time codes in the single table: the latest code of each (project, key mode,
 * address, purpose), as a keyed digest, never the code. Test keys' codes live beside the
 * live ones, never in their place: a test send cannot replace a person's live code.
 *
 * Access pattern (pk / sk): OTP#<projectId>#<lower-cased address>#<purpose> / OTP (live),
 * OTP#test (test)
 *   → { digest, keyId, attempts, validUntil, usedAt?, listId?, emailId, expiresAt (TTL) }
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { KeyMode } from '#shared/auth/api-keys.ts';
import { dynamo, tableName, writeIf } from '#shared/aws/dynamodb.ts';

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

/** Whose codes: a project's, live or test (the key mode that sent them). */
export interface CodeOwner {
  projectId: string;
  mode: KeyMode;
}

const otpKey = ({ projectId, mode }: CodeOwner, emailKey: string, purpose: string) => ({
  pk: `OTP#${projectId}#${emailKey}#${purpose}`,
  sk: mode === 'test' ? 'OTP#test' : 'OTP',
});

/** Stores a new code, replacing the one before: only the latest works. */
export async function putCode(owner: CodeOwner, emailKey: string, purpose: string, record: OtpRecord) {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...otpKey(owner, emailKey, purpose),
        ...record,
        // Cleanup a day after it lapses.
        expiresAt: Math.ceil(record.validUntil / 1000) + 86_400,
      },
    }),
  );
}

/** Forgets a code whose email was never accepted, unless a newer one replaced it. */
export async function dropCode(owner: CodeOwner, emailKey: string, purpose: string, digest: string) {
  await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(owner, emailKey, purpose),
        UpdateExpression: 'SET attempts = :spent',
        ConditionExpression: 'digest = :digest',
        ExpressionAttributeValues: { ':spent': maxAttempts, ':digest': digest },
      }),
    ),
  );
}

/**
 * Takes one of the code's attempts, in one conditional write that holds only while the
 * code is unused, in time and has attempts left, so no number of concurrent guesses gets
 * more than five. Answers the code as stored (to compare), or why none was taken: the
 * stored record as it was, or nothing when there is no code.
 */
export async function takeAttempt(
  owner: CodeOwner,
  emailKey: string,
  purpose: string,
  now: number,
): Promise<{ taken: OtpRecord } | { refused?: OtpRecord }> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(owner, emailKey, purpose),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression:
          'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attempts < :max AND validUntil > :now',
        ExpressionAttributeValues: { ':one': 1, ':max': maxAttempts, ':now': now },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (outcome.written) return { taken: outcome.answer.Attributes as OtpRecord };
  return { refused: outcome.current ? (unmarshall(outcome.current) as OtpRecord) : undefined };
}

/**
 * Uses the code: holds only if it is still unused and still the code that was compared
 * (not replaced by a newer send meanwhile), so of two verifies with the right code one wins.
 */
export async function useCode(
  owner: CodeOwner,
  emailKey: string,
  purpose: string,
  digest: string,
  now: number,
): Promise<boolean> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(owner, emailKey, purpose),
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression: 'attribute_not_exists(usedAt) AND digest = :digest',
        ExpressionAttributeValues: { ':now': new Date(now).toISOString(), ':digest': digest },
      }),
    ),
  );
  return outcome.written;
}
