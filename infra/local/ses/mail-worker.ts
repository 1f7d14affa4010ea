/** The local SES's mail worker thread: runs `MailTask`s (see `mail-work.ts`) as they come. */
import { parentPort } from 'node:worker_threads';
import { type AddressObject, simpleParser } from 'mailparser';
import type { MailTask, MailTaskResult } from './mail-work.ts';
import { trackMessage } from './tracking.ts';

const fields = (field: AddressObject | AddressObject[] | undefined) => (field ? [field].flat() : []);

async function perform(task: MailTask): Promise<MailTaskResult> {
  const raw = Buffer.from(task.raw.buffer, task.raw.byteOffset, task.raw.byteLength);
  if (task.kind === 'head') {
    // Header fields and addresses only: no text made from the HTML part.
    const parsed = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
    return {
      from: parsed.from?.text,
      to: fields(parsed.to).map((to) => to.text),
      recipients: [parsed.to, parsed.cc, parsed.bcc]
        .flatMap(fields)
        .flatMap((field) => field.value.map((mailbox) => mailbox.address ?? ''))
        .filter(Boolean),
      subject: parsed.subject,
      headerLines: parsed.headerLines.map(({ line }) => line),
    };
  }
  if (task.kind === 'view') {
    const parsed = await simpleParser(raw);
    return {
      html: parsed.html || null,
      text: parsed.text ?? null,
      headerLines: parsed.headerLines.map(({ line }) => line),
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
      })),
    };
  }
  return trackMessage(raw, task.tracking, (index) => `${task.clickBase}/${index}`, task.openUrl);
}

parentPort?.on('message', ({ id, task }: { id: number; task: MailTask }) => {
  perform(task).then(
    (result) => parentPort?.postMessage({ id, result }),
    (error: unknown) =>
      parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
