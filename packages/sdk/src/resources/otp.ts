import type { Core, WriteOptions } from '../core.ts';
import type { BodyOf } from '../types.ts';

export class Otp {
  private readonly core: Core;

  constructor(core: Core) {
    this.core = core;
  }

  /** Emails a one-time code (never tracked); a newer code replaces the older one. */
  send(request: BodyOf<'/api/v1/otp/send', 'post'>, options?: WriteOptions) {
    return this.core.send(
      (headers) => this.core.client.POST('/api/v1/otp/send', { body: request, headers }),
      options,
    );
  }

  /** Checks a code: `{ok: true}`, or a 400 `otp_invalid` / `otp_expired`. */
  verify(request: BodyOf<'/api/v1/otp/verify', 'post'>) {
    return this.core.write(() => this.core.client.POST('/api/v1/otp/verify', { body: request }));
  }
}
