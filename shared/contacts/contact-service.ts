/**
 * Contacts and lists: the rules over the stores. Services take the project id, so the
 * API, the events worker and the operator's CLI share them.
 */

import type {
  CreateContactInput,
  ImportContactsInput,
  ListContactsQuery,
  UpdateContactInput,
} from '#shared/contacts/contact-schema.ts';
import { contactCursor, importRowSchema } from '#shared/contacts/contact-schema.ts';
import { emailKeyOf, slotState, slotStates } from '#shared/contacts/contact-slots.ts';
import { type ContactStatus, markApplies, type PlatformMark } from '#shared/contacts/contact-status.ts';
import {
  ContactChangedError,
  ContactExistsError,
  type ContactRecord,
  contactsOfAddress,
  contactsPage,
  contactsPerInsert,
  countContacts,
  deleteContact,
  getContact,
  insertContacts,
  ListGoneError,
  purgeContacts,
  replaceContact,
  shardOfEmail,
} from '#shared/contacts/contact-store.ts';
import { contactView } from '#shared/contacts/contact-view.ts';
import {
  forgetList,
  getList,
  type ListRecord,
  type ListWithCounts,
  listProjectLists,
  listsToPurge,
  putNewList,
  renameList,
} from '#shared/contacts/list-store.ts';
import { withAsciiDomain } from '#shared/emails/address.ts';
import { ConflictError, NotFoundError, ValidationError } from '#shared/errors.ts';
import { isId, newId } from '#shared/ids.ts';
import { inParallel } from '#shared/in-parallel.ts';
import type { SuppressionType } from '#shared/suppressions/suppression-schema.ts';
import { normaliseAddress, suppressedAmong } from '#shared/suppressions/suppression-store.ts';
import { publishEmailEvent } from '#shared/webhooks/publish-event.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';

/** Where contact webhook events go: straight to the queue, or a worker's batch outbox. */
export type ContactEventSink = (
  projectId: string,
  event: WebhookEvent,
  data: Record<string, unknown>,
  at: string,
) => Promise<void>;

const publishNow: ContactEventSink = publishEmailEvent;

// Lists

export async function createList(projectId: string, name: string): Promise<ListRecord> {
  const now = new Date().toISOString();
  const list: ListRecord = { id: newId('list'), projectId, name, createdAt: now, updatedAt: now };
  await putNewList(list);
  return list;
}

export function listLists(projectId: string): Promise<ListWithCounts[]> {
  return listProjectLists(projectId);
}

/** The project's list; another project's, a deleted or an unknown one is not found. */
export async function findList(projectId: string, listId: string): Promise<ListWithCounts> {
  const list = isId('list', listId) ? await getList(projectId, listId) : undefined;
  if (!list) throw new NotFoundError('List');
  return list;
}

export async function updateList(projectId: string, listId: string, name: string): Promise<ListWithCounts> {
  if (!isId('list', listId) || !(await renameList(projectId, listId, name, new Date().toISOString())))
    throw new NotFoundError('List');
  return findList(projectId, listId);
}

// Contacts

/** The status a new contact starts in: subscribed, unless the address already bounced or complained. */
function startingStatus(suppression: SuppressionType | undefined): ContactStatus {
  if (suppression === 'bounce') return 'bounced';
  if (suppression === 'complaint') return 'complained';
  return 'subscribed';
}

/**
 * The suppression list keeps an address as SES reported it (the local part's case kept);
 * contacts compare addresses without case. So an address is looked up in both spellings.
 */
const spellingsOf = (email: string) => [email, emailKeyOf(email)];

/** Why the project suppressed an address after a bounce or complaint (a complaint first), among `suppressed`. */
function bounceSuppressionIn(
  suppressed: ReadonlyMap<string, SuppressionType>,
  email: string,
): SuppressionType | undefined {
  const found = spellingsOf(email).map((spelling) => suppressed.get(normaliseAddress(spelling)));
  return found.find((type) => type === 'complaint') ?? found.find((type) => type === 'bounce');
}

async function bounceSuppressionOf(projectId: string, email: string): Promise<SuppressionType | undefined> {
  return bounceSuppressionIn(await suppressedAmong(projectId, spellingsOf(email)), email);
}

export async function createContact(
  projectId: string,
  given: CreateContactInput,
  publish: ContactEventSink = publishNow,
): Promise<ContactRecord> {
  // `a@exämple.com` and `a@xn--exmple-cua.com` are one mailbox: stored in the ASCII form.
  const input = { ...given, email: withAsciiDomain(given.email) };
  const [, suppression, slot] = await Promise.all([
    findList(projectId, input.listId),
    bounceSuppressionOf(projectId, input.email),
    slotState(input.listId, input.email),
  ]);
  const taken = () => new ConflictError(`${input.email} is already in this list.`);
  if ('holder' in slot) throw taken();
  const now = new Date().toISOString();
  const contact: ContactRecord = {
    id: slot.free,
    projectId,
    listId: input.listId,
    email: input.email,
    ...(input.name ? { name: input.name } : {}),
    ...(input.company ? { company: input.company } : {}),
    status: startingStatus(suppression),
    slot: slot.free,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await insertContacts(projectId, input.listId, [contact]);
  } catch (error) {
    if (error instanceof ContactExistsError) throw taken();
    if (error instanceof ListGoneError) throw new NotFoundError('List');
    throw error;
  }
  await publish(projectId, 'contact.created', contactView(contact), now);
  return contact;
}

/** The project's contact; another project's, or one of a deleted list, is not found. */
export async function findContact(projectId: string, contactId: string): Promise<ContactRecord> {
  const contact = isId('contact', contactId) ? await getContact(projectId, contactId) : undefined;
  if (!contact) throw new NotFoundError('Contact');
  return contact;
}

/**
 * Applies a change of any subset of the fields. Moving to another address or list keeps
 * the id; the target must be free in that list (409). A bounced or complained contact
 * becomes `subscribed` again only once the address is off the suppression list.
 */
export async function updateContact(
  projectId: string,
  contactId: string,
  input: UpdateContactInput,
  publish: ContactEventSink = publishNow,
): Promise<ContactRecord> {
  const before = await findContact(projectId, contactId);
  if (input.listId !== undefined && input.listId !== before.listId) await findList(projectId, input.listId);
  // One mailbox, one spelling: the domain in ASCII (a contact kept under another spelling of its own address keeps it).
  const email =
    input.email !== undefined && withAsciiDomain(input.email) !== withAsciiDomain(before.email)
      ? withAsciiDomain(input.email)
      : before.email;
  // Whatever the contact's status now (it may have been set unsubscribed in between).
  if (input.status === 'subscribed' && before.status !== 'subscribed') {
    const suppression = await bounceSuppressionOf(projectId, email);
    if (suppression)
      throw new ConflictError(
        `${email} is on the suppression list after a ${suppression}; remove it there (DELETE /api/v1/suppressions/:email) before subscribing it again.`,
      );
  }
  const now = new Date().toISOString();
  const { name: _name, company: _company, ...kept } = before;
  const name = input.name === undefined ? before.name : input.name;
  const company = input.company === undefined ? before.company : input.company;
  const changed: ContactRecord = {
    ...kept,
    email,
    ...(name ? { name } : {}),
    ...(company ? { company } : {}),
    listId: input.listId ?? before.listId,
    status: input.status ?? before.status,
    updatedAt: now,
  };
  let after: ContactRecord;
  try {
    after = await replaceContact(before, changed);
  } catch (error) {
    if (error instanceof ContactExistsError) throw new ConflictError(`${email} is already in that list.`);
    if (error instanceof ContactChangedError)
      throw new ConflictError('The contact changed while this update ran; read it again and retry.');
    if (error instanceof ListGoneError) throw new NotFoundError('List');
    throw error;
  }
  await publish(projectId, 'contact.updated', contactView(after), now);
  return after;
}

export async function removeContact(
  projectId: string,
  contactId: string,
  publish: ContactEventSink = publishNow,
): Promise<void> {
  const contact = await findContact(projectId, contactId);
  try {
    await deleteContact(contact);
  } catch (error) {
    if (error instanceof ContactChangedError || error instanceof ListGoneError)
      throw new NotFoundError('Contact');
    throw error;
  }
  const now = new Date().toISOString();
  await publish(projectId, 'contact.deleted', contactView(contact), now);
}

function decodeCursor(cursor: string): string {
  const emailKey = contactCursor.read(cursor);
  if (emailKey === undefined)
    throw new ValidationError('cursor: is not a cursor this API gave out', 'cursor');
  return emailKey;
}

/**
 * One page of a list's contacts in address order, by `page` or by `cursor` (the page after
 * the one that gave it out, at the cost of one page however deep). `total` comes from the
 * list's counters (exact, no scan) unless `search` narrows it, which has to read the list.
 */
export async function pageContacts(projectId: string, query: ListContactsQuery) {
  const list = await findList(projectId, query.listId);
  const filter = { status: query.status, search: query.search };
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const offset = after ? 0 : (query.page - 1) * query.pageSize;
  const [rows, total] = await Promise.all([
    // One more than the page: whether another follows.
    contactsPage(list.id, { ...filter, after }, offset, query.pageSize + 1),
    query.search ? countContacts(list.id, filter) : Promise.resolve(list.counts[query.status ?? 'total']),
  ]);
  const contacts = rows.slice(0, query.pageSize);
  const last = contacts.at(-1);
  const nextCursor = contactCursor.after(last && emailKeyOf(last.email), rows.length > query.pageSize);
  return { contacts, total, nextCursor };
}

/** What an import did: rows added, rows skipped (already in the list, repeated, invalid), and why rows were invalid. */
export interface ImportResult {
  importedCount: number;
  skippedCount: number;
  invalid: { index: number; error: string }[];
}

/**
 * Adds up to 10,000 rows to a list. A row whose address is already in the list (or earlier
 * in the same request) is skipped, and the existing contact is never changed; an invalid
 * row is skipped and reported. Addresses that bounced or complained before arrive as
 * `bounced` / `complained`. Rows are written a shard at a time in transactions of up to
 * 99 contacts with their counter, shards side by side; a row another request adds
 * meanwhile is skipped like any existing one.
 */
export async function importContacts(projectId: string, input: ImportContactsInput): Promise<ImportResult> {
  await findList(projectId, input.listId);
  const invalid: ImportResult['invalid'] = [];
  const rows = new Map<string, { email: string; name?: string }>();
  input.contacts.forEach((raw, index) => {
    const parsed = importRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      invalid.push({ index, error: `${issue?.path.join('.') || 'row'}: ${issue?.message ?? 'invalid'}` });
      return;
    }
    const email = withAsciiDomain(parsed.data.email);
    const key = emailKeyOf(email);
    // A repeat of an earlier row is skipped like an address already in the list.
    if (!rows.has(key)) rows.set(key, { email, ...(parsed.data.name ? { name: parsed.data.name } : {}) });
  });
  const [slots, suppressed] = await Promise.all([
    slotStates(
      input.listId,
      [...rows.values()].map((row) => row.email),
    ),
    suppressedAmong(
      projectId,
      [...rows.values()].flatMap((row) => spellingsOf(row.email)),
    ),
  ]);
  const now = new Date().toISOString();
  const byShard = new Map<number, ContactRecord[]>();
  for (const [key, row] of rows) {
    const slot = slots.get(key);
    if (!slot || 'holder' in slot) continue;
    const contact: ContactRecord = {
      id: slot.free,
      projectId,
      listId: input.listId,
      ...row,
      status: startingStatus(bounceSuppressionIn(suppressed, row.email)),
      slot: slot.free,
      createdAt: now,
      updatedAt: now,
    };
    const shard = shardOfEmail(key);
    const group = byShard.get(shard) ?? [];
    group.push(contact);
    byShard.set(shard, group);
  }
  let imported = 0;
  await inParallel([...byShard.values()], byShard.size, async (contacts) => {
    for (let start = 0; start < contacts.length; start += contactsPerInsert) {
      // Awaited first: `imported += await …` would read `imported` before the other lanes add to it.
      const added = await insertSkippingTaken(
        projectId,
        input.listId,
        contacts.slice(start, start + contactsPerInsert),
      );
      imported += added;
    }
  });
  return { importedCount: imported, skippedCount: input.contacts.length - imported, invalid };
}

/** Inserts a chunk, dropping the addresses another writer added since the check; returns how many went in. */
async function insertSkippingTaken(
  projectId: string,
  listId: string,
  contacts: ContactRecord[],
): Promise<number> {
  let remaining = contacts;
  while (remaining.length > 0) {
    try {
      await insertContacts(projectId, listId, remaining);
      return remaining.length;
    } catch (error) {
      if (error instanceof ListGoneError) throw new NotFoundError('List');
      if (!(error instanceof ContactExistsError)) throw error;
      const taken = new Set(error.emailKeys);
      remaining = remaining.filter((contact) => !taken.has(emailKeyOf(contact.email)));
    }
  }
  return 0;
}

/**
 * Marks every contact of an address in the project after a hard bounce or a complaint
 * (see `markApplies`), so campaigns skip it; each change is a `contact.updated` event.
 */
export async function markAddressContacts(
  projectId: string,
  email: string,
  mark: PlatformMark,
  publish: ContactEventSink = publishNow,
): Promise<void> {
  const lists = (await listProjectLists(projectId)).map((list) => list.id);
  for (const found of await contactsOfAddress(projectId, lists, email)) {
    let contact: ContactRecord | undefined = found;
    for (let attempt = 0; contact && markApplies(contact.status, mark) && attempt < 3; attempt++) {
      const now = new Date().toISOString();
      try {
        const after = await replaceContact(contact, { ...contact, status: mark, updatedAt: now });
        await publish(projectId, 'contact.updated', contactView(after), now);
        break;
      } catch (error) {
        // Its list was deleted meanwhile.
        if (error instanceof ListGoneError) break;
        if (!(error instanceof ContactChangedError)) throw error;
        contact = await getContact(projectId, contact.id);
        // Moved to another address meanwhile: the bounce is not about it any more.
        if (contact && emailKeyOf(contact.email) !== emailKeyOf(email)) break;
      }
    }
  }
}

/** How many contacts the project has across its lists (from the lists' counters). */
export async function countProjectContacts(projectId: string): Promise<number> {
  return (await listProjectLists(projectId)).reduce((sum, list) => sum + list.counts.total, 0);
}

/**
 * Deletes the contacts of deleted lists until `deadline`, then each emptied list's last
 * item; a list too large for one run is finished by the next.
 */
export async function purgeDeletedLists(deadline: number): Promise<{ lists: number; contacts: number }> {
  let lists = 0;
  let contacts = 0;
  for (const { projectId, listId } of await listsToPurge()) {
    while (Date.now() < deadline) {
      const purged = await purgeContacts(listId, 1000);
      contacts += purged;
      if (purged > 0) continue;
      await forgetList(projectId, listId);
      lists += 1;
      break;
    }
  }
  return { lists, contacts };
}
