import type { Email, EmailStatus, Mailroom } from '@mailroom/sdk';
import { useEffect, useRef, useState } from 'react';
import { emailStatuses as statuses } from '../../../shared/emails/email-lifecycle.ts';
import { href } from '../router.ts';
import { Badge, ErrorBox, Loading, Page, useLoad, when } from '../ui.tsx';

export function EmailsPage({ mailroom }: { mailroom: Mailroom }) {
  const [status, setStatus] = useState<EmailStatus | ''>('');
  const [domain, setDomain] = useState('');
  const [rows, setRows] = useState<Email[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);

  // Only the latest request's answer counts: filters change faster than answers come.
  const latest = useRef(0);
  const load = async (after?: string) => {
    const request = ++latest.current;
    const { data, error: failed } = await mailroom.emails.list({
      order: 'desc',
      limit: 25,
      ...(status ? { status } : {}),
      ...(domain.trim() ? { domain: domain.trim() } : {}),
      ...(after ? { startingAfter: after } : {}),
    });
    if (request !== latest.current) return;
    if (failed) return setError(failed);
    setError(null);
    setRows((previous) => [...(after ? (previous ?? []) : []), ...data.emails]);
    setCursor(data.next_cursor);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads when a filter changes.
  useEffect(() => {
    setRows(null);
    load();
  }, [status, domain]);

  return (
    <Page title="Emails">
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select
            name="status"
            value={status}
            onChange={(event) => setStatus(event.target.value as EmailStatus | '')}
          >
            <option value="">any</option>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {value.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sending domain
          <input
            name="domain"
            value={domain}
            onChange={(event) => setDomain(event.target.value)}
            placeholder="example.com"
          />
        </label>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {rows === null ? (
        <p className="muted" role="status">
          Loading…
        </p>
      ) : rows.length === 0 ? (
        <div className="empty">
          <p>No emails {status ? `with status ${status}` : 'yet'}.</p>
          <p className="muted">Send one with POST /api/v1/emails or the SDK's emails.send().</p>
        </div>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>Created</th>
                <th>To</th>
                <th>Subject</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((email) => (
                <tr key={email.id}>
                  <td>{when(email.createdAt)}</td>
                  <td>{email.to}</td>
                  <td>
                    <a href={href('emails', email.id)}>{email.subject || '(no subject)'}</a>
                  </td>
                  <td>
                    <Badge value={email.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor ? (
            <button type="button" onClick={() => load(cursor)}>
              Load more
            </button>
          ) : null}
        </>
      )}
    </Page>
  );
}

/** The statuses an email leaves by itself. */
const waiting = new Set(['queued', 'scheduled', 'sent', 'delivery_delayed']);

/** One email: what it was, what happened to it (the timeline), and why it did not arrive when it did not. */
export function EmailPage({ mailroom, id }: { mailroom: Mailroom; id: string }) {
  // Refreshed until the email settles: delivered, bounced, failed, …
  const loaded = useLoad(
    () => mailroom.emails.get(id),
    [id],
    ({ email }) => (waiting.has(email.status) ? 2000 : undefined),
  );
  const watching = loaded.data !== null && waiting.has(loaded.data.email.status);
  return (
    <Page title="Email" actions={<a href={href('emails')}>← All emails</a>}>
      <Loading loaded={loaded}>
        {({ email, events }) => (
          <>
            <div className="card">
              <h2 className="subject">{email.subject || '(no subject)'}</h2>
              <dl className="facts">
                <dt>Status</dt>
                <dd>
                  <Badge value={email.status} />
                  {email.failureReason ? <span className="muted"> {email.failureReason}</span> : null}
                </dd>
                <dt>From</dt>
                <dd>{email.from}</dd>
                <dt>To</dt>
                <dd>{email.to}</dd>
                {email.cc.length ? (
                  <>
                    <dt>Cc</dt>
                    <dd>{email.cc.join(', ')}</dd>
                  </>
                ) : null}
                <dt>Message-ID</dt>
                <dd>
                  <code>{email.messageId ?? '—'}</code>
                </dd>
                <dt>Tags</dt>
                <dd>
                  {Object.entries(email.tags)
                    .map(([name, value]) => `${name}: ${value}`)
                    .join(', ') || '—'}
                </dd>
                <dt>Opens, clicks</dt>
                <dd>
                  {email.opens}, {email.clicks}
                </dd>
                <dt>Id</dt>
                <dd>
                  <code>{email.id}</code>
                </dd>
              </dl>
              {email.suppressed?.length ? (
                <div className="notice" role="note">
                  <strong>Not sent to {email.suppressed.join(', ')}</strong>: suppressed in this project (an
                  earlier bounce, complaint or unsubscribe). See{' '}
                  <a href={href('suppressions')}>Suppressions</a>.
                </div>
              ) : null}
              {email.status === 'bounced' || email.status === 'complained' ? (
                <div className="notice" role="note">
                  The recipient is now suppressed: Mailroom will not send to it again until it is removed from{' '}
                  <a href={href('suppressions')}>Suppressions</a>.
                </div>
              ) : null}
            </div>
            <div className="card">
              <h2>Timeline</h2>
              <ol className="timeline">
                {events.map((event, index) => {
                  const { type, createdAt, ...details } = event;
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a history only grows at its end; lines have no id.
                    <li key={index}>
                      <Badge value={String(type)} />{' '}
                      <time dateTime={String(createdAt)}>{when(String(createdAt))}</time>
                      {Object.keys(details).length ? (
                        <dl className="details">
                          {Object.entries(details).map(([name, value]) => (
                            <div key={name}>
                              <dt>{name}</dt>
                              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
                            </div>
                          ))}
                        </dl>
                      ) : null}
                    </li>
                  );
                })}
              </ol>
              {watching ? (
                <p className="muted" role="status">
                  Watching for new events…
                </p>
              ) : null}
            </div>
          </>
        )}
      </Loading>
    </Page>
  );
}
