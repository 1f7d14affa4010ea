import { MailroomError, type Result } from './result.ts';

/** One page read: its items and where the next one starts (null at the end). */
export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * Walks every page of a listing, item by item. An error answer ends the walk by
 * throwing a `MailroomError` (an iterator has no `{error}` to return).
 */
export async function* paginate<T, P>(
  fetchPage: (cursor: string | undefined) => Promise<Result<P>>,
  read: (page: P) => Page<T>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const result = await fetchPage(cursor);
    if (result.error) throw new MailroomError(result.error);
    const page = read(result.data);
    yield* page.items;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
}
