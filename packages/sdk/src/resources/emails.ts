import type { Core, WriteOptions } from '../core.ts';
import { paginate } from '../pagination.ts';
import type { ListEmailsQuery, SendBatchRequest, SendEmailRequest } from '../types.ts';

export class Emails {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Sends (or schedules) one email; retried safely with an idempotency key, generated when not given. */
  send(email: SendEmailRequest, options?: WriteOptions) {
    return this.core.send(
      (headers) => this.core.client.POST('/api/v1/emails', { body: email, headers }),
      options,
    );
  }

  /** One email with its history (queued → sent → delivered, opens, clicks, bounces). */
  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/emails/{id}', { params: { path: { id } } }));
  }

  /** A page of the log, oldest first unless `order: 'desc'`; `next_cursor` goes in `startingAfter`. */
  list(query: ListEmailsQuery = {}) {
    return this.core.read(() => this.core.client.GET('/api/v1/emails', { params: { query } }));
  }

  /** Every email matching the filters, page after page. */
  iterate(query: Omit<ListEmailsQuery, 'startingAfter'> = {}) {
    return paginate(
      (startingAfter) => this.list({ ...query, ...(startingAfter ? { startingAfter } : {}) }),
      (page) => ({ items: page.emails, next: page.next_cursor }),
    );
  }

  /** Cancels a scheduled email before it goes out. */
  cancel(id: string, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/emails/{id}/cancel', { params: { path: { id } }, headers }),
      options,
    );
  }
}

export class Batch {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Up to 100 emails in one request, each judged alone: a bad row is reported in its place. */
  send(emails: SendBatchRequest['emails'], options?: WriteOptions) {
    return this.core.send(
      (headers) => this.core.client.POST('/api/v1/emails/batch', { body: { emails }, headers }),
      options,
    );
  }
}
