import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * Business metrics in the `Mailroom` CloudWatch namespace, written as Embedded Metric
 * Format log lines that CloudWatch Logs turns into metrics (no PutMetricData call, no
 * IAM). The local runtime turns them off (POWERTOOLS_METRICS_DISABLED).
 */
const metrics = new Metrics({ namespace: 'Mailroom', serviceName: 'mailroom' });

export type EmailMetric =
  | 'EmailsAccepted'
  | 'EmailsSent'
  | 'EmailsDelivered'
  | 'EmailsBounced'
  | 'EmailsComplained';

export function countEmails(metric: EmailMetric, count = 1) {
  if (count > 0) metrics.addMetric(metric, MetricUnit.Count, count);
}

/** Writes what was counted; every Lambda invocation and SMTP message ends with this. */
export function flushMetrics() {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
