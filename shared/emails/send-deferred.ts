/** The email did not go to SES this time (throttled, SES's own fault, no capacity, not yet due); retry later. */
export class SendDeferredError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SendDeferredError';
  }
}
