import { describe, expect, it } from 'vitest';
import { listContactsSchema } from '#shared/contacts/contact-schema.ts';
import { ValidationError } from '#shared/errors.ts';
import { parseQuery } from '#shared/http/parse-query.ts';
import { newId } from '#shared/ids.ts';

/** The field `GET /api/v1/contacts?<query>` is refused for, or undefined when the query is taken. */
function refusedField(query: string): string | undefined {
  try {
    parseQuery(listContactsSchema, Object.fromEntries(new URLSearchParams(query)));
    return undefined;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    expect(error.statusCode).toBe(400);
    return String(error.details.field);
  }
}

describe('the contacts listing’s query', () => {
  it('needs listId, takes pages of at most 200 from page 1, and only the statuses contacts have', () => {
    const listId = newId('list');
    expect(refusedField('page=1')).toBe('listId');
    expect(refusedField(`listId=${listId}&pageSize=201`)).toBe('pageSize');
    expect(refusedField(`listId=${listId}&page=0`)).toBe('page');
    expect(refusedField(`listId=${listId}&status=deleted`)).toBe('status');
    expect(refusedField(`listId=${listId}&pageSize=200`)).toBeUndefined();
  });

  it('reads offset pages at most 100,000 contacts deep, refusing deeper ones on `page`', () => {
    const listId = newId('list');
    expect(refusedField(`listId=${listId}&page=501&pageSize=200`)).toBeUndefined();
    expect(refusedField(`listId=${listId}&page=502&pageSize=200`)).toBe('page');
  });
});
