import type { Core, WriteOptions } from '../core.ts';
import type { BodyOf } from '../types.ts';

export class Keys {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** A new key; its secret (`key`) is in this answer only. */
  create(key: BodyOf<'/api/v1/keys', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/keys', { body: key, headers }),
      options,
    );
  }

  list() {
    return this.core.read(() => this.core.client.GET('/api/v1/keys'));
  }

  revoke(id: string) {
    return this.core.write(() => this.core.client.DELETE('/api/v1/keys/{id}', { params: { path: { id } } }));
  }
}
