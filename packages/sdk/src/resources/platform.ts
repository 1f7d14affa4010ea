import type { Core } from '../core.ts';

export class Health {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  get() {
    return this.core.read(() => this.core.client.GET('/health'));
  }
}

export class OpenApi {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** The API's OpenAPI 3.1 document. */
  json() {
    return this.core.read(() => this.core.client.GET('/api/v1/openapi.json'));
  }

  /** The same document as YAML text. */
  yaml() {
    return this.core.read(() => this.core.client.GET('/api/v1/openapi.yaml', { parseAs: 'text' }));
  }
}

export class Smtp {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Where the SMTP relay listens and how to sign in, when the stack runs one. */
  get() {
    return this.core.read(() => this.core.client.GET('/api/v1/smtp'));
  }
}
