import nodemailer from 'nodemailer';
import type { LocalRuntime } from '../../infra/local/runtime.ts';

/** Bounded: a fixed number of connections and messages. */
const connections = 10;
const messagesEach = 30;

/** An SMTP client of the local relay: STARTTLS on the submission port, the key as password. */
export function smtpClient(runtime: LocalRuntime, password: string) {
  return nodemailer.createTransport({
    host: runtime.smtp.host,
    port: runtime.smtp.starttls,
    requireTLS: true,
    auth: { user: 'bench', pass: password },
    tls: { ca: runtime.smtp.certificate, servername: 'localhost' },
  });
}

/**
 * Messages per second the SMTP relay accepts into the send queue (STARTTLS, AUTH,
 * parse, checks, store, queue), over `connections` concurrent clients, with test keys so
 * nothing waits on SES.
 */
export async function benchSmtpRelay(runtime: LocalRuntime, testKeys: string[]) {
  const started = performance.now();
  await Promise.all(
    testKeys.slice(0, connections).map(async (password, connection) => {
      const client = smtpClient(runtime, password);
      for (let n = 0; n < messagesEach; n += 1) {
        await client.sendMail({
          from: 'bench@anything.example',
          to: 'success@simulator.amazonses.com',
          subject: `SMTP bench ${connection}-${n}`,
          text: 'x',
        });
      }
      client.close();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const total = connections * messagesEach;
  console.log(
    `\nSMTP relay\n  ${(total / seconds).toFixed(0)} messages/s accepted into the queue (${connections} connections × ${messagesEach})`,
  );
}

export const smtpBenchConnections = connections;
