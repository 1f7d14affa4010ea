import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferBudget, receiveMessages, relayBufferBudget } from '#functions/smtp/message-buffer.ts';

const mib = 1024 * 1024;
/** The size limit in these tests: small, so nine streams over it stay quick. */
const limit = 256 * 1024;

/**
 * An SMTP server on 127.0.0.1:0 with the relay's DATA handler (size limit `maxBytes`,
 * `budget`), no AUTH, and an admission that may be held until the test lets it go.
 */
async function relayWith(maxBytes: number, budget: BufferBudget) {
  const admitting: (() => void)[] = [];
  let held = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: maxBytes,
    logger: false,
    onData: receiveMessages(maxBytes, budget, async (raw) => {
      if (held) await new Promise<void>((resolve) => admitting.push(resolve));
      return `2.0.0 Ok: ${raw.length} bytes`;
    }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    send: (bytes: number) =>
      nodemailer
        .createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
        .sendMail({
          envelope: { from: 'app@example.com', to: ['someone@example.org'] },
          raw: `From: app@example.com\r\nTo: someone@example.org\r\nSubject: x\r\n\r\n${'x'.repeat(bytes)}\r\n`,
        })
        .then(
          (info) => ({ code: 250, response: info.response }),
          (error: { responseCode?: number; response?: string }) => ({
            code: error.responseCode ?? 0,
            response: error.response ?? '',
          }),
        ),
    /** Holds every admission until `release`. */
    hold: () => {
      held = true;
    },
    admitting: () => admitting.length,
    release: () => {
      held = false;
      for (const resolve of admitting.splice(0)) resolve();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let relay: Awaited<ReturnType<typeof relayWith>> | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
});

describe('the relay’s message buffers', () => {
  it('keeps nothing of a message once it passes the size limit, and answers 552 at its end', async () => {
    const budget = new BufferBudget(100 * mib);
    relay = await relayWith(limit, budget);

    const outcome = await relay.send(4 * limit);

    expect(outcome).toEqual({ code: 552, response: expect.stringMatching(/^552 5\.3\.4 /) });
    expect(budget.peak).toBeLessThanOrEqual(limit);
    expect(budget.buffered).toBe(0);
  });

  it('holds no more than the budget for nine concurrent oversize streams, then takes a normal message', async () => {
    const budget = new BufferBudget(3 * limit);
    relay = await relayWith(limit, budget);
    const current = relay;

    const outcomes = await Promise.all(Array.from({ length: 9 }, () => current.send(4 * limit)));

    // Each is refused for its size (never 452: sent again, it could never pass), whether or not it found the budget full.
    expect(outcomes.map(({ code }) => code)).toEqual(Array(9).fill(552));
    expect(budget.peak).toBeLessThanOrEqual(3 * limit);
    expect(budget.buffered).toBe(0);
    expect(await relay.send(1000)).toMatchObject({ code: 250 });
  });

  it('answers 452 rather than buffering past the budget, and gives the bytes back once messages are admitted', async () => {
    // Prepare: admissions held, so the messages taken keep their bytes while the rest arrive.
    const budget = new BufferBudget(3 * limit);
    relay = await relayWith(limit, budget);
    const current = relay;
    current.hold();
    let refused = 0;

    // Act: nine messages within the size limit, together over three times the budget.
    const sending = Array.from({ length: 9 }, () =>
      current.send(0.9 * limit).then((outcome) => {
        if (outcome.code === 452) refused += 1;
        return outcome;
      }),
    );
    // Every message either waits in admission or was refused.
    await new Promise<void>((resolve) => {
      const check = () => (current.admitting() + refused === 9 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(budget.buffered).toBeGreaterThan(0);
    current.release();
    const outcomes = await Promise.all(sending);

    // Assess: each message was taken or told to come back later, never more held than the budget.
    const codes = outcomes.map(({ code }) => code);
    expect(codes.every((code) => code === 250 || code === 452)).toBe(true);
    expect(codes.filter((code) => code === 452).length).toBeGreaterThanOrEqual(6);
    expect(outcomes.find(({ code }) => code === 452)?.response).toMatch(/^452 4\.3\.1 /);
    expect(budget.peak).toBeLessThanOrEqual(3 * limit);
    expect(budget.buffered).toBe(0);
    expect(await relay.send(1000)).toMatchObject({ code: 250 });
  });

  it('sizes the budget from the task’s memory, and refuses a task too small for one largest message', () => {
    const maxMessage = 40 * mib;

    expect(relayBufferBudget(512, maxMessage)).toBe(128 * mib);
    expect(relayBufferBudget(1024, maxMessage)).toBeGreaterThan(relayBufferBudget(512, maxMessage));
    expect(() => relayBufferBudget(200, maxMessage)).toThrow(/cannot hold a message/);
  });
});
