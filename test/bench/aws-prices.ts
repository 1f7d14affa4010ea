import { parseDeploymentConfig } from '../../infra/config.ts';

/**
 * Public on-demand prices, us-east-1, in US dollars (AWS pricing pages, checked
 * 2026-11; first-tier rates, no free tier). The cost benchmark multiplies the usage it
 * counts by these; change them here when AWS does. SES's own fee ($0.10 per 1,000
 * emails) is the same with or without Mailroom and is left out.
 */
export const awsPrices = {
  /** API Gateway HTTP API: per request (each 512 KB counts as one). */
  apiGatewayRequest: 1.0 / 1e6,
  /** Lambda: per invocation. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda on arm64 (Graviton): per GB-second, billed by the millisecond. */
  lambdaArmGbSecond: 0.0000133334,
  /** DynamoDB on-demand: per write request unit (1 KB; transactions count twice). */
  dynamoWriteUnit: 0.625 / 1e6,
  /** DynamoDB on-demand: per read request unit (4 KB strongly consistent, 8 KB eventually). */
  dynamoReadUnit: 0.125 / 1e6,
  /** SQS standard queue: per request (each 64 KB chunk counts as one). */
  sqsRequest: 0.4 / 1e6,
  /** SNS standard topic: per publish (64 KB chunk); deliveries to SQS are free. */
  snsPublish: 0.5 / 1e6,
  /** S3 Standard: per PUT and per GET. */
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  /** X-Ray: per trace recorded. */
  xrayTrace: 5.0 / 1e6,
  /** CloudWatch Logs: per GB ingested (standard class). */
  logsIngestedGb: 0.5,
} as const;

/** A deployment with every setting at its default. */
export const defaultDeployment = parseDeploymentConfig(() => undefined);

/**
 * What the functions' tracing and logs cost beside their requests, as the stack's
 * defaults configure them: with tracing on, Lambda's X-Ray sampling (1 request a second,
 * then 5 %) traces about 5 % of invocations at production volume; with JSON logs at
 * system level WARN, Lambda writes no START/END/REPORT lines, so the logs are what the
 * functions write themselves, at the default level.
 */
export const observability = {
  tracing: defaultDeployment.tracing,
  tracedShare: defaultDeployment.tracing ? 0.05 : 0,
  logLevel: defaultDeployment.logLevel,
  platformLogBytesPerInvocation: 0,
} as const;

/** Fixed monthly costs of a deployment, whatever the volume (shown beside the per-email figure). */
export const fixedMonthly = {
  /** KMS customer managed key for the encrypted topics. */
  kmsKey: 1.0,
  /** The signing-keys secret (Secrets Manager, per secret-month). */
  secret: 0.4,
  /** Per standard-resolution CloudWatch alarm. */
  alarm: 0.1,
  /** SMTP relay, when on: 2 Fargate arm64 tasks (0.25 vCPU, 0.5 GB), the NLB, 4 public IPv4 addresses. */
  smtpRelay: 2 * 730 * (0.25 * 0.03238 + 0.5 * 0.00356) + 730 * 0.0225 + 4 * 730 * 0.005,
} as const;
