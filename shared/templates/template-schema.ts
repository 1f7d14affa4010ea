import { templateSyntaxError } from '#shared/templates/render-template.ts';
import * as z from '#shared/zod.ts';

/** A template body: valid Mustache, at most 512 KB. */
const templateText = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.superRefine((value, context) => {
      const problem = templateSyntaxError(value);
      if (problem) context.addIssue({ code: 'custom', message: `is not a valid template: ${problem}` });
    }),
  );

const fields = {
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  subject: templateText(998),
  html: templateText(512 * 1024),
  text: templateText(512 * 1024),
};

/** `POST /api/v1/templates`: a name, and html or text; `{{variable}}` anywhere. */
export const createTemplateSchema = z
  .strictObject({
    name: fields.name,
    subject: z.optional(fields.subject),
    html: z.optional(fields.html),
    text: z.optional(fields.text),
  })
  .check(
    z.refine((template) => template.html !== undefined || template.text !== undefined, {
      message: 'html or text is required',
      path: ['html'],
    }),
  );

/** `PUT /api/v1/templates/:id`: any subset of the fields. */
export const updateTemplateSchema = z
  .strictObject({
    name: z.optional(fields.name),
    subject: z.optional(fields.subject),
    html: z.optional(fields.html),
    text: z.optional(fields.text),
  })
  .check(
    z.refine((update) => Object.keys(update).length > 0, { message: 'send at least one field to change' }),
  );

export type CreateTemplateInput = z.infer<typeof createTemplateSchema>;
export type UpdateTemplateInput = z.infer<typeof updateTemplateSchema>;
