import { recheckPendingDomains } from '#shared/domains/domain-service.ts';
import { logger } from '#shared/logger.ts';

/** Scheduled: records SES's verdict on every domain still pending verification. */
export const handler = async (): Promise<void> => {
  const { checked, changed } = await recheckPendingDomains();
  if (checked > 0) logger.info('pending domains re-checked', { checked, changed });
};
