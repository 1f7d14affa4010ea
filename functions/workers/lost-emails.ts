import { failLostEmails } from '#shared/delivery/lost-emails.ts';
import { logger } from '#shared/logger.ts';

/** Scheduled every hour: fails the emails a crash left recorded but never queued. */
export const handler = async (): Promise<void> => {
  const failed = await failLostEmails();
  if (failed > 0) logger.warn('emails lost between their record and the queue failed', { failed });
};
