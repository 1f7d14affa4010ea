/**
 * Slots: how "one contact per address and list" holds with one item per contact.
 *
 * Each (list, address) pair has a chain of slot keys, derived from the pair alone
 * (`slotKey(list, address, 0)`, `…1`, …). An item on a slot is either a contact created
 * there (its id is the slot) or a `moved` marker of a contact that changed to this pair.
 * The pair is taken when some item on its chain *holds* it (a contact whose current list
 * and address are the pair, or a marker for it); a contact created on a slot that later
 * moved away stays there (its id cannot change), so the chain simply goes on past it. A
 * new contact, or a contact moving to the pair, takes the first free slot with a
 * conditional put, so two writers racing for one pair meet on the same slot and one loses.
 * Almost every pair only ever uses its first slot.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, dynamo, tableName } from '#shared/aws/dynamodb.ts';
import { withAsciiDomain, withUnicodeDomain } from '#shared/emails/address.ts';
import { derivedId } from '#shared/ids.ts';

/** The address as contacts are keyed: `Jane@Example.com` and `jane@example.com` are one contact. */
export const emailKeyOf = (email: string) => email.trim().toLowerCase();

/** The id of slot `position` of a (list, address) pair: a valid contact id (`con_…`). */
export function slotKey(listId: string, email: string, position = 0): string {
  const seed = `${listId}\n${emailKeyOf(email)}${position > 0 ? `\n${position}` : ''}`;
  return derivedId('contact', listId, seed);
}

export const contactKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'CONTACT' });

/** Where a pair stands: the contact holding it, or the first slot free for it. */
export type SlotState = { holder: string } | { free: string };

/** Whether the item on a slot holds the pair, and for which contact. */
function holderOf(item: Record<string, unknown>, listId: string, emailKey: string): string | undefined {
  if (item.listId !== listId) return undefined;
  if (item.kind === 'contact' && emailKeyOf(String(item.email)) === emailKey) return String(item.id);
  if (item.kind === 'moved' && item.emailKey === emailKey) return String(item.contactId);
  return undefined;
}

/** Chains longer than this would take a contact moving away from one pair this many times. */
const longestChain = 100;

/**
 * Walks a pair's chain from `from` (strongly consistent reads). The address is taken with
 * its domain in ASCII (`withAsciiDomain`, as contacts store it), and a contact stored
 * before that, under the Unicode form of an internationalised domain, still holds it.
 */
export async function slotState(listId: string, email: string, from = 0): Promise<SlotState> {
  const legacy = withUnicodeDomain(email);
  if (from === 0 && legacy !== withAsciiDomain(email)) {
    const before = await walkChain(listId, legacy, 0);
    if ('holder' in before) return before;
  }
  return walkChain(listId, withAsciiDomain(email), from);
}

async function walkChain(listId: string, email: string, from: number): Promise<SlotState> {
  const emailKey = emailKeyOf(email);
  for (let position = from; position < longestChain; position++) {
    const key = slotKey(listId, email, position);
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName(), Key: contactKey(key), ConsistentRead: true }),
    );
    if (!Item) return { free: key };
    const holder = holderOf(Item, listId, emailKey);
    if (holder) return { holder };
  }
  throw new Error(`The slots of ${emailKey} in ${listId} are exhausted`);
}

/**
 * The state of many pairs of one list at once: their first slots in batched reads, and a
 * walk along the chain for the rare pair whose first slot a moved contact still occupies
 * (or whose domain is internationalised, see `slotState`). Keyed by lower-cased address,
 * its domain in ASCII.
 */
export async function slotStates(listId: string, emails: string[]): Promise<Map<string, SlotState>> {
  const states = new Map<string, SlotState>();
  const addresses = emails.map(withAsciiDomain);
  for (const email of addresses)
    if (withUnicodeDomain(email) !== email) states.set(emailKeyOf(email), await slotState(listId, email));
  const firstSlots = new Map(
    addresses
      .filter((email) => !states.has(emailKeyOf(email)))
      .map((email) => [slotKey(listId, email), emailKeyOf(email)]),
  );
  const occupied: string[] = [];
  const items = await batchGetAll([...firstSlots.keys()].map(contactKey), { consistent: true });
  for (const item of items) {
    const emailKey = firstSlots.get(String(item.pk).slice('CONTACT#'.length)) ?? '';
    const holder = holderOf(item, listId, emailKey);
    if (holder) states.set(emailKey, { holder });
    else occupied.push(emailKey);
  }
  for (const emailKey of occupied) states.set(emailKey, await slotState(listId, emailKey, 1));
  for (const [key, emailKey] of firstSlots) if (!states.has(emailKey)) states.set(emailKey, { free: key });
  return states;
}
