import type { Core, WriteOptions } from '../core.ts';
import type { BodyOf } from '../types.ts';

export class Domains {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Adds a sending domain; publish its `dns_records` (see `get`), then `verify`. */
  create(domain: string, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/domains', { body: { domain }, headers }),
      options,
    );
  }

  list() {
    return this.core.read(() => this.core.client.GET('/api/v1/domains'));
  }

  /** The domain with every DNS record to publish and SES's verdict on each. */
  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/domains/{id}', { params: { path: { id } } }));
  }

  /** Turns open and click tracking on or off for mail from the domain. */
  update(id: string, settings: BodyOf<'/api/v1/domains/{id}', 'patch'>, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.PATCH('/api/v1/domains/{id}', { params: { path: { id } }, body: settings, headers }),
      options,
    );
  }

  /** Asks SES for the domain's state now. */
  verify(id: string, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.POST('/api/v1/domains/{id}/verify', { params: { path: { id } }, headers }),
      options,
    );
  }

  remove(id: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/domains/{id}', { params: { path: { id } } }),
    );
  }
}
