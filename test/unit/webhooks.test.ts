import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyAddress } from '#shared/webhooks/address-policy.ts';
import { webhookEventFor } from '#shared/webhooks/webhook-events.ts';
import {
  newWebhookSecret,
  signWebhookBody,
  verifyWebhookSignature,
} from '#shared/webhooks/webhook-signature.ts';

describe('webhook signatures', () => {
  it('are the hex HMAC-SHA256 of the raw body with the secret', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const body = '{"id":"evt_1","event":"email.sent"}';
    expect(signWebhookBody(secret, body)).toBe(createHmac('sha256', secret).update(body).digest('hex'));
    expect(verifyWebhookSignature(secret, body, signWebhookBody(secret, body))).toBe(true);
    expect(verifyWebhookSignature(secret, `${body} `, signWebhookBody(secret, body))).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'abcd')).toBe(false);
    // Hex decoding stops at the first other character: a signature with a tail must still fail.
    expect(verifyWebhookSignature(secret, body, `${signWebhookBody(secret, body)}zz`)).toBe(false);
  });
});

describe('the address classifier', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'blocked'],
    ['172.16.5.4', 'blocked'],
    ['192.168.1.1', 'blocked'],
    ['169.254.169.254', 'blocked'],
    ['100.64.0.1', 'blocked'],
    ['0.0.0.0', 'blocked'],
    ['224.0.0.251', 'blocked'],
    ['255.255.255.255', 'blocked'],
    ['fe80::1', 'blocked'],
    ['fd00:ec2::254', 'blocked'],
    ['ff02::1', 'blocked'],
    ['::', 'blocked'],
    ['::ffff:10.0.0.1', 'blocked'],
    ['::ffff:a9fe:a9fe', 'blocked'],
    ['not-an-ip', 'blocked'],
    // Every IPv6 form that embeds an IPv4 address is judged by that address.
    ['::7f00:1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::a9fe:a9fe', 'blocked'],
    ['::169.254.169.254', 'blocked'],
    ['::a00:1', 'blocked'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'blocked'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::7f00:1', 'blocked'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'blocked'],
    ['2002:808:808::1', 'public'],
    ['fec0::1', 'blocked'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'blocked'],
    ['::', 'blocked'],
  ])('%s is %s', (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });
});

it('maps email history events to webhook events', () => {
  expect(webhookEventFor('delivered')).toBe('email.delivered');
  expect(webhookEventFor('soft_bounced')).toBe('email.soft_bounced');
  expect(webhookEventFor('rejected')).toBe('email.failed');
  expect(webhookEventFor('subscription')).toBeUndefined();
});
