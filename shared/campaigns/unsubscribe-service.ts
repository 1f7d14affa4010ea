import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { campaignCount } from '#shared/campaigns/campaign-store.ts';
import { testContact, type UnsubscribeClaim } from '#shared/campaigns/unsubscribe-token.ts';
import { updateContact } from '#shared/contacts/contact-service.ts';
import { getContact } from '#shared/contacts/contact-store.ts';
import { ConflictError } from '#shared/errors.ts';
import { publishEmailEvent } from '#shared/webhooks/publish-event.ts';

/** How the unsubscribe came: the mail client's one-click POST, the link opened, the JSON API, or the page's button. */
export type UnsubscribeSource = 'one_click' | 'link' | 'api' | 'page';

export interface UnsubscribeOutcome {
  /** The link came from a test send: nothing to change. */
  test: boolean;
  /** The contact's address, when it still exists. */
  email?: string;
  /** Whether this request changed the contact's status (false when it already was so). */
  changed: boolean;
}

/**
 * Unsubscribes the token's contact from its list (idempotent: an unsubscribed, bounced
 * or deleted contact stays as it is). A change tells the project's webhooks
 * (`email.unsubscribed`, and `contact.updated`) and counts toward the campaign's
 * `stats.unsubscribed`. The address stays free to receive transactional mail: only the
 * list membership changes.
 */
export async function unsubscribe(
  claim: UnsubscribeClaim,
  source: UnsubscribeSource,
): Promise<UnsubscribeOutcome> {
  if (claim.contactId === testContact) return { test: true, changed: false };
  const contact = await getContact(claim.projectId, claim.contactId);
  if (!contact) return { test: false, changed: false };
  if (contact.status !== 'subscribed') return { test: false, email: contact.email, changed: false };
  const changed = await setStatus(claim, 'unsubscribed');
  if (!changed) return { test: false, email: contact.email, changed: false };
  const now = new Date().toISOString();
  const { key, add } = campaignCount(claim.campaignId, claim.contactId, 'unsubscribed');
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: key,
      UpdateExpression: 'ADD unsubscribed :one',
      ExpressionAttributeValues: { ':one': add.unsubscribed },
    }),
  );
  await publishEmailEvent(
    claim.projectId,
    'email.unsubscribed',
    {
      contact_id: contact.id,
      email: contact.email,
      list_id: contact.listId,
      campaign_id: claim.campaignId,
      source,
    },
    now,
  );
  return { test: false, email: contact.email, changed: true };
}

/** Whom the token names, changing nothing: what the header's address shows before the button is pressed. */
export async function unsubscribeTarget(claim: UnsubscribeClaim): Promise<UnsubscribeOutcome> {
  if (claim.contactId === testContact) return { test: true, changed: false };
  const contact = await getContact(claim.projectId, claim.contactId);
  return { test: false, ...(contact ? { email: contact.email } : {}), changed: false };
}

/**
 * Puts an unsubscribed contact back on its list (the page's button). Refused (409) while
 * the address is suppressed after a bounce or complaint.
 */
export async function resubscribe(claim: UnsubscribeClaim): Promise<UnsubscribeOutcome> {
  if (claim.contactId === testContact) return { test: true, changed: false };
  const contact = await getContact(claim.projectId, claim.contactId);
  if (!contact) return { test: false, changed: false };
  if (contact.status !== 'unsubscribed') return { test: false, email: contact.email, changed: false };
  return { test: false, email: contact.email, changed: await setStatus(claim, 'subscribed') };
}

/** The contact's new status; false when another change got there first. */
async function setStatus(claim: UnsubscribeClaim, status: 'subscribed' | 'unsubscribed'): Promise<boolean> {
  try {
    await updateContact(claim.projectId, claim.contactId, { status });
    return true;
  } catch (error) {
    if (error instanceof ConflictError && status === 'unsubscribed') return false;
    throw error;
  }
}
