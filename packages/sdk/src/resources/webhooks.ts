import type { Core, WriteOptions } from '../core.ts';
import type { BodyOf, QueryOf } from '../types.ts';
import { verifyWebhook } from '../verify-webhook.ts';

export class WebhookDeliveries {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** The webhook's failed and replayed deliveries, newest first. */
  list(webhookId: string, query: QueryOf<'/api/v1/webhooks/{id}/deliveries', 'get'> = {}) {
    return this.core.read(() =>
      this.core.client.GET('/api/v1/webhooks/{id}/deliveries', {
        params: { path: { id: webhookId }, query },
      }),
    );
  }

  /** Sends one delivery again. */
  replay(webhookId: string, deliveryId: string, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay', {
          params: { path: { id: webhookId, deliveryId } },
          headers,
        }),
      options,
    );
  }

  /** Sends again every failed delivery created since `since` (ISO 8601). */
  replayFailed(webhookId: string, since: string, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.POST('/api/v1/webhooks/{id}/deliveries/replay', {
          params: { path: { id: webhookId } },
          body: { since },
          headers,
        }),
      options,
    );
  }
}

export class Webhooks {
  readonly deliveries: WebhookDeliveries;

  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
    this.deliveries = new WebhookDeliveries(core);
  }

  /** A new endpoint; its signing `secret` is in this answer only. */
  create(webhook: BodyOf<'/api/v1/webhooks', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/webhooks', { body: webhook, headers }),
      options,
    );
  }

  list() {
    return this.core.read(() => this.core.client.GET('/api/v1/webhooks'));
  }

  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/webhooks/{id}', { params: { path: { id } } }));
  }

  update(id: string, changes: BodyOf<'/api/v1/webhooks/{id}', 'patch'>, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.PATCH('/api/v1/webhooks/{id}', { params: { path: { id } }, body: changes, headers }),
      options,
    );
  }

  remove(id: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } }),
    );
  }

  /** Whether a delivery you received is Mailroom's: checks `X-Webhook-Signature` over the raw body, in constant time. */
  verify = verifyWebhook;
}
