import { describe, expect, it } from 'vitest';
import { automatedClick, automatedOpen } from '#shared/events/interpret-ses-event.ts';
import { trackHtml } from '../../infra/local/ses/tracking.ts';

describe('the local SES’s tracking', () => {
  const click = (n: number) => `https://t.test/c/${n}`;

  it('redirects each http(s) link not marked ses:no-track, with its tags, and adds the image before </body>', () => {
    const { html, links } = trackHtml(
      '<body><a href="https://a.test/?x=1&amp;y=2" ses:tags="k:v;n:m">A</a><a href="mailto:x@y.test">M</a><a ses:no-track href="https://b.test">B</a></body>',
      { opens: true, clicks: true },
      click,
      'https://t.test/o',
    );
    expect(links).toEqual([{ url: 'https://a.test/?x=1&y=2', tags: { k: ['v'], n: ['m'] } }]);
    expect(html).toContain('href="https://t.test/c/0"');
    expect(html).toContain('href="mailto:x@y.test"');
    expect(html).toContain('href="https://b.test"');
    expect(html).toMatch(/<img [^>]*src="https:\/\/t\.test\/o"[^>]*\/><\/body>$/);
  });

  it('leaves the message alone for what is not tracked', () => {
    const source = '<p><a href="https://a.test">A</a></p>';
    expect(trackHtml(source, { opens: false, clicks: false }, click, 'o').html).toBe(source);
    expect(trackHtml(source, { opens: true, clicks: false }, click, 'o').links).toEqual([]);
  });
});

describe('automated opens and clicks', () => {
  it('flags Apple’s privacy proxy, scanners and instant clicks, not people', () => {
    expect(automatedOpen('Mozilla/5.0')).toBe('apple_mail_privacy_protection');
    expect(automatedOpen('Barracuda Sentinel (EE)')).toBe('scanner');
    expect(automatedOpen(undefined)).toBe('no_user_agent');
    expect(
      automatedOpen('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15'),
    ).toBeUndefined();
    const sent = '2026-12-01T10:00:00.000Z';
    expect(automatedClick('Mozilla/5.0 (Windows NT 10.0) Chrome/140', sent, '2026-12-01T10:00:00.800Z')).toBe(
      'prefetch',
    );
    expect(automatedClick('python-requests/2.32', sent, '2026-12-01T11:00:00.000Z')).toBe('scanner');
    expect(
      automatedClick('Mozilla/5.0 (Windows NT 10.0) Chrome/140', sent, '2026-12-01T10:05:00.000Z'),
    ).toBeUndefined();
  });
});
