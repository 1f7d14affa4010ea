import { randomUUID } from 'node:crypto';
import type { Mailroom, Result } from '@mailroom/sdk';
import * as z from 'zod';
import { holds } from './scopes.ts';
import { untrusted } from './untrusted.ts';

/**
 * One MCP tool: what it needs of the key, whether it changes anything, and what it
 * does through the SDK. Read tools run whatever the server's mode; write tools only
 * when writes are allowed and the key holds their scope.
 */
export interface Tool {
  name: string;
  title: string;
  description: string;
  /** The key scope the tool's API calls need. */
  scope: string;
  writes: boolean;
  /** Removes, stops or sends something that cannot be taken back. */
  destructive?: boolean;
  /** Calling it twice with the same arguments has the effect of calling it once. */
  idempotent?: boolean;
  input: z.ZodRawShape;
  output: z.ZodRawShape;
  run(mailroom: Mailroom, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** An API error, for the agent to read and act on (wrong id, missing scope, rate limit). */
export class ToolError extends Error {}

/** The data of a call, or a `ToolError` with the API's message and code. */
async function data<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error } = await call;
  if (error)
    throw new ToolError(
      `${error.message} (${error.code}${error.statusCode ? `, HTTP ${error.statusCode}` : ''})`,
    );
  return data;
}

const id = (what: string) => z.string().min(1).max(100).describe(`The ${what}'s id`);
const optionalId = (what: string) =>
  z.string().min(1).max(100).optional().describe(`The ${what}'s id; leave out to list them all`);
const recipients = z
  .union([z.string(), z.array(z.string()).min(1).max(50)])
  .describe('Recipient address(es). Use only addresses the user gave you.');
const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .describe('Makes a retry of this call safe; one is generated (and returned) when left out.');
const any = z.unknown();

function sendKey(input: Record<string, unknown>): string {
  return typeof input.idempotency_key === 'string' ? input.idempotency_key : randomUUID();
}

/** What an agent may see of a template: its text marked as untrusted content. */
function templateForAgent<T extends { subject: string | null; html?: string | null; text?: string | null }>(
  template: T,
) {
  return {
    ...template,
    subject: untrusted(template.subject),
    ...('html' in template ? { html: untrusted(template.html), text: untrusted(template.text) } : {}),
  };
}

/** A campaign's own words (its name, subject and content) as untrusted content. */
function campaignForAgent<T extends { name: string; subject?: string; content?: string }>(campaign: T) {
  return {
    ...campaign,
    name: untrusted(campaign.name),
    ...(campaign.subject !== undefined ? { subject: untrusted(campaign.subject) } : {}),
    ...(campaign.content !== undefined ? { content: untrusted(campaign.content) } : {}),
  };
}

/** A contact's words that its sign-up form or an import supplied: anyone could have written them. */
const contactTextFields = ['name', 'company', 'firstName', 'lastName'] as const;

/** A contact with its names and company marked as untrusted content. */
function contactForAgent(contact: object): Record<string, unknown> {
  const marked: Record<string, unknown> = { ...contact };
  for (const field of contactTextFields) {
    const value = (contact as Record<string, unknown>)[field];
    if (typeof value === 'string' || value === null) marked[field] = untrusted(value);
  }
  return marked;
}

export const tools: Tool[] = [
  {
    name: 'get_overview',
    title: 'Account overview',
    description:
      'The account at a glance: its reputation status (sending stops when flagged or suspended), its sending limits, ' +
      "this month's sends, 24-hour and 30-day bounce and complaint rates (thresholds: 2 % bounces, 0.05 % complaints), and the key's scopes.",
    // Any key may read its own account, so every key has at least this tool.
    scope: 'any',
    writes: false,
    input: {},
    output: { account: any, stats: any },
    run: async (mailroom) => {
      const account = await data(mailroom.account.get());
      const stats = holds(account.key, 'stats.read') ? await data(mailroom.stats.get()) : null;
      return { account, stats };
    },
  },
  {
    name: 'list_emails',
    title: 'List emails',
    description:
      'A page of the email log, filtered by status, sending domain, tag or time. Newest last unless order is desc.',
    scope: 'emails.read',
    writes: false,
    input: {
      status: z
        .string()
        .optional()
        .describe('queued, sent, delivered, bounced, complained, failed, suppressed, …'),
      domain: z.string().optional().describe('Only mail from this sending domain'),
      tag: z.string().optional().describe('name or name:value'),
      order: z.enum(['asc', 'desc']).optional(),
      limit: z.number().int().min(1).max(100).optional(),
      starting_after: z.string().optional().describe('next_cursor of the previous page'),
    },
    output: { emails: z.array(any), has_more: z.boolean(), next_cursor: z.string().nullable() },
    run: async (mailroom, input) => {
      const page = await data(
        mailroom.emails.list({
          ...(input.status ? { status: input.status as never } : {}),
          ...(input.domain ? { domain: String(input.domain) } : {}),
          ...(input.tag ? { tag: String(input.tag) } : {}),
          ...(input.order ? { order: input.order as 'asc' | 'desc' } : {}),
          limit: typeof input.limit === 'number' ? input.limit : 20,
          ...(input.starting_after ? { startingAfter: String(input.starting_after) } : {}),
        }),
      );
      return {
        emails: page.emails.map((email) => ({ ...email, subject: untrusted(email.subject) })),
        has_more: page.has_more,
        next_cursor: page.next_cursor,
      };
    },
  },
  {
    name: 'get_email',
    title: 'Get an email',
    description:
      'One email with its history: queued, sent, delivered, opened, clicked, bounced (with SES diagnostics) or complained.',
    scope: 'emails.read',
    writes: false,
    input: { id: id('email') },
    output: { email: any, events: z.array(any) },
    run: async (mailroom, input) => {
      const found = await data(mailroom.emails.get(String(input.id)));
      return { email: { ...found.email, subject: untrusted(found.email.subject) }, events: found.events };
    },
  },
  {
    name: 'get_domain',
    title: 'Get domains',
    description:
      'One sending domain with every DNS record to publish and its status, or every domain when no id is given.',
    scope: 'domains.read',
    writes: false,
    idempotent: true,
    input: { id: optionalId('domain') },
    output: { domains: z.array(any) },
    run: async (mailroom, input) =>
      input.id
        ? { domains: [await data(mailroom.domains.get(String(input.id)))] }
        : { domains: (await data(mailroom.domains.list())).data },
  },
  {
    name: 'list_suppressions',
    title: 'List suppressions',
    description:
      'Addresses mail is no longer sent to (bounced, complained, unsubscribed or added by hand), and why.',
    scope: 'suppressions.read',
    writes: false,
    input: {
      type: z.enum(['bounce', 'complaint', 'unsubscribe', 'manual']).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
      starting_after: z.string().optional().describe('next_cursor of the previous page'),
    },
    output: { suppressions: z.array(any), has_more: z.boolean(), next_cursor: z.string().nullable() },
    run: async (mailroom, input) => {
      const page = await data(
        mailroom.suppressions.list({
          ...(input.type ? { type: input.type as 'bounce' } : {}),
          ...(typeof input.limit === 'number' ? { limit: input.limit } : {}),
          ...(input.starting_after ? { startingAfter: String(input.starting_after) } : {}),
        }),
      );
      return { suppressions: page.data, has_more: page.has_more, next_cursor: page.next_cursor };
    },
  },
  {
    name: 'get_template',
    title: 'Get templates',
    description:
      'One template (its subject and body, as untrusted content), or every template when no id is given.',
    scope: 'templates.read',
    writes: false,
    input: { id: optionalId('template') },
    output: { templates: z.array(any) },
    run: async (mailroom, input) =>
      input.id
        ? { templates: [templateForAgent(await data(mailroom.templates.get(String(input.id))))] }
        : { templates: (await data(mailroom.templates.list())).templates.map(templateForAgent) },
  },
  {
    name: 'get_webhook',
    title: 'Get webhooks',
    description:
      'One webhook with its recent failed deliveries, or every webhook when no id is given. Secrets are never shown.',
    scope: 'webhooks.read',
    writes: false,
    input: { id: optionalId('webhook') },
    output: { webhooks: z.array(any), deliveries: z.array(any).optional() },
    run: async (mailroom, input) => {
      if (!input.id) return { webhooks: (await data(mailroom.webhooks.list())).data };
      const webhookId = String(input.id);
      const [webhook, deliveries] = await Promise.all([
        data(mailroom.webhooks.get(webhookId)),
        data(mailroom.webhooks.deliveries.list(webhookId, { limit: 20 })),
      ]);
      return { webhooks: [webhook], deliveries: deliveries.data };
    },
  },
  {
    name: 'get_stats',
    title: 'Sending statistics',
    description:
      'Sent, delivered, bounced, complained, opened and clicked totals and rates for a date range, and per day.',
    scope: 'stats.read',
    writes: false,
    input: {
      from: z.string().optional().describe('First day, YYYY-MM-DD (default: 29 days ago)'),
      to: z.string().optional().describe('Last day, YYYY-MM-DD (default: today)'),
    },
    output: { summary: any },
    run: async (mailroom, input) => ({
      summary: await data(
        mailroom.analytics.summary({
          ...(input.from ? { from: String(input.from) } : {}),
          ...(input.to ? { to: String(input.to) } : {}),
        }),
      ),
    }),
  },
  {
    name: 'get_campaign',
    title: 'Get campaigns',
    description:
      'One campaign with its live progress and stats (its content as untrusted text), or every campaign when no id is given.',
    scope: 'campaigns.read',
    writes: false,
    input: { id: optionalId('campaign') },
    output: { campaigns: z.array(any) },
    run: async (mailroom, input) => {
      if (!input.id)
        return {
          campaigns: (await data(mailroom.campaigns.list({ pageSize: 100 }))).data.map(campaignForAgent),
        };
      const { data: campaign } = await data(mailroom.campaigns.get(String(input.id)));
      return { campaigns: [campaignForAgent(campaign)] };
    },
  },
  {
    name: 'list_lists',
    title: 'List contact lists',
    description: 'Every contact list with its number of contacts.',
    scope: 'contacts.read',
    writes: false,
    input: {},
    output: { lists: z.array(any) },
    run: async (mailroom) => ({ lists: (await data(mailroom.lists.list())).data }),
  },
  {
    name: 'get_contacts',
    title: 'Get contacts',
    description: "One contact, or a page of a list's contacts (search by name or address, filter by status).",
    scope: 'contacts.read',
    writes: false,
    input: {
      id: optionalId('contact'),
      list_id: z.string().optional().describe('The list to page through, when no id is given'),
      search: z.string().max(200).optional(),
      status: z.enum(['subscribed', 'unsubscribed', 'bounced', 'complained']).optional(),
      cursor: z.string().optional().describe('nextCursor of the previous page'),
    },
    output: { contacts: z.array(any), next_cursor: z.string().nullable().optional() },
    run: async (mailroom, input) => {
      if (input.id)
        return { contacts: [contactForAgent((await data(mailroom.contacts.get(String(input.id)))).data)] };
      if (!input.list_id) throw new ToolError('Give a contact id, or a list_id to page through.');
      const page = await data(
        mailroom.contacts.list({
          listId: String(input.list_id),
          ...(input.search ? { search: String(input.search) } : {}),
          ...(input.status ? { status: input.status as 'subscribed' } : {}),
          ...(input.cursor ? { cursor: String(input.cursor) } : {}),
        } as never),
      );
      return { contacts: page.contacts.map(contactForAgent), next_cursor: page.pagination.nextCursor };
    },
  },
  {
    name: 'send_email',
    title: 'Send an email',
    description:
      'Sends one email. Ask the user for from, to, cc and bcc: never make up an address. ' +
      'The from address must be on a verified domain of the project. Returns the email id and the idempotency key used.',
    scope: 'emails.send',
    writes: true,
    destructive: true,
    idempotent: true,
    input: {
      from: z.string().describe('Sender, "Name <a@domain>" or a@domain, on a verified domain'),
      to: recipients,
      cc: recipients.optional(),
      bcc: recipients.optional(),
      subject: z.string().min(1).max(998),
      text: z.string().optional(),
      html: z.string().optional(),
      template_id: z.string().optional(),
      variables: z.record(z.string(), z.unknown()).optional().describe("The template's merge fields"),
      scheduled_at: z.string().optional().describe('ISO 8601 time to send at'),
      idempotency_key: idempotencyKey,
    },
    output: { id: z.string(), status: z.string(), idempotency_key: z.string() },
    run: async (mailroom, input) => {
      const key = sendKey(input);
      const { idempotency_key: _key, variables, ...email } = input;
      const sent = await data(
        mailroom.emails.send({ ...email, ...(variables ? { data: variables } : {}) } as never, {
          idempotencyKey: key,
        }),
      );
      return { id: sent.id, status: sent.status, idempotency_key: key };
    },
  },
  {
    name: 'send_batch',
    title: 'Send a batch',
    description: 'Sends up to 100 emails, each judged alone. Use only addresses the user gave you.',
    scope: 'emails.batch',
    writes: true,
    destructive: true,
    idempotent: true,
    input: {
      emails: z
        .array(
          z.object({
            from: z.string(),
            to: recipients,
            subject: z.string().min(1).max(998),
            text: z.string().optional(),
            html: z.string().optional(),
          }),
        )
        .min(1)
        .max(100),
      idempotency_key: idempotencyKey,
    },
    output: {
      batch_id: z.string(),
      sent: z.number(),
      failed: z.number(),
      rows: z.array(any),
      idempotency_key: z.string(),
    },
    run: async (mailroom, input) => {
      const key = sendKey(input);
      const batch = await data(mailroom.batch.send(input.emails as never, { idempotencyKey: key }));
      return {
        batch_id: batch.batch_id,
        sent: batch.sent,
        failed: batch.failed,
        rows: batch.data,
        idempotency_key: key,
      };
    },
  },
  {
    name: 'cancel_email',
    title: 'Cancel a scheduled email',
    description: 'Cancels a scheduled email before it goes out.',
    scope: 'emails.send',
    writes: true,
    destructive: true,
    idempotent: true,
    input: { id: id('email') },
    output: { id: z.string(), status: z.string() },
    run: async (mailroom, input) => {
      const canceled = await data(mailroom.emails.cancel(String(input.id)));
      return { id: canceled.id, status: canceled.status };
    },
  },
  {
    name: 'add_domain',
    title: 'Add a sending domain',
    description: 'Adds a sending domain and answers the DNS records to publish before it can verify.',
    scope: 'domains.write',
    writes: true,
    input: { domain: z.string().min(1).max(253) },
    output: { domain: any },
    run: async (mailroom, input) => {
      const created = await data(mailroom.domains.create(String(input.domain)));
      return { domain: await data(mailroom.domains.get(created.id)) };
    },
  },
  {
    name: 'verify_domain',
    title: 'Check a domain',
    description: "Asks SES for the domain's verification state now.",
    scope: 'domains.write',
    writes: true,
    idempotent: true,
    input: { id: id('domain') },
    output: { domain: z.string(), status: z.string() },
    run: async (mailroom, input) => ({ ...(await data(mailroom.domains.verify(String(input.id)))) }),
  },
  {
    name: 'add_suppression',
    title: 'Suppress addresses',
    description: 'Stops all mail to these addresses until they are removed again.',
    scope: 'suppressions.write',
    writes: true,
    idempotent: true,
    input: { emails: z.array(z.string()).min(1).max(100), reason: z.string().max(500).optional() },
    output: { added: z.number() },
    run: async (mailroom, input) => {
      const added = await data(
        mailroom.suppressions.add({
          emails: input.emails as string[],
          ...(input.reason ? { reason: String(input.reason) } : {}),
        } as never),
      );
      return { added: added.added };
    },
  },
  {
    name: 'remove_suppression',
    title: 'Remove a suppression',
    description: 'Lets mail reach an address again. Only for addresses that should not have been suppressed.',
    scope: 'suppressions.write',
    writes: true,
    destructive: true,
    idempotent: true,
    input: { email: z.string() },
    output: { email: z.string(), deleted: z.boolean() },
    run: async (mailroom, input) => ({ ...(await data(mailroom.suppressions.remove(String(input.email)))) }),
  },
  {
    name: 'add_contact',
    title: 'Add a contact',
    description:
      'Adds one address to a list, subscribed. Use only addresses the user gave you, with their consent.',
    scope: 'contacts.write',
    writes: true,
    input: {
      list_id: z.string().min(1).max(100),
      email: z.string().min(3).max(320),
      name: z.string().max(200).optional(),
    },
    output: { contact: any },
    run: async (mailroom, input) => ({
      contact: contactForAgent(
        await data(
          mailroom.contacts.create({
            listId: String(input.list_id),
            email: String(input.email),
            ...(input.name ? { name: String(input.name) } : {}),
          }),
        ),
      ),
    }),
  },
  {
    name: 'create_list',
    title: 'Create a contact list',
    description: 'Creates an empty contact list; add contacts to it with add_contact.',
    scope: 'contacts.write',
    writes: true,
    input: { name: z.string().min(1).max(200) },
    output: { list: any },
    run: async (mailroom, input) => ({ list: await data(mailroom.lists.create(String(input.name))) }),
  },
  {
    name: 'create_campaign',
    title: 'Draft a campaign',
    description:
      'Drafts a campaign to a list (nothing is sent): HTML content with {{name}}-style merge fields; an unsubscribe footer is added. ' +
      'Test it with send_campaign_test, then launch it with launch_campaign.',
    scope: 'campaigns.write',
    writes: true,
    input: {
      name: z.string().min(1).max(200),
      subject: z.string().min(1).max(998),
      from_email: z.string().describe('Sender on a verified domain, "Name <a@domain>" or a@domain'),
      list_id: z.string().min(1).max(100),
      content: z.string().min(1).describe('The HTML body'),
    },
    output: { campaign: any },
    run: async (mailroom, input) => ({
      campaign: await data(
        mailroom.campaigns.create({
          name: String(input.name),
          subject: String(input.subject),
          fromEmail: String(input.from_email),
          listId: String(input.list_id),
          content: String(input.content),
        }),
      ),
    }),
  },
  {
    name: 'send_campaign_test',
    title: 'Send a campaign test',
    description: 'Sends the merged campaign to up to five addresses the user gave, without launching it.',
    scope: 'campaigns.write',
    writes: true,
    destructive: true,
    input: { id: id('campaign'), to: z.array(z.string()).min(1).max(5) },
    output: { sent: z.array(any) },
    run: async (mailroom, input) => ({
      sent: (await data(mailroom.campaigns.sendTest(String(input.id), input.to as string[]))).data,
    }),
  },
  {
    name: 'launch_campaign',
    title: 'Launch a campaign',
    description:
      'Starts sending a draft campaign to every subscribed contact of its list, now or at scheduled_at. ' +
      'This mails real people: confirm the campaign and its list with the user first (get_campaign, list_lists).',
    scope: 'campaigns.write',
    writes: true,
    destructive: true,
    input: { id: id('campaign'), scheduled_at: z.string().optional().describe('ISO 8601 time to start at') },
    output: { id: z.string(), status: z.string(), job_id: z.string() },
    run: async (mailroom, input) => {
      const launched = await data(
        mailroom.campaigns.launch(
          String(input.id),
          input.scheduled_at ? { scheduledAt: String(input.scheduled_at) } : {},
        ),
      );
      return { id: String(input.id), status: launched.status, job_id: launched.jobId };
    },
  },
  {
    name: 'pause_campaign',
    title: 'Pause a campaign',
    description: 'Stops a sending campaign; resume it later from where it stopped.',
    scope: 'campaigns.write',
    writes: true,
    idempotent: true,
    input: { id: id('campaign') },
    output: { id: z.string(), status: z.string() },
    run: async (mailroom, input) => {
      const { data: campaign } = await data(mailroom.campaigns.pause(String(input.id)));
      return { id: campaign.id, status: campaign.status };
    },
  },
];
