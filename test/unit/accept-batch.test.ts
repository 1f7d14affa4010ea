import { describe, expect, it } from 'vitest';
import { acceptBatch } from '#shared/admission/accept-batch.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { batchSchema } from '#shared/emails/send-email-schema.ts';

const caller: Principal = {
  keyId: 'key_1',
  keyName: 'test',
  projectId: 'prj_1',
  accountId: 'acc_1',
  mode: 'live',
  scopes: ['full_access'],
  domains: [],
};
const row = { from: 'a@example.com', to: 'success@simulator.amazonses.com', subject: 'x', text: 'x' };

describe('acceptBatch', () => {
  it('refuses more than 100 rows with 400 batch_too_large on `emails`, before counting any', async () => {
    // No table is configured in the unit tier: counting the rows would fail otherwise.
    await expect(
      acceptBatch(
        caller,
        Array.from({ length: 101 }, () => row),
      ),
    ).rejects.toMatchObject({
      code: 'batch_too_large',
      statusCode: 400,
      message: 'A batch holds at most 100 emails; this one has 101.',
      details: { field: 'emails' },
    });
  });

  it('takes a batch body only with at least one row', () => {
    expect(batchSchema.safeParse({ emails: [] }).success).toBe(false);
    expect(batchSchema.safeParse({ emails: [row] }).success).toBe(true);
  });
});
