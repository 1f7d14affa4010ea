import { describe, expect, it } from 'vitest';
import { interpretSesEvent } from '#shared/events/interpret-ses-event.ts';
import { sesEventSchema } from '#shared/events/ses-event.ts';
import {
  bounceEvent,
  complaintEvent,
  deliveryEvent,
  type SentMail,
} from '../../infra/local/ses/event-json.ts';
import { sesMessageId } from '../../infra/local/ses/message-id.ts';
import { simulatedOutcome } from '../../infra/local/ses/simulator.ts';

const mail: SentMail = {
  messageId: sesMessageId(),
  timestamp: '2026-11-22T10:00:00.000Z',
  source: 'a@example.com',
  sourceArn: 'arn:aws:ses:us-east-1:000000000000:identity/example.com',
  sendingAccountId: '000000000000',
  destination: ['b@example.com'],
  headers: [],
  commonHeaders: {},
  tags: { mailroom_email_id: ['em_1'] },
};
const at = new Date('2026-11-22T10:00:01.000Z');

describe('the local SES mailbox simulator', () => {
  it('maps each simulator address and its +label form to its outcome', () => {
    expect(simulatedOutcome('success@simulator.amazonses.com')).toBe('delivered');
    expect(simulatedOutcome('bounce@simulator.amazonses.com')).toBe('bounce');
    expect(simulatedOutcome('bounce+123@simulator.amazonses.com')).toBe('bounce');
    expect(simulatedOutcome('OOTO@Simulator.AmazonSES.com')).toBe('auto_reply');
    expect(simulatedOutcome('complaint+x@simulator.amazonses.com')).toBe('complaint');
    expect(simulatedOutcome('suppressionlist@simulator.amazonses.com')).toBe('suppression_list');
    expect(simulatedOutcome('bounce@example.com')).toBe('delivered');
  });

  it('makes MessageIds shaped like SES', () => {
    expect(sesMessageId()).toMatch(
      /^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-000000$/,
    );
  });
});

describe('reading SES events', () => {
  const read = (event: object) => interpretSesEvent(sesEventSchema.parse(event));

  it('maps Delivery, Bounce and Complaint to statuses', () => {
    expect(read(deliveryEvent(mail, ['b@example.com'], at))).toMatchObject({
      type: 'delivered',
      status: 'delivered',
      at: at.toISOString(),
    });
    expect(read(bounceEvent(mail, 'b@example.com', at, 'General'))).toMatchObject({
      type: 'bounced',
      status: 'bounced',
      details: { bounceType: 'Permanent', bounceSubType: 'General', recipients: ['b@example.com'] },
    });
    expect(read(complaintEvent(mail, 'b@example.com', at))).toMatchObject({
      type: 'complained',
      status: 'complained',
      details: { feedbackType: 'abuse' },
    });
  });

  it('counts opens and clicks, and moves the status to opened and clicked', () => {
    const open = read({ eventType: 'Open', mail, open: { timestamp: at.toISOString() } });
    expect(open).toMatchObject({ type: 'opened', status: 'opened', counter: 'opens' });
    const click = read({
      eventType: 'Click',
      mail,
      click: { timestamp: at.toISOString(), link: 'https://x.test' },
    });
    expect(click).toMatchObject({
      type: 'clicked',
      status: 'clicked',
      counter: 'clicks',
      details: { link: 'https://x.test' },
    });
  });

  it('records a Transient bounce as soft_bounced', () => {
    const event = bounceEvent(mail, 'b@example.com', at, 'General');
    event.bounce.bounceType = 'Transient';
    expect(read(event)).toMatchObject({ type: 'soft_bounced', status: 'bounced' });
  });
});
