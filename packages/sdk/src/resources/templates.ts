import type { Core, WriteOptions } from '../core.ts';
import type { BodyOf } from '../types.ts';

export class Templates {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  create(template: BodyOf<'/api/v1/templates', 'post'>, options?: WriteOptions) {
    return this.core.write(
      (headers) => this.core.client.POST('/api/v1/templates', { body: template, headers }),
      options,
    );
  }

  list() {
    return this.core.read(() => this.core.client.GET('/api/v1/templates'));
  }

  get(id: string) {
    return this.core.read(() => this.core.client.GET('/api/v1/templates/{id}', { params: { path: { id } } }));
  }

  update(id: string, template: BodyOf<'/api/v1/templates/{id}', 'put'>, options?: WriteOptions) {
    return this.core.write(
      (headers) =>
        this.core.client.PUT('/api/v1/templates/{id}', { params: { path: { id } }, body: template, headers }),
      options,
    );
  }

  remove(id: string) {
    return this.core.write(() =>
      this.core.client.DELETE('/api/v1/templates/{id}', { params: { path: { id } } }),
    );
  }
}
