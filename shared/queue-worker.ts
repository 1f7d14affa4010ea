import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { flushMetrics } from '#shared/metrics.ts';

/**
 * An SQS-triggered Lambda handler with partial batch responses: each record is handled
 * alone, and only the ones that threw are reported in `batchItemFailures`, so SQS
 * redelivers just those (and moves them to the DLQ after the queue's max receives).
 * `afterBatch` runs once the batch's records are handled (the events worker writes its
 * batched counters there).
 */
export function queueWorker(
  handleRecord: (record: SQSRecord, context: Context) => Promise<void>,
  options: { afterBatch?: () => Promise<void> } = {},
) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.resetKeys();
    logger.addContext(context);
    try {
      const response = await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          try {
            await handleRecord(record, context);
          } catch (error) {
            logger.warn('record failed; SQS will redeliver it', { messageId: record.messageId, error });
            throw error;
          }
        },
        processor,
        { context, throwOnFullBatchFailure: false },
      );
      await options.afterBatch?.();
      return response;
    } finally {
      flushMetrics();
    }
  };
}
