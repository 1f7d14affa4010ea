import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '#shared/idempotency/idempotency-store.ts';

/** A request's idempotency key and what identifies the request itself (its fingerprint). */
export interface Idempotency {
  key: string;
  fingerprint: string;
}

/**
 * Does `work` once per key of the project: a repeat with the same fingerprint gets the
 * first answer again, another fingerprint (or the first still running) a 409; a failed
 * first attempt releases the key so a retry can do the work. Without a key, just works.
 */
export async function runOnce(
  projectId: string,
  idempotency: Idempotency | undefined,
  work: () => Promise<string>,
): Promise<string> {
  if (!idempotency) return work();
  const claim = await claimIdempotencyKey(projectId, idempotency.key, idempotency.fingerprint);
  if ('replay' in claim) return claim.replay;
  let answer: string;
  try {
    answer = await work();
  } catch (error) {
    await releaseIdempotencyKey(claim.lock);
    throw error;
  }
  await completeIdempotencyKey(claim.lock, answer);
  return answer;
}
