import * as z from '#shared/zod.ts';

/**
 * A list's cursor: what a client sends back to get the page after one it read. It names
 * the position (the sort key) of that page's last item. Each list declares its cursor
 * once, and the one declaration writes `next_cursor` and reads the parameter back,
 * refusing anything it could not have written (the list's own 400).
 *
 * Wire forms stay those clients already hold: `plain`, the position as it is (an email or
 * asset id, an address, a bounce's sort key); `opaque`, the position in base64url, read
 * back only if it writes back to the very same cursor (a list ordered by normalised
 * address, which clients should not take apart).
 */
export interface PageCursor {
  /** The cursor of the page that ends at `last`, or null when no page follows. */
  after(last: string | undefined, hasMore: boolean): string | null;
  /** The position a cursor names, or undefined when it is not a cursor this list gave out. */
  read(cursor: string): string | undefined;
  /** The query parameter's check: refuses what `read` refuses, with `message`. */
  check(message: string): z.core.$ZodCheck<string>;
}

export function pageCursor(options: {
  form: 'plain' | 'opaque';
  /** Whether a position is one of this list's (an id of its kind, an address…). */
  valid: (position: string) => boolean;
}): PageCursor {
  const encode = (position: string) =>
    options.form === 'opaque' ? Buffer.from(position, 'utf8').toString('base64url') : position;
  const read = (cursor: string) => {
    const position = options.form === 'opaque' ? Buffer.from(cursor, 'base64url').toString('utf8') : cursor;
    return options.valid(position) && encode(position) === cursor ? position : undefined;
  };
  return {
    after: (last, hasMore) => (hasMore && last !== undefined ? encode(last) : null),
    read,
    check: (message) => z.refine((cursor: string) => read(cursor) !== undefined, message),
  };
}
