import type { Context } from 'aws-lambda';
import { purgeDeletedLists } from '#shared/contacts/contact-service.ts';
import { logger } from '#shared/logger.ts';

/** Scheduled: removes the contacts of deleted lists, stopping well before the function's timeout. */
export const handler = async (_event: unknown, context: Context): Promise<void> => {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - 10_000;
  const { lists, contacts } = await purgeDeletedLists(deadline);
  if (lists + contacts > 0) logger.info('deleted lists purged', { lists, contacts });
};
