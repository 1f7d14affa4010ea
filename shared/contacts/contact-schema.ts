import { contactStatuses, settableStatuses } from '#shared/contacts/contact-status.ts';
import { emailAddress } from '#shared/emails/address.ts';
import { pageCursor } from '#shared/pagination/page-cursor.ts';
import * as z from '#shared/zod.ts';

/** Most rows one import request takes. */
export const importRowLimit = 10_000;

// Any id is taken here: one that names no list of the project is a 404, like an unknown one.
const listId = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));
const label = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));
const optionalText = (max: number) => z.optional(z.nullable(z.string().check(z.trim(), z.maxLength(max))));

/** `POST /api/v1/lists` and `PUT /api/v1/lists/:id`. */
export const listSchema = z.strictObject({ name: label(200) });

/** `POST /api/v1/contacts`. */
export const createContactSchema = z.strictObject({
  email: emailAddress,
  name: optionalText(200),
  company: optionalText(200),
  listId,
});

/** `PUT /api/v1/contacts/:id`: any subset; bounce and complaint states are the platform's. */
export const updateContactSchema = z
  .strictObject({
    email: z.optional(emailAddress),
    name: optionalText(200),
    company: optionalText(200),
    status: z.optional(
      z.enum(settableStatuses, {
        error: 'must be subscribed or unsubscribed (bounced and complained are set by the platform)',
      }),
    ),
    listId: z.optional(listId),
  })
  .check(
    z.refine((update) => Object.keys(update).length > 0, { message: 'send at least one field to change' }),
  );

/** One row of an import, judged alone: a bad row is skipped and reported, not the request. */
export const importRowSchema = z.object({ email: emailAddress, name: optionalText(200) });

/** `POST /api/v1/contacts/import`: the rows stay unchecked here (see `importRowSchema`). */
export const importContactsSchema = z.strictObject({
  listId,
  contacts: z
    .array(z.unknown())
    .check(z.minLength(1), z.maxLength(importRowLimit, `at most ${importRowLimit} contacts a request`)),
});

/** Documentation of the import body: what each row holds. */
export const importContactsDocumentation = z.strictObject({
  listId,
  contacts: z.array(importRowSchema).check(z.minLength(1), z.maxLength(importRowLimit)),
});

/**
 * How deep offset pagination reaches: a page is read from the list's start, so its cost
 * grows with its offset; past this, narrow the listing with `search` or `status`.
 */
export const deepestOffset = 100_000;

/** A list's contacts cursor (`pagination.nextCursor`): the last contact's normalised address, opaquely. */
export const contactCursor = pageCursor({
  form: 'opaque',
  valid: (position) => /^[^\s@]+@[^\s@]+$/.test(position),
});

/** `GET /api/v1/contacts`: offset pagination within one list. */
export const listContactsSchema = z
  .object({
    listId,
    page: z._default(z.coerce.number().check(z.int(), z.gte(1)), 1),
    pageSize: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(200)), 50),
    search: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(320))),
    status: z.optional(z.enum(contactStatuses)),
    /** `pagination.nextCursor` of the page before: the next page however deep, instead of `page`. */
    cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(600))),
  })
  .check(
    z.refine((query) => (query.page - 1) * query.pageSize <= deepestOffset, {
      message: `reaches at most ${deepestOffset.toLocaleString('en')} contacts deep; narrow the listing with search or status`,
      path: ['page'],
    }),
  );

export type CreateContactInput = z.infer<typeof createContactSchema>;
export type UpdateContactInput = z.infer<typeof updateContactSchema>;
export type ImportContactsInput = z.infer<typeof importContactsSchema>;
export type ListContactsQuery = z.infer<typeof listContactsSchema>;
