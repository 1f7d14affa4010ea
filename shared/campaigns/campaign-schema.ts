import { campaignStatuses } from '#shared/campaigns/campaign-lifecycle.ts';
import { emailAddress } from '#shared/emails/address.ts';
import { scheduledAt, senderMailbox } from '#shared/emails/send-email-schema.ts';
import * as z from '#shared/zod.ts';

/** A campaign's HTML body: large enough for any newsletter, small enough to ride in a queue message's neighbours. */
export const maxContentBytes = 256 * 1024;

/** Most addresses one test send takes. */
export const maxTestRecipients = 5;

const label = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
// No CR or LF: the subject becomes a header line.
const subject = z
  .string()
  .check(z.minLength(1), z.maxLength(998), z.regex(/^[^\r\n]*$/, 'must be on one line'));
const content = z.string().check(
  z.minLength(1),
  z.refine(
    (value) => Buffer.byteLength(value) <= maxContentBytes,
    `must be at most ${maxContentBytes / 1024} KB`,
  ),
);
// Any id is taken here: one that names no list of the project is a 404, like an unknown one.
const listId = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/** `POST /api/v1/campaigns`. */
export const createCampaignSchema = z.strictObject({
  name: label,
  subject,
  fromEmail: senderMailbox,
  listId,
  content,
});

/** `PUT /api/v1/campaigns/:id`: any subset, while the campaign is a draft. */
export const updateCampaignSchema = z
  .strictObject({
    name: z.optional(label),
    subject: z.optional(subject),
    fromEmail: z.optional(senderMailbox),
    listId: z.optional(listId),
    content: z.optional(content),
  })
  .check(
    z.refine((update) => Object.keys(update).length > 0, { message: 'send at least one field to change' }),
  );

/** `POST /api/v1/campaigns/:id/launch`: now, or at `scheduledAt`. */
export const launchCampaignSchema = z.strictObject({ scheduledAt: z.optional(scheduledAt) });

/** `POST /api/v1/campaigns/:id/test`: the merged campaign to a few addresses, without launching. */
export const testCampaignSchema = z.strictObject({
  to: z.union([
    emailAddress,
    z
      .array(emailAddress)
      .check(z.minLength(1), z.maxLength(maxTestRecipients, `at most ${maxTestRecipients} addresses`)),
  ]),
});

/** `GET /api/v1/campaigns`: offset pagination, optionally one status. */
export const listCampaignsSchema = z.object({
  page: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000)), 1),
  pageSize: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  status: z.optional(z.enum(campaignStatuses)),
});

export type CreateCampaignInput = z.infer<typeof createCampaignSchema>;
export type UpdateCampaignInput = z.infer<typeof updateCampaignSchema>;
export type ListCampaignsQuery = z.infer<typeof listCampaignsSchema>;
