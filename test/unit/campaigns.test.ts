import { describe, expect, it } from 'vitest';
import { unhealthyReason } from '#shared/campaigns/campaign-health.ts';
import { campaignStatuses, campaignTransitions } from '#shared/campaigns/campaign-lifecycle.ts';
import { campaignHtml, mergeFields } from '#shared/campaigns/campaign-mail.ts';
import {
  type CampaignCounts,
  type CampaignRecord,
  campaignCounters,
} from '#shared/campaigns/campaign-store.ts';
import { campaignView } from '#shared/campaigns/campaign-view.ts';
import { formFields } from '#shared/http/form-body.ts';

const values = { name: 'Ann <&>', email: 'ann@example.com', unsubscribe_url: 'https://x.test/u?token=a&b' };

describe('campaign merge fields', () => {
  it('fills name, email and the unsubscribe link, escaped in HTML, on one line in a subject, leaving others', () => {
    expect(mergeFields('Hi {{ name }}, {{email}} {{other}}', values, 'subject')).toBe(
      'Hi Ann <&>, ann@example.com {{other}}',
    );
    expect(mergeFields('<p>{{name}}</p>', values, 'html')).toBe('<p>Ann &#60;&#38;&#62;</p>');
    expect(mergeFields('{{name}}', { ...values, name: 'a\r\nBcc: x' }, 'subject')).toBe('a Bcc: x');
  });

  it('appends an unsubscribe footer (untracked) only when the content has no link of its own', () => {
    const withFooter = campaignHtml('<html><body><p>Hi</p></body></html>', values);
    expect(withFooter).toMatch(
      /<p>Hi<\/p><p [^>]*>.*href="https:\/\/x\.test\/u\?token=a&#38;b" ses:no-track>Unsubscribe<\/a><\/p><\/body>/,
    );
    // The content's own unsubscribe link is never tracked either.
    const own = campaignHtml(
      '<a href="{{unsubscribe_url}}">bye</a> <a href="https://shop.test">shop</a>',
      values,
    );
    expect(own).toBe(
      '<a ses:no-track href="https://x.test/u?token=a&#38;b">bye</a> <a href="https://shop.test">shop</a>',
    );
  });
});

describe('campaign lifecycle', () => {
  it('only ever leads to known statuses, and a launched campaign never back to draft', () => {
    for (const [action, transition] of Object.entries(campaignTransitions)) {
      for (const from of transition.from) expect(campaignStatuses, action).toContain(from);
      if (transition.to) expect(transition.to).not.toBe('draft');
    }
    expect(campaignTransitions.edit.from).toEqual(['draft']);
    expect(campaignTransitions.delete.from).toEqual(['draft']);
    expect(campaignTransitions.cancel.from).not.toContain('completed');
  });

  it('pauses itself on its own bounce or complaint rate, only after 1,000 sends', () => {
    expect(unhealthyReason({ sent: 999, bounced: 999, complained: 999 })).toBeUndefined();
    expect(unhealthyReason({ sent: 1000, bounced: 49, complained: 0 })).toBeUndefined();
    expect(unhealthyReason({ sent: 1000, bounced: 50, complained: 0 })).toBe('bounce_rate');
    expect(unhealthyReason({ sent: 2000, bounced: 0, complained: 2 })).toBe('complaint_rate');
    expect(unhealthyReason({ sent: 2000, bounced: 0, complained: 1 })).toBeUndefined();
  });
});

describe('campaign progress', () => {
  const counts = (figures: Partial<CampaignCounts>) =>
    ({ ...Object.fromEntries(campaignCounters.map((name) => [name, 0])), ...figures }) as CampaignCounts;
  const campaign = (fields: Partial<CampaignRecord>) =>
    ({ id: 'cmp_1', from: { address: 'a@b.test' }, status: 'sending', ...fields }) as CampaignRecord;

  it('estimates the total from the list until every recipient is written, then counts exactly', () => {
    const early = campaignView(
      campaign({ plannedRecipients: 100, written: 10, skipped: 1 }),
      counts({ sent: 4 }),
    );
    expect(early.progress).toEqual({ total: 100, queued: 5, sent: 4, skipped: 1, failed: 0, percent: 5 });
    const late = campaignView(
      campaign({ plannedRecipients: 100, written: 98, skipped: 2, expanded: true }),
      counts({ sent: 90, failed: 1, canceled: 5 }),
    );
    expect(late.progress).toEqual({ total: 98, queued: 0, sent: 90, skipped: 7, failed: 1, percent: 100 });
    expect(late.sentCount).toBe(90);
  });
});

describe('form bodies', () => {
  it('reads urlencoded and multipart forms (the two RFC 8058 allows), ignoring files', () => {
    expect(formFields('List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded')).toEqual({
      'List-Unsubscribe': 'One-Click',
    });
    const multipart = [
      '--b',
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      '--b',
      'Content-Disposition: form-data; name="file"; filename="x.txt"',
      '',
      'data',
      '--b--',
      '',
    ].join('\r\n');
    expect(formFields(multipart, 'multipart/form-data; boundary=b')).toEqual({
      'List-Unsubscribe': 'One-Click',
    });
    expect(formFields('', '')).toEqual({});
  });
});
