/**
 * A local stand-in for AWS Secrets Manager: the stack's secrets, answering the JSON
 * protocol the SDK speaks (`GetSecretValue`, `PutSecretValue`, `DescribeSecret`). Values
 * live in memory, or in `<dataDir>/secrets.json` so a restart keeps them (links signed
 * with a key stay valid across `npm start`s, as they do across deployments).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { keepIdleConnections } from './http-util.ts';
import { close, listen } from './ports.ts';

interface StoredSecret {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  createdAt: number;
}

/** What CloudFormation's `GenerateSecretString` asks for, as much of it as the stack uses. */
export interface GeneratedSecret {
  secretStringTemplate?: string;
  generateStringKey?: string;
  passwordLength?: number;
}

const alphanumeric = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A value as `GenerateSecretString` makes one: random letters and digits, in the template's key when given. */
export function generateSecretString(spec: GeneratedSecret): string {
  const length = spec.passwordLength ?? 32;
  const random = [...randomBytes(length)].map((byte) => alphanumeric[byte % alphanumeric.length]).join('');
  if (!spec.secretStringTemplate || !spec.generateStringKey) return random;
  return JSON.stringify({ ...JSON.parse(spec.secretStringTemplate), [spec.generateStringKey]: random });
}

export class LocalSecrets {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly file?: string;
  private server?: Server;

  constructor(dataDir?: string) {
    this.file = dataDir ? join(dataDir, 'secrets.json') : undefined;
    if (this.file && existsSync(this.file)) {
      for (const secret of JSON.parse(readFileSync(this.file, 'utf8')) as StoredSecret[])
        this.secrets.set(secret.arn, secret);
    }
  }

  /** Creates the secret unless a run before this one did (its value then stays). */
  ensure(arn: string, name: string, makeValue: () => string) {
    if (this.secrets.has(arn)) return;
    this.secrets.set(arn, {
      arn,
      name,
      value: makeValue(),
      versionId: randomBytes(16).toString('hex'),
      createdAt: Date.now(),
    });
    this.save();
  }

  private save() {
    if (this.file)
      writeFileSync(this.file, JSON.stringify([...this.secrets.values()], null, 2), { mode: 0o600 });
  }

  private find(id: string): StoredSecret | undefined {
    return this.secrets.get(id) ?? [...this.secrets.values()].find((secret) => secret.name === id);
  }

  private answer(operation: string, body: Record<string, unknown>): [number, Record<string, unknown>] {
    const secret = this.find(String(body.SecretId ?? ''));
    if (!secret)
      return [
        400,
        { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." },
      ];
    switch (operation) {
      case 'GetSecretValue':
        return [
          200,
          {
            ARN: secret.arn,
            Name: secret.name,
            SecretString: secret.value,
            VersionId: secret.versionId,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: secret.createdAt / 1000,
          },
        ];
      case 'PutSecretValue':
        if (typeof body.SecretString !== 'string')
          return [400, { __type: 'InvalidParameterException', message: 'SecretString is required.' }];
        secret.value = body.SecretString;
        secret.versionId = randomBytes(16).toString('hex');
        this.save();
        return [
          200,
          { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] },
        ];
      case 'DescribeSecret':
        return [200, { ARN: secret.arn, Name: secret.name, CreatedDate: secret.createdAt / 1000 }];
      default:
        return [
          400,
          { __type: 'InvalidRequestException', message: `${operation} is not supported locally.` },
        ];
    }
  }

  private handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        // An unreadable body names no secret: answered as not found below.
      }
      const [status, answer] = this.answer(target.split('.')[1] ?? '', body);
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer));
    });
  }

  /** Serves on 127.0.0.1; returns the endpoint. */
  async start(port = 0): Promise<string> {
    this.server = keepIdleConnections(createServer((request, response) => this.handle(request, response)));
    return `http://127.0.0.1:${await listen(this.server, port)}`;
  }

  async stop() {
    if (this.server) await close(this.server);
  }
}
