import type { Core, WriteOptions } from '../core.ts';
import { paginate } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

type ListQuery = QueryOf<'/api/v1/suppressions', 'get'>;

export class Suppressions {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  list(query: ListQuery = {}) {
    return this.core.read(() => this.core.client.GET('/api/v1/suppressions', { params: { query } }));
  }

  /** Every suppressed address matching the filter, page after page. */
  iterate(query: Omit<ListQuery, 'startingAfter'> = {}) {
    return paginate(
      (startingAfter) => this.list({ ...query, ...(startingAfter ? { startingAfter } : {}) }),
      (page) => ({ items: page.data, next: page.next_cursor }),
    );
  }

  /** Suppresses addresses by hand: mail to them is skipped until removed. */
  add(suppressions: BodyOf<'/api/v1/suppressions', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/suppressions', { body: suppressions, headers }),
      options,
    );
  }

  remove(email: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/suppressions/{email}', { params: { path: { email } } }),
    );
  }
}
