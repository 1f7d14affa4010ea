import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { flushMetrics } from '#shared/metrics.ts';

/** What a batch's records share (counters written once, a rate budget), made per invocation. */
export interface BatchScope<State> {
  start: (event: SQSEvent) => State;
  /** Runs once the batch's records are handled, whatever their outcome. */
  finish?: (state: State) => Promise<void>;
}

/**
 * An SQS-triggered Lambda handler with partial batch responses: each record is handled
 * alone, and only the ones that threw are reported in `batchItemFailures`, so SQS
 * redelivers just those (and moves them to the DLQ after the queue's max receives).
 * With a `scope`, each invocation's records share a state of their own.
 */
export function queueWorker<State = undefined>(
  handleRecord: (record: SQSRecord, context: Context, state: State) => Promise<void>,
  scope?: BatchScope<State>,
) {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.resetKeys();
    logger.addContext(context);
    const state = scope?.start(event) as State;
    try {
      const response = await processPartialResponse(
        event,
        async (record: SQSRecord) => {
          try {
            await handleRecord(record, context, state);
          } catch (error) {
            logger.warn('record failed; SQS will redeliver it', { messageId: record.messageId, error });
            throw error;
          }
        },
        processor,
        { context, throwOnFullBatchFailure: false },
      );
      await scope?.finish?.(state);
      return response;
    } finally {
      flushMetrics();
    }
  };
}
