import { expect, it } from 'vitest';
import { api, tenantWithDomain, useLocalAws } from './support.ts';

useLocalAws();

/** An email of a new tenant, scheduled for tomorrow: waiting, and never picked up by a sender meanwhile. */
async function waitingEmail() {
  const { key, project, domain } = await tenantWithDomain();
  const accepted = await api('POST', '/api/v1/emails', {
    key,
    body: {
      from: `wait@${domain}`,
      to: 'success@simulator.amazonses.com',
      subject: 'Set aside twice',
      text: 'x',
      scheduled_at: new Date(Date.now() + 86_400_000).toISOString(),
    },
  });
  expect(accepted.status).toBe(200);
  return { project, id: accepted.body.id as string };
}

it.each([
  ['held (an account not active)', 'held'],
  ['parked (a paused campaign)', 'parked'],
] as const)(
  'a release takes off only the entries it read: an email %s again meanwhile stays',
  async (_, kind) => {
    const { project, id } = await waitingEmail();
    const store = await import('#shared/emails/email-store.ts');
    const { releaseWaiting } = await import('#shared/emails/waiting-mail.ts');
    const list =
      kind === 'held'
        ? ({ kind, accountId: project.accountId } as const)
        : ({ kind, campaignId: `cmp_${id.slice(3)}` } as const);
    const setAside = () => store.setAside(project.id, id, list, new Date().toISOString(), 'payloads/x');
    expect(await setAside()).toBe(true);

    // The release reads its page and queues it; meanwhile a sender that still saw the account
    // inactive (or the campaign paused) sets the email aside again.
    const released = await releaseWaiting(list, async (page) => {
      expect(page.map((email) => email.id)).toEqual([id]);
      expect(await setAside()).toBe(true);
      return page;
    });

    // That second setting aside was never read by this release: it waits for the next one.
    expect(released).toBe(0);
    expect((await store.waitingEmails(list)).map((email) => email.id)).toEqual([id]);
    // The next release, with nothing set aside meanwhile, takes it off.
    expect(await releaseWaiting(list, async (page) => page)).toBe(1);
    expect(await store.waitingEmails(list)).toEqual([]);
  },
);
