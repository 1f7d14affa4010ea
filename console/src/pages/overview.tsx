import type { Domain, Mailroom, Result } from '@mailroom/sdk';
import { href } from '../router.ts';
import { Badge, Loading, Page, percent, useLoad, when } from '../ui.tsx';

/** The thresholds past which the reputation state machine flags an account. */
const bounceThreshold = 0.02;
const complaintThreshold = 0.0005;

const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);

function Rate({ label, rate, threshold }: { label: string; rate: number; threshold: number }) {
  const level = rate >= threshold ? 'bad' : rate >= threshold / 2 ? 'warn' : 'good';
  return (
    <div className={`card rate ${level}`}>
      <div className="label">{label}</div>
      <div className="figure">{percent(rate)}</div>
      <div className="muted">threshold {percent(threshold)}</div>
    </div>
  );
}

/** Sends per day by outcome, as stacked bars: delivered, bounced, complained, the rest. */
function SendsChart({
  days,
}: {
  days: { date: string; sent: number; delivered: number; bounced: number; complained: number }[];
}) {
  const most = Math.max(1, ...days.map((row) => row.sent));
  const width = 24;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${days.length * width} 120`} role="img" aria-label="Sends per day by status">
        {days.map((row, index) => {
          const scale = (value: number) => (value / most) * 100;
          const other = Math.max(0, row.sent - row.delivered - row.bounced - row.complained);
          let y = 110;
          return (
            <g key={row.date} transform={`translate(${index * width + 4},0)`}>
              {(
                [
                  ['delivered', row.delivered],
                  ['bounced', row.bounced],
                  ['complained', row.complained],
                  ['other', other],
                ] as const
              ).map(([name, value]) => {
                const height = scale(value);
                y -= height;
                return (
                  <rect key={name} className={`bar ${name}`} x={0} y={y} width={width - 8} height={height}>
                    <title>{`${row.date}: ${value} ${name}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        <span className="bar delivered">delivered</span> <span className="bar bounced">bounced</span>{' '}
        <span className="bar complained">complained</span> <span className="bar other">sent, pending</span>
      </figcaption>
    </figure>
  );
}

export function OverviewPage({ mailroom }: { mailroom: Mailroom }) {
  const account = useLoad(() => mailroom.account.get(), []);
  const stats = useLoad(() => mailroom.stats.get(), []);
  const week = useLoad(() => mailroom.analytics.summary({ from: day(6), to: day(0) }), []);
  const month = useLoad(() => mailroom.analytics.summary({ from: day(29), to: day(0) }), []);
  const domains = useLoad(() => mailroom.domains.list(), []);
  const emails = useLoad(() => mailroom.emails.list({ limit: 1 }), []);
  const webhooks = useLoad(() => mailroom.webhooks.list(), []);
  const verified = domains.data?.data.find((domain) => domain.status === 'verified');
  const verifiedDetail = useLoad<Domain | null>(
    async () =>
      verified
        ? mailroom.domains.get(verified.id)
        : ({ data: null, error: null, headers: new Headers() } as Result<null>),
    [verified?.id],
  );
  const dmarc = verifiedDetail.data?.dns_records?.find((record) =>
    record.purpose.toLowerCase().includes('dmarc'),
  );

  const checklist: [string, boolean | undefined, string][] = [
    ['A verified sending domain', domains.data ? Boolean(verified) : undefined, href('domains')],
    // SES does not check DMARC: grey (look at its record) unless a record status says otherwise.
    [
      'DMARC published',
      dmarc?.status === undefined ? undefined : dmarc.status === 'verified',
      href('domains', verified?.id ?? ''),
    ],
    ['A first email sent', emails.data ? emails.data.total > 0 : undefined, href('emails')],
    ['A webhook for events', webhooks.data ? webhooks.data.data.length > 0 : undefined, href('webhooks')],
  ];

  return (
    <Page title="Overview">
      <Loading loaded={account}>
        {(data) => (
          <div className={`banner ${data.account.status === 'active' ? 'good' : 'bad'}`} role="status">
            Account <Badge value={data.account.status} />
            {data.account.status_reason ? <span> — {data.account.status_reason}</span> : null}
            {data.account.status === 'active' ? null : (
              <span> Sending is stopped until the operator restores it.</span>
            )}
          </div>
        )}
      </Loading>
      <div className="grid">
        <Loading loaded={stats}>
          {(data) => (
            <>
              <Rate label="Bounces, 24 h" rate={data.bounceRate24h} threshold={bounceThreshold} />
              <Rate label="Complaints, 24 h" rate={data.complaintRate24h} threshold={complaintThreshold} />
            </>
          )}
        </Loading>
        <Loading loaded={week}>
          {(data) => (
            <>
              <Rate label="Bounces, 7 d" rate={data.bounce_rate} threshold={bounceThreshold} />
              <Rate label="Complaints, 7 d" rate={data.complaint_rate} threshold={complaintThreshold} />
            </>
          )}
        </Loading>
      </div>
      <div className="columns">
        <div className="card">
          <h2>Sending limits</h2>
          <Loading loaded={account}>
            {(data) => (
              <dl className="facts">
                <dt>This month</dt>
                <dd>
                  {stats.data ? stats.data.emailsThisMonth.toLocaleString() : '…'} of{' '}
                  {data.limits.monthly_quota.toLocaleString()}
                  <progress
                    max={data.limits.monthly_quota}
                    value={stats.data?.emailsThisMonth ?? 0}
                    aria-label="Monthly quota used"
                  />
                </dd>
                <dt>Per second</dt>
                <dd>{data.limits.per_second.toLocaleString()}</dd>
                <dt>Per minute</dt>
                <dd>{data.limits.per_minute.toLocaleString()}</dd>
                <dt>Per hour</dt>
                <dd>{data.limits.per_hour.toLocaleString()}</dd>
                <dt>Per day</dt>
                <dd>{data.limits.per_day.toLocaleString()}</dd>
                <dt>Key</dt>
                <dd>
                  {data.key.name} ({data.key.mode}): {data.key.scopes.join(', ')}
                </dd>
              </dl>
            )}
          </Loading>
        </div>
        <div className="card">
          <h2>Setup</h2>
          <ul className="checklist">
            {checklist.map(([label, done, link]) => (
              <li key={label} className={done === undefined ? 'muted' : done ? 'done' : 'todo'}>
                <a href={link}>
                  <span aria-hidden="true">{done ? '✓' : '○'}</span> {label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div className="card">
        <h2>Sends, last 30 days</h2>
        <Loading
          loaded={month}
          isEmpty={(data) => data.sent === 0}
          empty={<p>No email sent in the last 30 days.</p>}
        >
          {(data) => <SendsChart days={data.days} />}
        </Loading>
        <p className="muted">Updated {when(new Date().toISOString())}</p>
      </div>
    </Page>
  );
}
