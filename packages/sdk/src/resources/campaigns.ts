import type { Core, WriteOptions } from '../core.ts';
import { paginate } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

type ListQuery = QueryOf<'/api/v1/campaigns', 'get'>;
type Action = 'pause' | 'resume' | 'cancel';

export class Campaigns {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** A draft campaign to a list. */
  create(campaign: BodyOf<'/api/v1/campaigns', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/campaigns', { body: campaign, headers }),
      options,
    );
  }

  list(query: ListQuery = {}) {
    return this.core.read(() => this.core.client.GET('/api/v1/campaigns', { params: { query } }));
  }

  /** Every campaign, page after page. */
  iterate(query: Omit<ListQuery, 'page'> = {}) {
    return paginate(
      (page) => this.list({ ...query, page: Number(page ?? 1) }),
      (answer) => {
        const { page, pageSize, total } = answer.pagination;
        return { items: answer.data, next: page * pageSize < total ? String(page + 1) : null };
      },
    );
  }

  /** The campaign with its live progress and stats. */
  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/campaigns/{id}', { params: { path: { id } } }));
  }

  update(id: string, changes: BodyOf<'/api/v1/campaigns/{id}', 'put'>, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.PUT('/api/v1/campaigns/{id}', { params: { path: { id } }, body: changes, headers }),
      options,
    );
  }

  remove(id: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/campaigns/{id}', { params: { path: { id } } }),
    );
  }

  /** Starts sending now, or at `scheduledAt`. */
  launch(id: string, launch: BodyOf<'/api/v1/campaigns/{id}/launch', 'post'> = {}, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.POST('/api/v1/campaigns/{id}/launch', {
          params: { path: { id } },
          body: launch,
          headers,
        }),
      options,
    );
  }

  pause(id: string, options?: WriteOptions) {
    return this.act('pause', id, options);
  }

  resume(id: string, options?: WriteOptions) {
    return this.act('resume', id, options);
  }

  cancel(id: string, options?: WriteOptions) {
    return this.act('cancel', id, options);
  }

  /** Sends the campaign to up to five addresses, changing nothing for its list. */
  sendTest(id: string, to: string[], options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.POST('/api/v1/campaigns/{id}/test', {
          params: { path: { id } },
          body: { to },
          headers,
        }),
      options,
    );
  }

  private act(action: Action, id: string, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.POST(`/api/v1/campaigns/{id}/${action}`, { params: { path: { id } }, headers }),
      options,
    );
  }
}

/** What a recipient's unsubscribe link does, for pages of your own that take the token. */
export class Unsubscribe {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Applies the token as following the link does, and answers the page a recipient sees (HTML). */
  follow(token: string) {
    return this.core.read(() =>
      this.core.client.GET('/api/v1/unsubscribe', { params: { query: { token } }, parseAs: 'text' }),
    );
  }

  /** Applies the token from a form or button of your own. */
  confirm(token: string) {
    return this.core.read(() => this.core.client.POST('/api/v1/unsubscribe', { body: { token } }));
  }
}
