import type { Core } from '../core.ts';
import { paginate } from '../pagination.ts';
import type { QueryOf } from '../types.ts';

export class Stats {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** The project at a glance: this month's sends, bounce and complaint rates, the account's status. */
  get() {
    return this.core.read(() => this.core.client.GET('/api/v1/stats'));
  }
}

type BouncesQuery = QueryOf<'/api/v1/analytics/bounces', 'get'>;

export class Analytics {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Totals and rates for a date range, and per day. */
  summary(query: QueryOf<'/api/v1/analytics/summary', 'get'> = {}) {
    return this.core.read(() => this.core.client.GET('/api/v1/analytics/summary', { params: { query } }));
  }

  /** Bounces, newest first, with SES's type and diagnostic. */
  bounces(query: BouncesQuery = {}) {
    return this.core.read(() => this.core.client.GET('/api/v1/analytics/bounces', { params: { query } }));
  }

  iterateBounces(query: Omit<BouncesQuery, 'cursor'> = {}) {
    return paginate(
      (cursor) => this.bounces({ ...query, ...(cursor ? { cursor } : {}) }),
      (page) => ({ items: page.data, next: page.next_cursor }),
    );
  }
}
