import type { Suppression } from '#shared/suppressions/suppression-store.ts';
import type { suppressionViewSchema } from '#shared/suppressions/suppression-view-schema.ts';
import type * as z from '#shared/zod.ts';

export function suppressionView(suppression: Suppression): z.infer<typeof suppressionViewSchema> {
  return {
    object: 'suppression',
    email: suppression.email,
    type: suppression.type,
    reason: suppression.reason ?? null,
    source_email_id: suppression.sourceEmailId ?? null,
    created_at: suppression.createdAt,
  };
}
