import type { Core, WriteOptions } from '../core.ts';
import { paginate } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

type ListQuery = QueryOf<'/api/v1/contacts', 'get'>;

export class Contacts {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  create(contact: BodyOf<'/api/v1/contacts', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/contacts', { body: contact, headers }),
      options,
    );
  }

  /** A page of a list's contacts; `pagination.nextCursor` goes in `cursor`. */
  list(query: ListQuery) {
    return this.core.read(() => this.core.client.GET('/api/v1/contacts', { params: { query } }));
  }

  /** Every contact of the query, page after page, however deep. */
  iterate(query: Omit<ListQuery, 'cursor' | 'page'>) {
    return paginate(
      (cursor) => this.list({ ...query, ...(cursor ? { cursor } : {}) } as ListQuery),
      (page) => ({ items: page.contacts, next: page.pagination.nextCursor }),
    );
  }

  /** Adds up to 10,000 contacts to a list; addresses already there are skipped, bad rows reported. */
  import(contacts: BodyOf<'/api/v1/contacts/import', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/contacts/import', { body: contacts, headers }),
      options,
    );
  }

  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/contacts/{id}', { params: { path: { id } } }));
  }

  update(id: string, changes: BodyOf<'/api/v1/contacts/{id}', 'put'>, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.PUT('/api/v1/contacts/{id}', { params: { path: { id } }, body: changes, headers }),
      options,
    );
  }

  remove(id: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/contacts/{id}', { params: { path: { id } } }),
    );
  }
}

export class Lists {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  create(name: string, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/lists', { body: { name }, headers }),
      options,
    );
  }

  list() {
    return this.core.read(() => this.core.client.GET('/api/v1/lists'));
  }

  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/lists/{id}', { params: { path: { id } } }));
  }

  update(id: string, name: string, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.PUT('/api/v1/lists/{id}', { params: { path: { id } }, body: { name }, headers }),
      options,
    );
  }

  remove(id: string) {
    return this.core.write(() => this.core.client.DELETE('/api/v1/lists/{id}', { params: { path: { id } } }));
  }
}
