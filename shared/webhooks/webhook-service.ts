import type { Principal } from '#shared/auth/principal.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/errors.ts';
import { isId, newId } from '#shared/ids.ts';
import { webhookConfig } from '#shared/webhooks/webhook-config.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';
import { urlProblem, vettedAddress } from '#shared/webhooks/webhook-http.ts';
import { newWebhookSecret } from '#shared/webhooks/webhook-signature.ts';
import {
  deleteWebhook,
  getWebhook,
  insertWebhook,
  listDeliveries,
  listProjectWebhooks,
  saveWebhook,
  type WebhookRecord,
} from '#shared/webhooks/webhook-store.ts';

/** Refuses a URL that could never receive deliveries: wrong scheme, or a private address now. */
async function checkUrl(url: string): Promise<void> {
  const problem = urlProblem(url, webhookConfig());
  if (problem) throw new ValidationError(`url ${problem}`, 'url');
  try {
    await vettedAddress(url, webhookConfig());
  } catch (error) {
    throw new ValidationError(`url: ${(error as Error).message}`, 'url');
  }
}

export async function createWebhook(caller: Principal, input: { url: string; events: WebhookEvent[] }) {
  await checkUrl(input.url);
  const now = new Date().toISOString();
  const webhook: WebhookRecord = {
    id: newId('webhook'),
    projectId: caller.projectId,
    url: input.url,
    events: [...new Set(input.events)],
    active: true,
    secret: newWebhookSecret(),
    consecutiveFailures: 0,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await insertWebhook(webhook, webhookConfig().maxWebhooks))) {
    throw new ConflictError(`A project has at most ${webhookConfig().maxWebhooks} webhooks.`);
  }
  return webhook;
}

/** The project's webhook; another project's is not found. */
export async function findWebhook(caller: Principal, id: string): Promise<WebhookRecord> {
  const webhook = isId('webhook', id) ? await getWebhook(id) : undefined;
  if (!webhook || webhook.projectId !== caller.projectId) throw new NotFoundError('Webhook');
  return webhook;
}

export function listWebhooks(caller: Principal) {
  return listProjectWebhooks(caller.projectId);
}

/** Changes url, events or active; turning a webhook back on clears its failure run. */
export async function updateWebhook(
  caller: Principal,
  id: string,
  input: { url?: string; events?: WebhookEvent[]; active?: boolean },
) {
  const webhook = await findWebhook(caller, id);
  if (input.url !== undefined) await checkUrl(input.url);
  const reactivated = input.active === true && !webhook.active;
  const updated: WebhookRecord = {
    ...webhook,
    ...(input.url === undefined ? {} : { url: input.url }),
    ...(input.events === undefined ? {} : { events: [...new Set(input.events)] }),
    ...(input.active === undefined ? {} : { active: input.active }),
    ...(reactivated ? { consecutiveFailures: 0, deactivatedReason: undefined } : {}),
    // A new address, or a webhook turned back on, is tried at once.
    ...(reactivated || input.url !== undefined ? { unresponsiveUntil: undefined } : {}),
    updatedAt: new Date().toISOString(),
  };
  await saveWebhook(updated);
  return updated;
}

export async function removeWebhook(caller: Principal, id: string) {
  const webhook = await findWebhook(caller, id);
  await deleteWebhook(webhook);
  return webhook;
}

export async function failedDeliveries(caller: Principal, id: string, limit: number) {
  const webhook = await findWebhook(caller, id);
  return { webhook, ...(await listDeliveries(webhook.id, 'failed', limit)) };
}
