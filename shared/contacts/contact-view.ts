import type { ContactRecord } from '#shared/contacts/contact-store.ts';
import type {
  contactViewSchema,
  createdContactSchema,
  createdListSchema,
  listSummarySchema,
  listViewSchema,
} from '#shared/contacts/contact-view-schema.ts';
import type { ListRecord, ListWithCounts } from '#shared/contacts/list-store.ts';
import type * as z from '#shared/zod.ts';

export function contactView(contact: ContactRecord): z.infer<typeof contactViewSchema> {
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

export function createdContactView(contact: ContactRecord): z.infer<typeof createdContactSchema> {
  return {
    id: contact.id,
    email: contact.email,
    name: contact.name ?? null,
    status: contact.status,
    listId: contact.listId,
  };
}

export function createdListView(list: ListRecord): z.infer<typeof createdListSchema> {
  return { id: list.id, name: list.name, createdAt: list.createdAt };
}

export function listSummary(list: ListWithCounts): z.infer<typeof listSummarySchema> {
  return { id: list.id, name: list.name, contactCount: list.counts.total, createdAt: list.createdAt };
}

export function listView(list: ListWithCounts): z.infer<typeof listViewSchema> {
  const { total: _total, ...byStatus } = list.counts;
  return { ...listSummary(list), updatedAt: list.updatedAt, counts: byStatus };
}
