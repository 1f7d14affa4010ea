import { describe, expect, it } from 'vitest';
import { idPrefixes, isId, newId } from '#shared/ids.ts';

describe('ids', () => {
  it('is the kind prefix followed by a ULID', () => {
    for (const [kind, prefix] of Object.entries(idPrefixes)) {
      const id = newId(kind as keyof typeof idPrefixes);
      expect(id.startsWith(prefix)).toBe(true);
      expect(id.slice(prefix.length)).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    }
  });

  it('sorts in creation order, even within one millisecond', () => {
    const now = Date.now();
    const ids = Array.from({ length: 50 }, () => newId('email', now));
    expect([...ids].sort()).toEqual(ids);
    expect(newId('email', now + 1) > (ids.at(-1) ?? '')).toBe(true);
  });

  it('checks the prefix and the ULID', () => {
    expect(isId('email', newId('email'))).toBe(true);
    expect(isId('email', newId('domain'))).toBe(false);
    expect(isId('email', 'em_123')).toBe(false);
    expect(isId('email', 'em_01JD8X3M4Q5R6S7T8V9W0XYZAU')).toBe(false); // U is not in Crockford's base32
  });
});
