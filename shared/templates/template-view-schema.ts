import * as z from '#shared/zod.ts';

/** A template in full (create, read, update). */
export const templateViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('template'),
  name: z.string(),
  subject: z.nullable(z.string()),
  html: z.nullable(z.string()),
  text: z.nullable(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A template in the list answer (`{"templates":[{id,name,subject,createdAt}]}`), without its bodies. */
export const templateSummarySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  subject: z.nullable(z.string()),
  createdAt: z.string(),
});
