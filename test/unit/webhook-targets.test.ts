import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { ApiError } from '#shared/errors.ts';
import { vettedAddress } from '#shared/webhooks/webhook-http.ts';
import { createWebhook } from '#shared/webhooks/webhook-service.ts';

const caller: Principal = {
  keyId: 'key_1',
  keyName: 'test',
  projectId: 'prj_1',
  accountId: 'acc_1',
  mode: 'live',
  scopes: ['full_access'],
  domains: [],
};

/** Never acceptable receivers, whatever the deployment: private, link-local, metadata, NAT64/6to4 wrappers of them, and non-URLs. */
const privateTargets = [
  'https://10.0.0.1/hook',
  'http://169.254.169.254/latest/meta-data',
  'https://[::ffff:192.168.0.1]/hook',
  'https://[fd00:ec2::254]/',
  // IPv6 forms that embed a private IPv4 address, which URL parsers rewrite to hex.
  'https://[::169.254.169.254]/',
  'https://[::10.0.0.1]/',
  'https://[::ffff:0:10.0.0.1]/',
  'https://[64:ff9b::a9fe:a9fe]/',
  'https://[64:ff9b:1::a00:1]/',
  'https://[2002:a9fe:a9fe::1]/',
  'https://[fec0::1]/',
  'ftp://example.com/hook',
  'not a url',
];

describe('webhook targets', () => {
  it('refuses private and cloud-metadata addresses and plain http with 400 on `url`, before anything is stored', async () => {
    // No table is configured in the unit tier: a write would fail otherwise than with a validation error.
    for (const url of [...privateTargets, 'http://example.com/hook']) {
      const refusal = await createWebhook(caller, { url, events: ['email.sent'] }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal, url).toBeInstanceOf(ApiError);
      expect(refusal, url).toMatchObject({
        code: 'validation_error',
        statusCode: 400,
        details: { field: 'url' },
      });
    }
  });

  it('refuses them under the local runtime’s policy too, where only this machine may take plain http', async () => {
    const local = { allowLoopback: true };
    for (const url of privateTargets) {
      await expect(vettedAddress(url, local), url).rejects.toThrow();
    }
    // A public address is fine over https, but not over plain http.
    await expect(vettedAddress('https://93.184.215.14/hook', local)).resolves.toEqual({
      address: '93.184.215.14',
      family: 4,
    });
    await expect(vettedAddress('http://93.184.215.14/hook', local)).rejects.toThrow(/https/);
    await expect(vettedAddress('http://127.0.0.1:8080/hook', local)).resolves.toMatchObject({
      address: '127.0.0.1',
    });
  });
});
