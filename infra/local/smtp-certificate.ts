import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * A self-signed certificate for the local SMTP relay's TLS, made on first start and
 * kept under `.mailroom/smtp/` (in memory when there is no data directory).
 */
export async function localSmtpCertificate(dataDir?: string): Promise<{ key: string; cert: string }> {
  const dir = dataDir && join(dataDir, 'smtp');
  if (dir && existsSync(join(dir, 'cert.pem'))) {
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  }
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    days: 3650,
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  } as never);
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
  }
  return { key: pems.private, cert: pems.cert };
}
