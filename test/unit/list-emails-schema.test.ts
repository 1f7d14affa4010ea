import { describe, expect, it } from 'vitest';
import { listEmailsSchema } from '#shared/emails/list-emails-schema.ts';
import { ValidationError } from '#shared/errors.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { newId } from '#shared/ids.ts';

/** The field `GET /api/v1/emails?<query>` is refused for, or undefined when the query is taken. */
function refusedField(query: string): string | undefined {
  try {
    parseQuery(listEmailsSchema, Object.fromEntries(new URLSearchParams(query)));
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(error.statusCode).toBe(400);
    return String(error.details.field);
  }
}

describe('the emails list’s query', () => {
  it('refuses bad parameters with validation_error naming the parameter', () => {
    for (const [query, field] of [
      ['limit=500', 'limit'],
      ['limit=-1', 'limit'],
      ['order=sideways', 'order'],
      ['status=lost', 'status'],
      ['startingAfter=nope', 'startingAfter'],
      ['from=yesterday', 'from'],
      ['from=1960-01-01T00:00:00Z', 'from'],
      ['to=1969-12-31T23:59:59Z', 'to'],
      ['tag=:', 'tag'],
      ['tag=%00', 'tag'],
    ]) {
      expect(refusedField(query ?? ''), query).toBe(field);
    }
  });

  it('takes the defaults, an email id as the cursor, and name or name:value tags', () => {
    expect(listEmailsSchema.parse({})).toEqual({ limit: 20, order: 'asc' });
    expect(refusedField(`startingAfter=${newId('email')}&order=desc&limit=100&tag=plan:pro`)).toBeUndefined();
    expect(
      refusedField('from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00%2B01:00&status=delivered'),
    ).toBeUndefined();
  });
});
