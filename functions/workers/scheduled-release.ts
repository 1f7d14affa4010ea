import { releaseScheduledEmails } from '#shared/emails/release-scheduled.ts';
import { logger } from '#shared/logger.ts';

/** Scheduled every minute: queues the emails whose time is within the next 14 minutes. */
export const handler = async (): Promise<void> => {
  const released = await releaseScheduledEmails();
  if (released > 0) logger.info('scheduled emails released', { released });
};
