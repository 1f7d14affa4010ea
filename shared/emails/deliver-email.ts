import {
  BadRequestException,
  MessageRejected,
  SESv2ServiceException,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { configurationSetName, ses } from '#shared/aws/ses.ts';
import { advanceStatus, claimForSending, recordMessageId, releaseClaim } from '#shared/emails/email-store.ts';
import { type SendMessage, systemTags } from '#shared/emails/send-message.ts';
import { logger } from '#shared/logger.ts';

/** SES refused to try for now (throttled or its own fault); the message should come back later. */
export class SendDeferredError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SendDeferredError';
  }
}

/** The email's record is not there (yet); retried, then the message rests in the DLQ. */
export class EmailMissingError extends Error {
  constructor(emailId: string) {
    super(`Email ${emailId} has no record`);
    this.name = 'EmailMissingError';
  }
}

/** Connection errors that prove the request never reached SES, so a retry cannot double-send. */
function neverLeft(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

function sendCommand(message: SendMessage): SendEmailCommand {
  const body = {
    ...(message.html === undefined ? {} : { Html: { Data: message.html, Charset: 'UTF-8' } }),
    ...(message.text === undefined ? {} : { Text: { Data: message.text, Charset: 'UTF-8' } }),
  };
  return new SendEmailCommand({
    FromEmailAddress: message.from,
    Destination: { ToAddresses: message.to, CcAddresses: message.cc, BccAddresses: message.bcc },
    ReplyToAddresses: message.replyTo,
    Content: { Simple: { Subject: { Data: message.subject, Charset: 'UTF-8' }, Body: body } },
    ConfigurationSetName: configurationSetName,
    EmailTags: [
      { Name: systemTags.emailId, Value: message.emailId },
      { Name: systemTags.projectId, Value: message.projectId },
      { Name: systemTags.accountId, Value: message.accountId },
      ...Object.entries(message.tags).map(([Name, Value]) => ({ Name, Value })),
    ],
  });
}

/**
 * Hands one queued email to SES, at most once.
 *
 * The claim (a conditional write) comes before the SES call, so a redelivered queue
 * message finds the email claimed and does nothing. After the call:
 * - accepted: SES's MessageId is recorded; the `Send` event will move the status on;
 * - refused for good (MessageRejected, BadRequest): the email is `failed` with the reason;
 * - throttled, an SES 5xx, or a connection refused: the claim is released and `SendDeferredError` thrown, so
 *   the queue brings the message back;
 * - no answer at all (a timeout after the request left): SES may have sent it, so the
 *   email is `failed` with reason `unknown_outcome` rather than risk sending it twice.
 */
export async function deliverEmail(message: SendMessage): Promise<void> {
  const claim = await claimForSending(message.emailId, new Date().toISOString());
  if (claim === 'missing') throw new EmailMissingError(message.emailId);
  if (claim === 'already_claimed') {
    logger.info('email already handed to SES; skipping redelivery', { emailId: message.emailId });
    return;
  }

  try {
    const { MessageId } = await ses.send(sendCommand(message));
    await recordMessageId(message.emailId, MessageId ?? '', new Date().toISOString());
  } catch (error) {
    const now = new Date().toISOString();
    if (error instanceof MessageRejected || error instanceof BadRequestException) {
      await advanceStatus(message.emailId, 'failed', now, {
        failureReason: `${error.name}: ${error.message}`,
      });
      return;
    }
    const sesDeclined =
      error instanceof TooManyRequestsException ||
      (error instanceof SESv2ServiceException && error.$fault === 'server') ||
      neverLeft(error);
    if (sesDeclined) {
      await releaseClaim(message.emailId);
      throw new SendDeferredError(`SES declined for now: ${(error as Error).name}`, { cause: error });
    }
    if (error instanceof SESv2ServiceException) {
      await advanceStatus(message.emailId, 'failed', now, {
        failureReason: `${error.name}: ${error.message}`,
      });
      return;
    }
    logger.error('SES call ended without an answer', { emailId: message.emailId, error });
    await advanceStatus(message.emailId, 'failed', now, { failureReason: 'unknown_outcome' });
  }
}
