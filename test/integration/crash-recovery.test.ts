import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocalRuntimeOptions } from '../../infra/local/runtime.ts';
import { type OwnPlatform, startOwnPlatform } from './own-platform.ts';
import { eventually } from './support.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mailroom-crash-'));
const options: Omit<LocalRuntimeOptions, 'apiPort'> = {
  dataDir,
  // Redelivery of what a crash left in flight within seconds, not minutes.
  visibilityTimeoutSeconds: { send: 5, sesEvents: 5, webhooks: 5 },
  ses: { outcomeDelayMs: 300, maxSendRate: 20 },
};
let platform: OwnPlatform | undefined;

const start = async () => {
  platform = await startOwnPlatform(options);
  return platform;
};

function crash() {
  platform?.kill();
  platform = undefined;
}

afterAll(() => {
  crash();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a crash of the local platform', () => {
  it('loses no accepted email: after a restart every one is sent, and what SES took reaches its email', async () => {
    const first = await start();
    const headers = { authorization: `Bearer ${first.liveKey}`, 'content-type': 'application/json' };
    // A domain of its own: the sandbox domain allows 100 emails a day.
    const domain = `crash-${Date.now()}.example.com`;
    const added = await fetch(`${first.apiUrl}/api/v1/domains`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ domain }),
    });
    const { id: domainId } = (await added.json()) as { id: string };
    await fetch(`${first.sesUrl}/_local/identities/${domain}/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'SUCCESS' }),
    });
    const verified = await fetch(`${first.apiUrl}/api/v1/domains/${domainId}/verify`, {
      method: 'POST',
      headers,
    });
    expect(((await verified.json()) as { status: string }).status).toBe('verified');
    const ids: string[] = [];
    // Four batches of 50: a batch of 100 can pass the route's 10 s timeout on a fresh platform beside other test files.
    for (const batch of [0, 1, 2, 3]) {
      const emails = Array.from({ length: 50 }, (_, i) => ({
        from: `crash@${domain}`,
        to: 'success@simulator.amazonses.com',
        subject: `Crash ${batch}-${i}`,
        text: 'x',
      }));
      const answer = await fetch(`${first.apiUrl}/api/v1/emails/batch`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ emails }),
      });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { data: { id: string | null }[] };
      ids.push(...body.data.map((row) => row.id ?? 'refused'));
    }
    expect(ids).toHaveLength(200);
    // Mid-way: some sent and reported, some sent but not yet reported, most still queued.
    await eventually(
      async () => ((await (await fetch(`${first.sesUrl}/_local/mail`)).json()) as unknown[]).length,
      (captured) => captured >= 20,
    );
    crash();

    const second = await start();
    /** Every email's status, a page of 100 at a time (few requests: the key's rate limit applies). */
    const statuses = async () => {
      const found = new Map<string, string>();
      let cursor: string | null = null;
      do {
        const query: string = `limit=100${cursor ? `&startingAfter=${cursor}` : ''}`;
        const answer = await fetch(`${second.apiUrl}/api/v1/emails?${query}`, {
          headers: { authorization: `Bearer ${second.liveKey}` },
        });
        const page = (await answer.json()) as {
          emails: { id: string; status: string }[];
          next_cursor: string | null;
        };
        for (const email of page.emails) found.set(email.id, email.status);
        cursor = page.next_cursor;
      } while (cursor);
      return ids.map((id) => found.get(id));
    };
    let final: (string | undefined)[] = [];
    const deadline = Date.now() + 90_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      final = await statuses();
    } while (
      !final.every((status) => status === 'delivered' || status === 'failed') &&
      Date.now() < deadline
    );
    expect(final.filter((status) => status !== 'delivered' && status !== 'failed')).toEqual([]);

    // Whatever the local SES took (once each) shows delivered on its email.
    const captured = (await (await fetch(`${second.sesUrl}/_local/mail`)).json()) as {
      tags: Record<string, string>;
    }[];
    const sentIds = captured
      .map((mail) => mail.tags.mailroom_email_id)
      .filter((id) => ids.includes(id ?? ''));
    expect(new Set(sentIds).size).toBe(sentIds.length);
    for (const id of sentIds) expect(final[ids.indexOf(id ?? '')], id).toBe('delivered');
  }, 180_000);
});
