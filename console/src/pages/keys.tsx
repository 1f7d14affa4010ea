import type { ApiKey, Mailroom } from '@mailroom/sdk';
import { useState } from 'react';
import { scopes as grantable } from '../../../shared/tenancy/scopes.ts';
import { Badge, CopyButton, ErrorBox, Loading, Page, useLoad, when } from '../ui.tsx';

type Grantable = (typeof grantable)[number];

/** Revoking asks twice (the button turns into a confirmation), with no dialog in the way. */
function RevokeButton({ onRevoke, own }: { onRevoke: () => Promise<void>; own: boolean }) {
  const [armed, setArmed] = useState(false);
  return armed ? (
    <span>
      {own ? (
        <span className="muted">This is the key you are signed in with: you will be signed out. </span>
      ) : null}
      <button type="button" className="small danger" onClick={onRevoke}>
        Confirm revoke
      </button>{' '}
      <button type="button" className="small" onClick={() => setArmed(false)}>
        Keep
      </button>
    </span>
  ) : (
    <button type="button" className="small" onClick={() => setArmed(true)}>
      Revoke
    </button>
  );
}

export function KeysPage({ mailroom, onOwnKeyRevoked }: { mailroom: Mailroom; onOwnKeyRevoked: () => void }) {
  const keys = useLoad(() => mailroom.keys.list(), []);
  const account = useLoad(() => mailroom.account.get(), []);
  const ownId = account.data?.key.id;
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'live' | 'test'>('live');
  const [scopes, setScopes] = useState<Grantable[]>(['sending_access']);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const toggle = (scope: Grantable) =>
    setScopes((held) => (held.includes(scope) ? held.filter((value) => value !== scope) : [...held, scope]));
  const active = (key: ApiKey) => key.revoked_at === null;
  return (
    <Page title="API keys">
      <form
        className="card"
        onSubmit={async (event) => {
          event.preventDefault();
          const { data, error: refused } = await mailroom.keys.create({ name: name.trim(), scopes, mode });
          if (refused) return setError(refused);
          setError(null);
          setCreated(data.key);
          setName('');
          keys.reload();
        }}
      >
        <h2>Create a key</h2>
        <label>
          Name
          <input
            name="name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            required
            maxLength={100}
          />
        </label>
        <fieldset>
          <legend>Mode</legend>
          {(['live', 'test'] as const).map((value) => (
            <label key={value}>
              <input type="radio" name="mode" checked={mode === value} onChange={() => setMode(value)} />{' '}
              {value}
            </label>
          ))}
        </fieldset>
        <fieldset className="scopes">
          <legend>Scopes</legend>
          {grantable.map((scope) => (
            <label key={scope}>
              <input type="checkbox" checked={scopes.includes(scope)} onChange={() => toggle(scope)} />{' '}
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={scopes.length === 0}>
          Create key
        </button>
        {error ? <ErrorBox error={error} /> : null}
      </form>
      {created ? (
        <div className="notice" role="status">
          <strong>Copy this key now: it is shown only once.</strong>
          <div>
            <code className="secret" data-testid="new-key">
              {created}
            </code>{' '}
            <CopyButton value={created} label="the new key" />
          </div>
        </div>
      ) : null}
      <Loading loaded={keys} isEmpty={(data) => data.data.length === 0} empty={<p>No keys.</p>}>
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scopes</th>
                <th>Last used</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((key) => (
                <tr key={key.id} data-key-id={key.id}>
                  <td>
                    {key.name} {key.id === ownId ? <span className="badge info">this session</span> : null}
                  </td>
                  <td>
                    <code>
                      {key.prefix}…{key.last_four}
                    </code>
                  </td>
                  <td>{key.scopes.join(', ')}</td>
                  <td>{when(key.last_used_at)}</td>
                  <td>
                    {active(key) ? (
                      <RevokeButton
                        own={key.id === ownId}
                        onRevoke={async () => {
                          const { error: refused } = await mailroom.keys.revoke(key.id);
                          if (refused) return setError(refused);
                          if (key.id === ownId) return onOwnKeyRevoked();
                          keys.reload();
                        }}
                      />
                    ) : (
                      <Badge value="revoked" />
                    )}
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
