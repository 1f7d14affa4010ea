import type { Mailroom } from '@mailroom/sdk';
import { href } from '../router.ts';
import { Badge, Loading, Page, useLoad, when } from '../ui.tsx';
import { HtmlPreview } from './preview.tsx';

/** The statuses whose figures still move. */
const live = new Set(['scheduled', 'sending']);

export function CampaignsPage({ mailroom, id }: { mailroom: Mailroom; id?: string | undefined }) {
  return id ? <CampaignPage mailroom={mailroom} id={id} /> : <CampaignList mailroom={mailroom} />;
}

function CampaignList({ mailroom }: { mailroom: Mailroom }) {
  // Refreshed while one of them is sending.
  const campaigns = useLoad(
    () => mailroom.campaigns.list({ pageSize: 100 }),
    [],
    (data) => (data.data.some((campaign) => live.has(campaign.status)) ? 5000 : undefined),
  );
  return (
    <Page title="Campaigns">
      <Loading
        loaded={campaigns}
        isEmpty={(data) => data.data.length === 0}
        empty={<p>No campaigns. Create a draft with POST /api/v1/campaigns, test it, then launch it.</p>}
      >
        {(data) => (
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Sent</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((campaign) => (
                <tr key={campaign.id}>
                  <td>
                    <a href={href('campaigns', campaign.id)}>{campaign.name}</a>
                  </td>
                  <td>
                    <Badge value={campaign.status} />
                  </td>
                  <td>{campaign.sentCount.toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
    </Page>
  );
}

/** A campaign with its progress, refreshed every two seconds while it is scheduled or sending. */
function CampaignPage({ mailroom, id }: { mailroom: Mailroom; id: string }) {
  const campaign = useLoad(
    () => mailroom.campaigns.get(id),
    [id],
    ({ data }) => (live.has(data.status) ? 2000 : undefined),
  );
  return (
    <Page title="Campaign" actions={<a href={href('campaigns')}>← All campaigns</a>}>
      <Loading loaded={campaign}>
        {({ data }) => (
          <>
            <div className="card">
              <h2>{data.name}</h2>
              <p>
                <Badge value={data.status} />{' '}
                {data.pausedReason ? `(${data.pausedReason.replaceAll('_', ' ')})` : null}
              </p>
              <dl className="facts">
                <dt>Subject</dt>
                <dd>{data.subject}</dd>
                <dt>From</dt>
                <dd>{data.fromEmail}</dd>
                <dt>List</dt>
                <dd>
                  <a href={href('contacts', data.listId)}>{data.listId}</a>
                </dd>
                <dt>Launched</dt>
                <dd>{when(data.launchedAt)}</dd>
              </dl>
              <label className="progress">
                {data.progress.percent} % — {data.progress.sent.toLocaleString()} sent,{' '}
                {data.progress.skipped} skipped, {data.progress.failed} failed of{' '}
                {data.progress.total.toLocaleString()}
                <progress max={100} value={data.progress.percent} />
              </label>
              <dl className="facts">
                {Object.entries(data.stats).map(([name, value]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>{value.toLocaleString()}</dd>
                  </div>
                ))}
              </dl>
            </div>
            <div className="card">
              <h2>Content</h2>
              <HtmlPreview html={data.content} title={`Preview of ${data.name}`} />
            </div>
          </>
        )}
      </Loading>
    </Page>
  );
}
