import { contactStatuses } from '#shared/contacts/contact-status.ts';
import * as z from '#shared/zod.ts';

/** A contact as the API shows it (camelCase, absent fields as null). */
export const contactViewSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  company: z.nullable(z.string()),
  listId: z.string(),
  status: z.enum(contactStatuses),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** `POST /api/v1/contacts`: the created contact. */
export const createdContactSchema = z.strictObject({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  status: z.enum(contactStatuses),
  listId: z.string(),
});

/** `POST /api/v1/lists`: the created list. */
export const createdListSchema = z.strictObject({ id: z.string(), name: z.string(), createdAt: z.string() });

/** A list in `GET /api/v1/lists`, with its live count. */
export const listSummarySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  contactCount: z.number(),
  createdAt: z.string(),
});

/** One list with its contacts counted by status. */
export const listViewSchema = z.strictObject({
  ...listSummarySchema.shape,
  updatedAt: z.string(),
  counts: z.record(z.enum(contactStatuses), z.number()),
});
