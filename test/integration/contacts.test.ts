import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailroom, mailroomFails } from './cli.ts';
import {
  addProjectKey,
  api,
  defaultProject,
  eventually,
  freshKey,
  otherProjectKey,
  sandboxDomain,
  useLocalAws,
} from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

const newList = async (name = 'Subscribers', key?: string) => {
  const created = await api('POST', '/api/v1/lists', { key, body: { name } });
  expect(created.status).toBe(200);
  return created.body.id as string;
};

const addContact = (listId: string, email: string, extra: Record<string, unknown> = {}, key?: string) =>
  api('POST', '/api/v1/contacts', { key, body: { email, listId, ...extra } });

const importRows = (listId: string, contacts: unknown[], key?: string) =>
  api('POST', '/api/v1/contacts/import', { key, body: { listId, contacts } });

const page = (query: string, key?: string) => api('GET', `/api/v1/contacts?${query}`, { key });

// Imports are 5 an hour per key: every test that imports takes a key of its own.
let importKey = '';
beforeAll(async () => {
  importKey = await freshKey();
});

describe('lists', () => {
  it('creates a list, lists it with a live contact count, reads, renames and deletes it', async () => {
    const created = await api('POST', '/api/v1/lists', { body: { name: 'Newsletter' } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^lst_/),
      name: 'Newsletter',
      createdAt: expect.any(String),
    });
    const id = created.body.id as string;
    await addContact(id, 'one@example.com');
    await addContact(id, 'two@example.com');

    const all = await api('GET', '/api/v1/lists');
    expect(all.body.success).toBe(true);
    expect(all.body.data).toContainEqual(
      expect.objectContaining({ id, name: 'Newsletter', contactCount: 2 }),
    );

    const renamed = await api('PUT', `/api/v1/lists/${id}`, { body: { name: 'Weekly' } });
    expect(renamed.body.data).toMatchObject({
      id,
      name: 'Weekly',
      contactCount: 2,
      counts: { subscribed: 2 },
    });
    expect((await api('GET', `/api/v1/lists/${id}`)).body.data.name).toBe('Weekly');

    expect((await api('DELETE', `/api/v1/lists/${id}`)).body).toEqual({ success: true });
    expect((await api('GET', `/api/v1/lists/${id}`)).status).toBe(404);
    expect(
      (await api('GET', '/api/v1/lists')).body.data.map((list: { id: string }) => list.id),
    ).not.toContain(id);
    expect((await addContact(id, 'three@example.com')).status).toBe(404);
    expect((await api('DELETE', `/api/v1/lists/${id}`)).status).toBe(404);
  });

  it('purges a deleted list’s contacts in the background', async () => {
    const id = await newList('Doomed');
    const contact = await addContact(id, 'doomed@example.com');
    await api('DELETE', `/api/v1/lists/${id}`);
    expect((await api('GET', `/api/v1/contacts/${contact.body.id}`)).status).toBe(404);
    const { dynamo, tableName } = await import('#shared/aws/dynamodb.ts');
    // The purge job runs every second on the test platform.
    await eventually(
      async () =>
        (
          await dynamo.send(
            new GetCommand({
              TableName: tableName(),
              Key: { pk: `CONTACT#${contact.body.id}`, sk: 'CONTACT' },
            }),
          )
        ).Item,
      (item) => item === undefined,
    );
  });

  it('answers 404 for an unknown list and 400 for a list without a name', async () => {
    expect((await api('GET', '/api/v1/lists/lst_01JD8X3M4Q5R6S7T8V9W0XYZAB')).status).toBe(404);
    expect((await api('GET', '/api/v1/lists/nonsense')).status).toBe(404);
    // A bare prefix is no id (it would match every list by prefix).
    await newList('Exists');
    expect((await api('GET', '/api/v1/lists/lst_')).status).toBe(404);
    expect(
      (await api('POST', '/api/v1/contacts', { body: { email: 'p@example.com', listId: 'lst_' } })).status,
    ).toBe(404);
    const unnamed = await api('POST', '/api/v1/lists', { body: { name: '  ' } });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toMatchObject({ code: 'validation_error', field: 'name' });
  });
});

describe('contacts', () => {
  it('creates a contact in its published shape and refuses the same address twice in one list', async () => {
    const listId = await newList();
    const created = await addContact(listId, 'alice@example.com', { name: 'Alice Smith' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^con_/),
      email: 'alice@example.com',
      name: 'Alice Smith',
      status: 'subscribed',
      listId,
    });
    const again = await addContact(listId, 'ALICE@Example.com');
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');

    const read = await api('GET', `/api/v1/contacts/${created.body.id}`);
    expect(read.body).toEqual({
      success: true,
      data: {
        id: created.body.id,
        email: 'alice@example.com',
        name: 'Alice Smith',
        company: null,
        listId,
        status: 'subscribed',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
  });

  it('keeps one contact per list for the same address, each with its own id and status', async () => {
    const [first, second] = [await newList('A'), await newList('B')];
    const one = await addContact(first, 'both@example.com');
    const two = await addContact(second, 'both@example.com');
    expect(one.body.id).not.toBe(two.body.id);
    await api('PUT', `/api/v1/contacts/${one.body.id}`, { body: { status: 'unsubscribed' } });
    expect((await api('GET', `/api/v1/contacts/${one.body.id}`)).body.data.status).toBe('unsubscribed');
    expect((await api('GET', `/api/v1/contacts/${two.body.id}`)).body.data.status).toBe('subscribed');
  });

  it('answers 404 for an unknown list id and 400 for a bad address', async () => {
    expect((await addContact('lst_01JD8X3M4Q5R6S7T8V9W0XYZAB', 'x@example.com')).status).toBe(404);
    expect((await addContact('lst_xyz', 'x@example.com')).status).toBe(404);
    const bad = await addContact(await newList(), 'not-an-address');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_error', field: 'email' });
  });

  it('pages a list in address order, the last page partial, with an exact total', async () => {
    const listId = await newList('Paged');
    const emails = ['g', 'c', 'a', 'f', 'b', 'e', 'd'].map((letter) => `${letter}@paged.example.com`);
    const imported = await importRows(
      listId,
      emails.map((email) => ({ email })),
      importKey,
    );
    expect(imported.body).toMatchObject({ success: true, importedCount: 7, skippedCount: 0 });

    const pages = await Promise.all([1, 2, 3].map((n) => page(`listId=${listId}&page=${n}&pageSize=3`)));
    expect(pages.map((p) => p.body.contacts.length)).toEqual([3, 3, 1]);
    expect(pages[2]?.body.pagination).toEqual({ total: 7, page: 3, pageSize: 3, nextCursor: null });
    expect(pages.flatMap((p) => p.body.contacts.map((c: { email: string }) => c.email))).toEqual(
      [...emails].sort(),
    );
    expect((await page(`listId=${listId}&page=4&pageSize=3`)).body.contacts).toEqual([]);

    const defaults = await page(`listId=${listId}`);
    expect(defaults.body.pagination).toEqual({ total: 7, page: 1, pageSize: 50, nextCursor: null });

    // The same pages by cursor, each one page's reading however deep.
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let n = 0; n < 4; n++) {
      const next = await page(`listId=${listId}&pageSize=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...next.body.contacts.map((c: { email: string }) => c.email));
      cursor = next.body.pagination.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([...emails].sort());
    expect(cursor).toBeNull();
    const forged = await page(`listId=${listId}&cursor=not-a-cursor`);
    expect(forged.status).toBe(400);
    expect(forged.body.field).toBe('cursor');
  });

  it('checks the listing’s parameters: listId required, pageSize at most 200', async () => {
    const missing = await page('page=1');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'validation_error', field: 'listId' });
    const listId = await newList();
    expect((await page(`listId=${listId}&pageSize=201`)).status).toBe(400);
    expect((await page(`listId=${listId}&page=0`)).status).toBe(400);
    expect((await page(`listId=${listId}&status=deleted`)).status).toBe(400);
    // Offset pages are read from the start: 100,000 deep at most.
    expect((await page(`listId=${listId}&page=501&pageSize=200`)).status).toBe(200);
    const tooDeep = await page(`listId=${listId}&page=502&pageSize=200`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.field).toBe('page');
  });

  it('searches name or address case-insensitively and filters by status, with matching totals', async () => {
    const listId = await newList('Searchable');
    await addContact(listId, 'jane.doe@example.com', { name: 'Jane Doe' });
    await addContact(listId, 'john@example.com', { name: 'John SMITH' });
    const kim = await addContact(listId, 'kim@doe.example.com', { name: 'Kim' });
    await api('PUT', `/api/v1/contacts/${kim.body.id}`, { body: { status: 'unsubscribed' } });

    const does = await page(`listId=${listId}&search=DOE`);
    expect(does.body.contacts.map((c: { email: string }) => c.email)).toEqual([
      'jane.doe@example.com',
      'kim@doe.example.com',
    ]);
    expect(does.body.pagination.total).toBe(2);
    const smith = await page(`listId=${listId}&search=smith`);
    expect(smith.body.contacts.map((c: { email: string }) => c.email)).toEqual(['john@example.com']);

    const unsubscribed = await page(`listId=${listId}&status=unsubscribed`);
    expect(unsubscribed.body.contacts.map((c: { email: string }) => c.email)).toEqual([
      'kim@doe.example.com',
    ]);
    expect(unsubscribed.body.pagination.total).toBe(1);
    expect((await page(`listId=${listId}&status=subscribed`)).body.pagination.total).toBe(2);
  });

  it('updates any subset of fields, keeps bounce states for the platform, and moves between lists', async () => {
    const [listId, otherList] = [await newList('From'), await newList('To')];
    const contact = await addContact(listId, 'mover@example.com', { name: 'Mover' });
    await addContact(listId, 'taken@example.com');
    const id = contact.body.id as string;

    const platformOnly = await api('PUT', `/api/v1/contacts/${id}`, { body: { status: 'bounced' } });
    expect(platformOnly.status).toBe(400);
    expect(platformOnly.body).toMatchObject({ code: 'validation_error', field: 'status' });
    expect((await api('PUT', `/api/v1/contacts/${id}`, { body: {} })).status).toBe(400);
    expect(
      (await api('PUT', `/api/v1/contacts/${id}`, { body: { email: 'taken@example.com' } })).status,
    ).toBe(409);

    const changed = await api('PUT', `/api/v1/contacts/${id}`, {
      body: { name: 'Jane Doe', company: 'Acme', email: 'jane@example.com' },
    });
    expect(changed.body).toEqual({ success: true });
    expect((await api('GET', `/api/v1/contacts/${id}`)).body.data).toMatchObject({
      id,
      email: 'jane@example.com',
      name: 'Jane Doe',
      company: 'Acme',
      listId,
    });
    // The old address is free again in the list; the new one is taken by the moved contact.
    expect((await addContact(listId, 'mover@example.com')).status).toBe(200);
    expect((await addContact(listId, 'JANE@example.com')).status).toBe(409);

    expect(
      (await api('PUT', `/api/v1/contacts/${id}`, { body: { listId: 'lst_01JD8X3M4Q5R6S7T8V9W0XYZAB' } }))
        .status,
    ).toBe(404);
    await api('PUT', `/api/v1/contacts/${id}`, { body: { listId: otherList, status: 'unsubscribed' } });
    expect((await api('GET', `/api/v1/contacts/${id}`)).body.data).toMatchObject({
      listId: otherList,
      status: 'unsubscribed',
    });
    const counts = async (list: string) => (await api('GET', `/api/v1/lists/${list}`)).body.data;
    expect(await counts(listId)).toMatchObject({ contactCount: 2, counts: { subscribed: 2 } });
    expect(await counts(otherList)).toMatchObject({
      contactCount: 1,
      counts: { subscribed: 0, unsubscribed: 1 },
    });
  });

  it('keeps an address unique in its list however contacts move and go', async () => {
    const listId = await newList('Moves');
    const first = await addContact(listId, 'a@moves.example.com');
    await api('PUT', `/api/v1/contacts/${first.body.id}`, { body: { email: 'b@moves.example.com' } });
    const second = await addContact(listId, 'a@moves.example.com');
    expect(second.status).toBe(200);
    // The moved contact's id stays a step on the way to a@'s current contact.
    expect((await api('DELETE', `/api/v1/contacts/${first.body.id}`)).status).toBe(200);
    expect((await addContact(listId, 'A@moves.example.com')).status).toBe(409);
    expect((await addContact(listId, 'b@moves.example.com')).status).toBe(200);
    expect((await api('GET', `/api/v1/lists/${listId}`)).body.data.contactCount).toBe(2);
  });

  it('subscribes a bounced address again only once its suppression is gone', async () => {
    const key = await freshKey();
    const listId = await newList('Bounced', key);
    const { addSuppression } = await import('#shared/suppressions/suppression-store.ts');
    // As SES reported it: the local part's case kept, the domain's not.
    await addSuppression(defaultProject.id, {
      email: 'Gone@Bounced.example.com',
      type: 'bounce',
      createdAt: new Date().toISOString(),
    });
    const contact = await addContact(listId, 'Gone@bounced.example.com', {}, key);
    expect(contact.body.status).toBe('bounced');
    const path = `/api/v1/contacts/${contact.body.id}`;
    expect((await api('PUT', path, { key, body: { status: 'unsubscribed' } })).status).toBe(200);
    const refused = await api('PUT', path, { key, body: { status: 'subscribed' } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('suppression');
    await api('DELETE', '/api/v1/suppressions/Gone@bounced.example.com', { key });
    expect((await api('PUT', path, { key, body: { status: 'subscribed' } })).status).toBe(200);
  });

  it('takes an internationalised domain and its punycode as one address, in contacts, imports and suppressions', async () => {
    const key = await freshKey();
    const label = Date.now().toString(36);
    const unicode = `ana-${label}@exämple.com`;
    const ascii = `ana-${label}@xn--exmple-cua.com`;
    const listId = await newList('IDN', key);
    const added = await addContact(listId, unicode, {}, key);
    expect(added.status).toBe(200);
    expect(added.body.email).toBe(ascii);
    const again = await addContact(listId, ascii, {}, key);
    expect(again.status).toBe(409);
    expect((await addContact(listId, `ANA-${label}@EXÄMPLE.com`, {}, key)).status).toBe(409);
    const imported = await importRows(
      listId,
      [
        { email: unicode },
        { email: ascii },
        { email: `bo-${label}@exämple.com` },
        { email: `bo-${label}@xn--exmple-cua.com` },
      ],
      key,
    );
    expect(imported.body).toMatchObject({ importedCount: 1, skippedCount: 3 });
    expect((await api('GET', `/api/v1/lists/${listId}`, { key })).body.data.contactCount).toBe(2);

    // One spelling suppressed (a hard bounce, as SES reports it) suppresses the other.
    const other = await newList('IDN 2', key);
    const { addSuppression } = await import('#shared/suppressions/suppression-store.ts');
    await addSuppression(defaultProject.id, {
      email: unicode,
      type: 'bounce',
      createdAt: new Date().toISOString(),
    });
    expect((await addContact(other, ascii, {}, key)).body.status).toBe('bounced');
    const sent = await api('POST', '/api/v1/emails', {
      key,
      body: { from: `a@${sandboxDomain}`, to: ascii, subject: 'x', text: 'x' },
    });
    expect(sent.body.code).toBe('all_recipients_suppressed');
    const removed = await api('DELETE', `/api/v1/suppressions/${encodeURIComponent(unicode)}`, { key });
    expect(removed.body).toEqual({ email: ascii, deleted: true });
  });

  it('still finds contacts and suppressions stored under an internationalised domain’s Unicode form', async () => {
    const key = await freshKey();
    const label = Date.now().toString(36);
    const unicode = `old-${label}@bücher.example`;
    const ascii = `old-${label}@xn--bcher-kva.example`;
    const listId = await newList('Legacy IDN', key);
    // As they were written before addresses took the ASCII form.
    const { slotKey } = await import('#shared/contacts/contact-slots.ts');
    const { insertContacts } = await import('#shared/contacts/contact-store.ts');
    const id = slotKey(listId, unicode);
    const now = new Date().toISOString();
    await insertContacts(defaultProject.id, listId, [
      {
        id,
        projectId: defaultProject.id,
        listId,
        email: unicode,
        status: 'subscribed',
        slot: id,
        createdAt: now,
        updatedAt: now,
      },
    ]);
    const { dynamo, tableName } = await import('#shared/aws/dynamodb.ts');
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const suppressed = `gone-${label}@bücher.example`;
    await dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: `SUPPRESSION#${defaultProject.id}`,
          sk: suppressed,
          email: suppressed,
          type: 'bounce',
          createdAt: now,
        },
      }),
    );

    expect((await addContact(listId, ascii, {}, key)).status).toBe(409);
    expect((await addContact(listId, unicode, {}, key)).status).toBe(409);
    expect((await importRows(listId, [{ email: ascii }], key)).body).toMatchObject({ importedCount: 0 });
    expect((await addContact(listId, `gone-${label}@xn--bcher-kva.example`, {}, key)).body.status).toBe(
      'bounced',
    );
    const sent = await api('POST', '/api/v1/emails', {
      key,
      body: {
        from: `a@${sandboxDomain}`,
        to: `gone-${label}@xn--bcher-kva.example`,
        subject: 'x',
        text: 'x',
      },
    });
    expect(sent.body.code).toBe('all_recipients_suppressed');
  });

  it('deletes a contact for good', async () => {
    const listId = await newList();
    const contact = await addContact(listId, 'gone@example.com');
    expect((await api('DELETE', `/api/v1/contacts/${contact.body.id}`)).body).toEqual({ success: true });
    expect((await api('GET', `/api/v1/contacts/${contact.body.id}`)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/contacts/${contact.body.id}`)).status).toBe(404);
    expect((await api('GET', `/api/v1/lists/${listId}`)).body.data.contactCount).toBe(0);
    expect((await addContact(listId, 'gone@example.com')).status).toBe(200);
  });
});

describe('import', () => {
  it('skips existing addresses without touching them, repeats and invalid rows, and lists the invalid ones', async () => {
    const listId = await newList('Imported');
    const existing = await addContact(listId, 'kept@example.com', { name: 'Kept' });
    await api('PUT', `/api/v1/contacts/${existing.body.id}`, { body: { status: 'unsubscribed' } });

    const result = await importRows(
      listId,
      [
        { email: 'joe@example.com', name: 'Joe' },
        { email: 'KEPT@example.com', name: 'Renamed' },
        { email: 'not-an-address' },
        { email: 'kim@example.com', name: 'Kim' },
        { email: 'joe@example.com' },
        'a string',
        { name: 'no address' },
      ],
      importKey,
    );
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      success: true,
      importedCount: 2,
      skippedCount: 5,
      invalid: [
        { index: 2, error: expect.stringContaining('email') },
        { index: 5, error: expect.any(String) },
        { index: 6, error: expect.stringContaining('email') },
      ],
    });
    const kept = await api('GET', `/api/v1/contacts/${existing.body.id}`);
    expect(kept.body.data).toMatchObject({ status: 'unsubscribed', name: 'Kept', email: 'kept@example.com' });
    expect((await api('GET', `/api/v1/lists/${listId}`)).body.data).toMatchObject({
      contactCount: 3,
      counts: { subscribed: 2, unsubscribed: 1 },
    });
  });

  it('imports an address the project suppressed as bounced', async () => {
    const key = await freshKey();
    const listId = await newList('Suppressed');
    // As the events worker records a hard bounce.
    const { addSuppression } = await import('#shared/suppressions/suppression-store.ts');
    await addSuppression(defaultProject.id, {
      email: 'bounced-before@example.com',
      type: 'bounce',
      createdAt: new Date().toISOString(),
    });
    await importRows(listId, [{ email: 'bounced-before@example.com' }, { email: 'fine@example.com' }], key);
    const bounced = await page(`listId=${listId}&status=bounced`);
    expect(bounced.body.contacts.map((c: { email: string }) => c.email)).toEqual([
      'bounced-before@example.com',
    ]);
  });

  it('refuses more than 10,000 rows and an unknown list', async () => {
    const key = await freshKey();
    const rows = Array.from({ length: 10_001 }, (_, index) => ({ email: `r${index}@example.com` }));
    const tooMany = await importRows(await newList(), rows, key);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'validation_error', field: 'contacts' });
    expect(
      (await importRows('lst_01JD8X3M4Q5R6S7T8V9W0XYZAB', [{ email: 'a@example.com' }], key)).status,
    ).toBe(404);
  });
});

describe('platform rules', () => {
  const receiver = new Receiver();
  let url = '';
  beforeAll(async () => {
    url = await receiver.start();
  });
  afterAll(() => receiver.stop());

  it('marks every contact of a hard-bounced address bounced, and says so by webhook', async () => {
    const { key } = await otherProjectKey();
    await api('POST', '/api/v1/webhooks', {
      key,
      body: { url, events: ['contact.created', 'contact.updated'] },
    });
    const [first, second] = [await newList('One', key), await newList('Two', key)];
    const address = 'bounce@simulator.amazonses.com';
    const contacts = [await addContact(first, address, {}, key), await addContact(second, address, {}, key)];
    const sent = await api('POST', '/api/v1/emails', {
      key,
      body: { from: `news@${sandboxDomain}`, to: address, subject: 'Bounce me', text: 'x' },
    });
    expect(sent.status).toBe(200);
    for (const contact of contacts) {
      await eventually(
        () => api('GET', `/api/v1/contacts/${contact.body.id}`, { key }),
        (read) => read.body.data?.status === 'bounced',
      );
    }
    expect((await api('GET', `/api/v1/lists/${first}`, { key })).body.data.counts).toMatchObject({
      subscribed: 0,
      bounced: 1,
    });
    const events = await eventually(
      async () => receiver.received.map((request) => JSON.parse(request.body)),
      (bodies) => bodies.filter((body) => body.event === 'contact.updated').length >= 2,
    );
    expect(events.filter((body) => body.event === 'contact.created')).toHaveLength(2);
    expect(events.find((body) => body.event === 'contact.updated')?.data).toMatchObject({
      email: address,
      status: 'bounced',
    });
  });

  it('never shows another project’s lists or contacts', async () => {
    const listId = await newList('Mine');
    const contact = await addContact(listId, 'private@example.com');
    const { key } = await otherProjectKey();
    expect((await api('GET', `/api/v1/lists/${listId}`, { key })).status).toBe(404);
    expect((await api('GET', `/api/v1/contacts/${contact.body.id}`, { key })).status).toBe(404);
    expect(
      (await api('PUT', `/api/v1/contacts/${contact.body.id}`, { key, body: { name: 'x' } })).status,
    ).toBe(404);
    expect((await api('DELETE', `/api/v1/contacts/${contact.body.id}`, { key })).status).toBe(404);
    expect((await page(`listId=${listId}`, key)).status).toBe(404);
    expect((await addContact(listId, 'intruder@example.com', {}, key)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/lists/${listId}`, { key })).status).toBe(404);
    expect((await api('GET', '/api/v1/lists', { key })).body.data).toEqual([]);
  });

  it('counts the project’s contacts in the stats', async () => {
    const { key } = await otherProjectKey();
    const listId = await newList('Counted', key);
    await addContact(listId, 'a@example.com', {}, key);
    await addContact(listId, 'b@example.com', {}, key);
    await addContact(await newList('Also', key), 'a@example.com', {}, key);
    expect((await api('GET', '/api/v1/stats', { key })).body.contacts).toBe(3);
  });

  it('enforces the per-key limits: imports 5 an hour, lists 20 an hour, and reports each window', async () => {
    const key = await freshKey();
    const listId = await newList('Limits', key);
    for (let n = 0; n < 5; n++)
      expect((await importRows(listId, [{ email: `l${n}@example.com` }], key)).status).toBe(200);
    const sixth = await importRows(listId, [{ email: 'l6@example.com' }], key);
    expect(sixth.status).toBe(429);
    expect(sixth.body.code).toBe('rate_limited');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);

    for (let n = 1; n < 20; n++)
      expect((await api('POST', '/api/v1/lists', { key, body: { name: `L${n}` } })).status).toBe(200);
    expect((await api('POST', '/api/v1/lists', { key, body: { name: 'one too many' } })).status).toBe(429);

    const limitOf = async (method: string, path: string, body?: unknown) =>
      (await api(method, path, { key, body })).headers.get('x-ratelimit-limit');
    expect(await limitOf('GET', `/api/v1/contacts?listId=${listId}`)).toBe('60');
    expect(await limitOf('GET', '/api/v1/lists')).toBe('60');
    expect(await limitOf('POST', '/api/v1/contacts', { listId, email: 'h@example.com' })).toBe('30');
    const id = (await page(`listId=${listId}`, key)).body.contacts[0].id;
    expect(await limitOf('GET', `/api/v1/contacts/${id}`)).toBe('60');
    expect(await limitOf('PUT', `/api/v1/contacts/${id}`, { name: 'x' })).toBe('30');
    expect(await limitOf('DELETE', `/api/v1/contacts/${id}`)).toBe('30');
  });

  it('needs contacts.read to read and contacts.write to change', async () => {
    const reader = await addProjectKey(defaultProject, { scopes: ['contacts.read'] });
    const listId = await newList();
    expect((await api('GET', '/api/v1/lists', { key: reader })).status).toBe(200);
    expect((await page(`listId=${listId}`, reader)).status).toBe(200);
    const refused = await addContact(listId, 'w@example.com', {}, reader);
    expect(refused.status).toBe(403);
    expect((await api('POST', '/api/v1/lists', { key: reader, body: { name: 'x' } })).status).toBe(403);
  });
});

describe('the operator CLI', () => {
  it('imports a CSV file into a list and lists its contacts', async () => {
    const { project } = await otherProjectKey();
    const list = await mailroom('lists', 'create', project.id, 'From CSV');
    const file = join(tmpdir(), `contacts-${Date.now()}.csv`);
    writeFileSync(
      file,
      '\uFEFFEmail,Name,Plan\nada@example.com,"Lovelace, Ada",pro\nbad-address,Nobody,free\nalan@example.com,,free\n',
    );
    const imported = await mailroom('contacts', 'import', project.id, list.id, file);
    expect(imported).toMatchObject({ rows: 3, importedCount: 2, skippedCount: 1, invalid: [{ index: 1 }] });
    const listed = await mailroom('contacts', 'list', project.id, list.id);
    expect(listed.map((row: { email: string; name: string }) => [row.email, row.name])).toEqual([
      ['ada@example.com', 'Lovelace, Ada'],
      ['alan@example.com', null],
    ]);
    expect((await mailroom('lists', 'list', project.id))[0]).toMatchObject({ id: list.id, contacts: 2 });
    expect((await mailroomFails('contacts', 'list', project.id, 'lst_01JD8X3M4Q5R6S7T8V9W0XYZAB')).code).toBe(
      2,
    );
  });
});
