import type { Core } from '../core.ts';

export class Account {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** The calling key (scopes, mode), its account's reputation status and sending limits. */
  get() {
    return this.core.read(() => this.core.client.GET('/api/v1/account'));
  }
}
