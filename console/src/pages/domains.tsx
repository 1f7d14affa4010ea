import type { Mailroom } from '@mailroom/sdk';
import { useState } from 'react';
import { href, navigate } from '../router.ts';
import { Badge, CopyButton, ErrorBox, Loading, Page, useLoad, when } from '../ui.tsx';

export function DomainsPage({ mailroom }: { mailroom: Mailroom }) {
  const domains = useLoad(() => mailroom.domains.list(), []);
  const [name, setName] = useState('');
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Page title="Domains">
      <form
        className="inline-form"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          const { data, error: refused } = await mailroom.domains.create(name.trim());
          setBusy(false);
          if (refused) return setError(refused);
          navigate('domains', data.id);
        }}
      >
        <label>
          Add a sending domain
          <input
            name="domain"
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="mail.example.com"
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Adding…' : 'Add domain'}
        </button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      <Loading
        loaded={domains}
        isEmpty={(data) => data.data.length === 0}
        empty={<p>No sending domain yet. Add one, then publish its DNS records.</p>}
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>Domain</th>
                <th>Status</th>
                <th>Tracking</th>
                <th>Verified</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((domain) => (
                <tr key={domain.id}>
                  <td>
                    <a href={href('domains', domain.id)}>{domain.domain_unicode ?? domain.domain}</a>
                  </td>
                  <td>
                    <Badge value={domain.status} />
                  </td>
                  <td>
                    {[domain.open_tracking && 'opens', domain.click_tracking && 'clicks']
                      .filter(Boolean)
                      .join(', ') || 'off'}
                  </td>
                  <td>{when(domain.verified_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Page>
  );
}

/** Every DNS record to publish, each with its value to copy and SES's verdict; verify asks SES now. */
export function DomainPage({ mailroom, id }: { mailroom: Mailroom; id: string }) {
  const domain = useLoad(() => mailroom.domains.get(id), [id]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Page title="Domain" actions={<a href={href('domains')}>← All domains</a>}>
      <Loading loaded={domain}>
        {(data) => (
          <>
            <div className="card">
              <h2>{data.domain_unicode ?? data.domain}</h2>
              <p>
                <Badge value={data.status} />{' '}
                <button
                  type="button"
                  disabled={busy}
                  onClick={async () => {
                    setBusy(true);
                    setMessage('Asking SES…');
                    const { data: verdict, error: refused } = await mailroom.domains.verify(id);
                    setBusy(false);
                    if (refused) {
                      setMessage(null);
                      return setError(refused);
                    }
                    setError(null);
                    setMessage(`SES says: ${verdict.status}`);
                    domain.reload();
                  }}
                >
                  {busy ? 'Verifying…' : 'Verify now'}
                </button>{' '}
                <span role="status">{message}</span>
              </p>
              {error ? <ErrorBox error={error} /> : null}
              <fieldset className="toggles">
                <legend>Tracking</legend>
                {(['open_tracking', 'click_tracking'] as const).map((setting) => (
                  <label key={setting}>
                    <input
                      type="checkbox"
                      checked={data[setting]}
                      onChange={async (event) => {
                        const { error: refused } = await mailroom.domains.update(id, {
                          [setting]: event.target.checked,
                        });
                        if (refused) setError(refused);
                        domain.reload();
                      }}
                    />{' '}
                    {setting === 'open_tracking' ? 'Track opens' : 'Track clicks'}
                  </label>
                ))}
              </fieldset>
            </div>
            <div className="card">
              <h2>DNS records</h2>
              <table className="records">
                <thead>
                  <tr>
                    <th>Type</th>
                    <th>Name</th>
                    <th>Value</th>
                    <th>Purpose</th>
                    <th>Status</th>
                  </tr>
                </thead>
                <tbody>
                  {(data.dns_records ?? []).map((record) => (
                    <tr key={`${record.type}-${record.name}-${record.value}`}>
                      <td>{record.type}</td>
                      <td>
                        <code>{record.name}</code>{' '}
                        <CopyButton value={record.name} label={`${record.purpose} name`} />
                      </td>
                      <td>
                        <code className="value">
                          {record.priority !== undefined ? `${record.priority} ` : ''}
                          {record.value}
                        </code>{' '}
                        <CopyButton value={record.value} label={`${record.purpose} value`} />
                      </td>
                      <td>
                        {record.purpose}
                        {record.note ? <div className="muted">{record.note}</div> : null}
                      </td>
                      <td>
                        {record.status ? (
                          <Badge value={record.status} />
                        ) : (
                          <span className="muted">not checked by SES</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Loading>
    </Page>
  );
}
