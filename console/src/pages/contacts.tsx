import type { Mailroom } from '@mailroom/sdk';
import { useState } from 'react';
import { href } from '../router.ts';
import { Badge, Loading, Page, useLoad, when } from '../ui.tsx';

export function ContactsPage({ mailroom, listId }: { mailroom: Mailroom; listId?: string | undefined }) {
  return listId ? <ListPage mailroom={mailroom} id={listId} /> : <Lists mailroom={mailroom} />;
}

function Lists({ mailroom }: { mailroom: Mailroom }) {
  const lists = useLoad(() => mailroom.lists.list(), []);
  return (
    <Page title="Contacts">
      <Loading
        loaded={lists}
        isEmpty={(data) => data.data.length === 0}
        empty={<p>No lists yet. Create one with POST /api/v1/lists and import contacts into it.</p>}
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>List</th>
                <th>Contacts</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((list) => (
                <tr key={list.id}>
                  <td>
                    <a href={href('contacts', list.id)}>{list.name}</a>
                  </td>
                  <td>{list.contactCount.toLocaleString()}</td>
                  <td>{when(list.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Page>
  );
}

function ListPage({ mailroom, id }: { mailroom: Mailroom; id: string }) {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(1);
  const list = useLoad(() => mailroom.lists.get(id), [id]);
  const contacts = useLoad(
    () =>
      mailroom.contacts.list({
        listId: id,
        page,
        pageSize: 50,
        ...(search.trim() ? { search: search.trim() } : {}),
      }),
    [id, page, search],
  );
  return (
    <Page title={list.data?.data.name ?? 'List'} actions={<a href={href('contacts')}>← All lists</a>}>
      <Loading loaded={list}>
        {({ data }) => (
          <p>
            {Object.entries(data.counts)
              .map(([status, count]) => `${count.toLocaleString()} ${status}`)
              .join(' · ')}
          </p>
        )}
      </Loading>
      <label className="inline-form">
        Search
        <input
          name="search"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
            setPage(1);
          }}
          placeholder="name or address"
        />
      </label>
      <Loading
        loaded={contacts}
        isEmpty={(data) => data.contacts.length === 0}
        empty={<p>No contacts here.</p>}
      >
        {(data) => (
          <>
            <table>
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Added</th>
                </tr>
              </thead>
              <tbody>
                {data.contacts.map((contact) => (
                  <tr key={contact.id}>
                    <td>{contact.email}</td>
                    <td>{contact.name ?? '—'}</td>
                    <td>
                      <Badge value={contact.status} />
                    </td>
                    <td>{when(contact.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="pager" aria-label="Pages">
              <button type="button" disabled={page === 1} onClick={() => setPage(page - 1)}>
                Previous
              </button>
              <span>
                Page {data.pagination.page} of{' '}
                {Math.max(1, Math.ceil(data.pagination.total / data.pagination.pageSize))}
              </span>
              <button
                type="button"
                disabled={page * data.pagination.pageSize >= data.pagination.total}
                onClick={() => setPage(page + 1)}
              >
                Next
              </button>
            </nav>
          </>
        )}
      </Loading>
    </Page>
  );
}
