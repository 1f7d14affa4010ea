import type { Mailroom } from '@mailroom/sdk';
import { useState } from 'react';
import { webhookEvents as events } from '../../../shared/webhooks/webhook-events.ts';
import { href } from '../router.ts';
import { Badge, CopyButton, ErrorBox, Loading, Page, useLoad, when } from '../ui.tsx';

type WebhookEvent = (typeof events)[number];

export function WebhooksPage({ mailroom, id }: { mailroom: Mailroom; id?: string | undefined }) {
  return id ? <WebhookPage mailroom={mailroom} id={id} /> : <WebhookList mailroom={mailroom} />;
}

function WebhookList({ mailroom }: { mailroom: Mailroom }) {
  const hooks = useLoad(() => mailroom.webhooks.list(), []);
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<WebhookEvent[]>([
    'email.delivered',
    'email.bounced',
    'email.complained',
  ]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  return (
    <Page title="Webhooks">
      <form
        className="card"
        onSubmit={async (event) => {
          event.preventDefault();
          const { data, error: refused } = await mailroom.webhooks.create({
            url: url.trim(),
            events: chosen,
          });
          if (refused) return setError(refused);
          setError(null);
          setSecret(data.secret);
          setUrl('');
          hooks.reload();
        }}
      >
        <h2>Add an endpoint</h2>
        <label>
          URL (https, public)
          <input
            name="url"
            type="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            required
          />
        </label>
        <fieldset className="scopes">
          <legend>Events</legend>
          {events.map((name) => (
            <label key={name}>
              <input
                type="checkbox"
                checked={chosen.includes(name)}
                onChange={() =>
                  setChosen((held) =>
                    held.includes(name) ? held.filter((value) => value !== name) : [...held, name],
                  )
                }
              />{' '}
              {name}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={chosen.length === 0}>
          Add webhook
        </button>
        {error ? <ErrorBox error={error} /> : null}
      </form>
      {secret ? (
        <div className="notice" role="status">
          <strong>Signing secret, shown only once:</strong> <code className="secret">{secret}</code>{' '}
          <CopyButton value={secret} label="the signing secret" />
          <p className="muted">Check X-Webhook-Signature with it (the SDK's webhooks.verify does).</p>
        </div>
      ) : null}
      <Loading loaded={hooks} isEmpty={(data) => data.data.length === 0} empty={<p>No webhooks yet.</p>}>
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>URL</th>
                <th>Events</th>
                <th>State</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((hook) => (
                <tr key={hook.id}>
                  <td>
                    <a href={href('webhooks', hook.id)}>{hook.url}</a>
                  </td>
                  <td>{hook.events.join(', ')}</td>
                  <td>
                    <Badge value={hook.active ? 'active' : 'inactive'} />
                  </td>
                  <td>{when(hook.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Page>
  );
}

/** One endpoint and its failed deliveries, each replayable. */
function WebhookPage({ mailroom, id }: { mailroom: Mailroom; id: string }) {
  const hook = useLoad(() => mailroom.webhooks.get(id), [id]);
  const deliveries = useLoad(() => mailroom.webhooks.deliveries.list(id, { limit: 50 }), [id]);
  const [error, setError] = useState<{ message: string; code?: string } | null>(null);
  return (
    <Page title="Webhook" actions={<a href={href('webhooks')}>← All webhooks</a>}>
      <Loading loaded={hook}>
        {(data) => (
          <div className="card">
            <h2>{data.url}</h2>
            <p>
              <Badge value={data.active ? 'active' : 'inactive'} /> {data.deactivated_reason ?? ''}
            </p>
            <p className="muted">{data.events.join(', ')}</p>
          </div>
        )}
      </Loading>
      {error ? <ErrorBox error={error} /> : null}
      <h2>Failed deliveries</h2>
      <Loading
        loaded={deliveries}
        isEmpty={(data) => data.data.length === 0}
        empty={<p>No failed delivery: every event reached the endpoint.</p>}
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>Event</th>
                <th>Status</th>
                <th>Error</th>
                <th>Attempts</th>
                <th>Last attempt</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.data.map((delivery) => (
                <tr key={delivery.id}>
                  <td>{delivery.event_type}</td>
                  <td>
                    <Badge value={delivery.status} />
                  </td>
                  <td>{delivery.error ?? '—'}</td>
                  <td>{delivery.attempts}</td>
                  <td>{when(delivery.last_attempt_at)}</td>
                  <td>
                    <button
                      type="button"
                      className="small"
                      onClick={async () => {
                        const { error: refused } = await mailroom.webhooks.deliveries.replay(id, delivery.id);
                        if (refused) setError(refused);
                        deliveries.reload();
                      }}
                    >
                      Replay
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
