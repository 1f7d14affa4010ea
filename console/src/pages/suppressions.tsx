import type { Mailroom, Suppression } from '@mailroom/sdk';
import { useState } from 'react';
import { href } from '../router.ts';
import { Badge, ErrorBox, Loading, Page, useLoad, when } from '../ui.tsx';

type SuppressionType = Suppression['type'];

export function SuppressionsPage({ mailroom }: { mailroom: Mailroom }) {
  const [type, setType] = useState<SuppressionType | ''>('');
  const list = useLoad(() => mailroom.suppressions.list({ limit: 200, ...(type ? { type } : {}) }), [type]);
  const [address, setAddress] = useState('');
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  return (
    <Page title="Suppressions">
      <p className="muted">
        Mail is never sent to these addresses: they bounced, complained, unsubscribed, or were added by hand.
      </p>
      <form
        className="inline-form"
        onSubmit={async (event) => {
          event.preventDefault();
          const { error: refused } = await mailroom.suppressions.add({
            email: address.trim(),
            reason: 'added in the console',
          });
          if (refused) return setError(refused);
          setError(null);
          setAddress('');
          list.reload();
        }}
      >
        <label>
          Suppress an address
          <input
            name="email"
            type="email"
            value={address}
            onChange={(event) => setAddress(event.target.value)}
            required
          />
        </label>
        <button type="submit">Suppress</button>
        <label>
          Show
          <select
            name="type"
            value={type}
            onChange={(event) => setType(event.target.value as SuppressionType | '')}
          >
            <option value="">every reason</option>
            <option value="bounce">bounces</option>
            <option value="complaint">complaints</option>
            <option value="unsubscribe">unsubscribes</option>
            <option value="manual">added by hand</option>
          </select>
        </label>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {list.data?.has_more ? (
        <p className="muted">The first 200 are shown; filter by reason, or list them all through the API.</p>
      ) : null}
      <Loading loaded={list} isEmpty={(data) => data.data.length === 0} empty={<p>No suppressed address.</p>}>
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Why</th>
                <th>Detail</th>
                <th>Since</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.data.map((row) => (
                <tr key={row.email}>
                  <td>{row.email}</td>
                  <td>
                    <Badge value={row.type} />
                  </td>
                  <td>
                    {row.reason ?? '—'}
                    {row.source_email_id ? (
                      <>
                        {' '}
                        (<a href={href('emails', row.source_email_id)}>the email</a>)
                      </>
                    ) : null}
                  </td>
                  <td>{when(row.created_at)}</td>
                  <td>
                    <button
                      type="button"
                      className="small"
                      onClick={async () => {
                        const { error: refused } = await mailroom.suppressions.remove(row.email);
                        if (refused) setError(refused);
                        list.reload();
                      }}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Page>
  );
}
