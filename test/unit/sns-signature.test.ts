import { createSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasValidSnsSignature, type SignedNotification, stringToSign } from '#shared/events/sns-signature.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const certificateUrl = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc123.pem';

function signed(version: '1' | '2', overrides: Partial<SignedNotification> = {}): SignedNotification {
  const notification: SignedNotification = {
    Type: 'Notification',
    MessageId: 'b3c1…',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:mailroom-ses-events',
    Message: '{"eventType":"Send"}',
    Timestamp: '2026-11-22T10:00:00.000Z',
    SignatureVersion: version,
    SigningCertURL: certificateUrl,
  };
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(stringToSign(notification))
    .sign(privateKey, 'base64');
  return { ...notification, Signature: signature, ...overrides };
}

// Stands in for SNS's certificate endpoint: the signing key's public half.
const fetcher = async (url: string) => {
  expect(url).toBe(certificateUrl);
  return publicPem;
};

describe('SNS signatures', () => {
  it('builds the canonical string in AWS order, leaving out a missing Subject', () => {
    expect(stringToSign(signed('2'))).toBe(
      'Message\n{"eventType":"Send"}\nMessageId\nb3c1…\nTimestamp\n2026-11-22T10:00:00.000Z\n' +
        'TopicArn\narn:aws:sns:us-east-1:123456789012:mailroom-ses-events\nType\nNotification\n',
    );
  });

  it('accepts valid version 1 and version 2 signatures', async () => {
    expect(await hasValidSnsSignature(signed('1'), fetcher)).toBe(true);
    expect(await hasValidSnsSignature(signed('2'), fetcher)).toBe(true);
  });

  it('refuses a tampered message, a missing signature and an unknown version', async () => {
    expect(await hasValidSnsSignature(signed('2', { Message: '{"eventType":"Bounce"}' }), fetcher)).toBe(
      false,
    );
    expect(await hasValidSnsSignature(signed('2', { Signature: undefined }), fetcher)).toBe(false);
    expect(await hasValidSnsSignature(signed('2', { SignatureVersion: '3' }), fetcher)).toBe(false);
  });

  it('trusts only certificates served by SNS over HTTPS', async () => {
    const never = async () => {
      throw new Error('must not fetch');
    };
    for (const url of [
      'http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem',
      'https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-abc.pem',
      'https://evil.example/SimpleNotificationService-abc.pem',
    ]) {
      expect(await hasValidSnsSignature(signed('2', { SigningCertURL: url }), never)).toBe(false);
    }
  });
});
