import type { ContactRecord } from '#shared/contacts/contact-store.ts';
import type { ListRecord, ListWithCounts } from '#shared/contacts/list-store.ts';

/** A contact as the API shows it (camelCase, absent fields as null). */
export function contactView(contact: ContactRecord) {
  return {
    id: contact.id,
    email: contact.email,
    name: contact.name ?? null,
    company: contact.company ?? null,
    listId: contact.listId,
    status: contact.status,
    createdAt: contact.createdAt,
    updatedAt: contact.updatedAt,
  };
}

/** `POST /api/v1/contacts`: the created contact. */
export function createdContactView(contact: ContactRecord) {
  return {
    id: contact.id,
    email: contact.email,
    name: contact.name ?? null,
    status: contact.status,
    listId: contact.listId,
  };
}

/** `POST /api/v1/lists`: the created list. */
export function createdListView(list: ListRecord) {
  return { id: list.id, name: list.name, createdAt: list.createdAt };
}

/** A list in `GET /api/v1/lists`, with its live count. */
export function listSummary(list: ListWithCounts) {
  return { id: list.id, name: list.name, contactCount: list.counts.total, createdAt: list.createdAt };
}

/** One list with its counts by status. */
export function listView(list: ListWithCounts) {
  const { total: _total, ...byStatus } = list.counts;
  return { ...listSummary(list), updatedAt: list.updatedAt, counts: byStatus };
}
