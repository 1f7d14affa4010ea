import type { Suppression } from '#shared/suppressions/suppression-store.ts';

export function suppressionView(suppression: Suppression) {
  return {
    object: 'suppression',
    email: suppression.email,
    type: suppression.type,
    reason: suppression.reason ?? null,
    source_email_id: suppression.sourceEmailId ?? null,
    created_at: suppression.createdAt,
  };
}
