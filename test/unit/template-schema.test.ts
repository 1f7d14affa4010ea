import { describe, expect, it } from 'vitest';
import { createTemplateSchema, updateTemplateSchema } from '#shared/templates/template-schema.ts';
import { toValidationError } from '#shared/validation.ts';

/** The validation error `POST`/`PUT /api/v1/templates` answers for `input`, or undefined when it is accepted. */
function refusal(schema: typeof createTemplateSchema | typeof updateTemplateSchema, input: unknown) {
  const parsed = schema.safeParse(input);
  if (parsed.success) return undefined;
  const error = toValidationError(parsed.error);
  return { status: error.statusCode, code: error.code, field: error.details.field, message: error.message };
}

describe('the template schemas', () => {
  it('refuses a template that does not parse, naming the field', () => {
    expect(refusal(createTemplateSchema, { name: 'Broken', html: '{{#open}} never closed' })).toMatchObject({
      status: 400,
      code: 'validation_error',
      field: 'html',
      message: expect.stringMatching(/^html: is not a valid template/),
    });
    expect(refusal(createTemplateSchema, { name: 'Broken', text: 'x', subject: 'Hi {{name' })).toMatchObject({
      field: 'subject',
    });
  });

  it('needs a name and html or text to create, and at least one field to update', () => {
    expect(refusal(createTemplateSchema, { name: 'Only a name' })).toMatchObject({ field: 'html' });
    expect(refusal(createTemplateSchema, { html: '<p>x</p>' })).toMatchObject({ field: 'name' });
    expect(refusal(createTemplateSchema, { name: 'Ok', html: '<p>{{name}}</p>' })).toBeUndefined();
    expect(refusal(updateTemplateSchema, {})).toMatchObject({ code: 'validation_error' });
    expect(refusal(updateTemplateSchema, { name: 'Renamed' })).toBeUndefined();
  });
});
