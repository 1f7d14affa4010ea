import { Core, type MailroomOptions, type WriteOptions } from './core.ts';
import { Account } from './resources/account.ts';
import { Assets } from './resources/assets.ts';
import { Campaigns, Unsubscribe } from './resources/campaigns.ts';
import { Contacts, Lists } from './resources/contacts.ts';
import { Domains } from './resources/domains.ts';
import { Batch, Emails } from './resources/emails.ts';
import { Keys } from './resources/keys.ts';
import { Otp } from './resources/otp.ts';
import { Health, OpenApi, Smtp } from './resources/platform.ts';
import { Analytics, Stats } from './resources/stats.ts';
import { Suppressions } from './resources/suppressions.ts';
import { Templates } from './resources/templates.ts';
import { Webhooks } from './resources/webhooks.ts';
import type { SendBatchRequest, SendEmailRequest } from './types.ts';

/** The Relay SDK's `sendTemplate` arguments. */
export type SendTemplateRequest = Omit<SendEmailRequest, 'html' | 'text' | 'data'> & {
  template_id: string;
  variables?: Record<string, unknown>;
};

/**
 * The Mailroom API client. Every call returns `{data, error, headers}` and never throws
 * for an API error (pass `throwOnError: true` to throw instead).
 *
 * ```ts
 * const mailroom = new Mailroom('ak_live_…', { baseUrl: 'https://api.example.com' });
 * const { data, error } = await mailroom.emails.send({ from: 'you@example.com', to: 'them@example.org', subject: 'Hi', text: 'Hello' });
 * ```
 */
export class Mailroom {
  readonly account: Account;
  readonly emails: Emails;
  readonly batch: Batch;
  readonly domains: Domains;
  readonly keys: Keys;
  readonly templates: Templates;
  readonly suppressions: Suppressions;
  readonly webhooks: Webhooks;
  readonly stats: Stats;
  readonly analytics: Analytics;
  readonly contacts: Contacts;
  readonly lists: Lists;
  readonly campaigns: Campaigns;
  readonly unsubscribe: Unsubscribe;
  readonly otp: Otp;
  readonly assets: Assets;
  readonly smtp: Smtp;
  readonly health: Health;
  readonly openapi: OpenApi;

  /** `key` defaults to `MAILROOM_API_KEY`, `options.baseUrl` to `MAILROOM_BASE_URL`. */
  constructor(key?: string, options: MailroomOptions = {}) {
    const core = new Core(key, options);
    this.account = new Account(core);
    this.emails = new Emails(core);
    this.batch = new Batch(core);
    this.domains = new Domains(core);
    this.keys = new Keys(core);
    this.templates = new Templates(core);
    this.suppressions = new Suppressions(core);
    this.webhooks = new Webhooks(core);
    this.stats = new Stats(core);
    this.analytics = new Analytics(core);
    this.contacts = new Contacts(core);
    this.lists = new Lists(core);
    this.campaigns = new Campaigns(core);
    this.unsubscribe = new Unsubscribe(core);
    this.otp = new Otp(core);
    this.assets = new Assets(core);
    this.smtp = new Smtp(core);
    this.health = new Health(core);
    this.openapi = new OpenApi(core);
  }

  /** Relay's `send`: the same as `emails.send`. */
  send(email: SendEmailRequest, options?: WriteOptions) {
    return this.emails.send(email, options);
  }

  /** Relay's `sendTemplate`: one email from a stored template and its variables. */
  sendTemplate({ variables, ...email }: SendTemplateRequest, options?: WriteOptions) {
    return this.emails.send(
      { ...email, ...(variables ? { data: variables } : {}) } as SendEmailRequest,
      options,
    );
  }

  /** Relay's `sendBatch`: the same as `batch.send`. */
  sendBatch({ emails }: SendBatchRequest, options?: WriteOptions) {
    return this.batch.send(emails, options);
  }
}
