import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { defaultLimitVariables } from '#shared/capabilities.ts';
import { defaultCacheSeconds } from '#shared/settings.ts';

/** `on`/`off` (what `-c name=on` gives) or a JSON boolean (what cdk.json gives). */
const onOff = z
  .union([z.enum(['on', 'off']), z.boolean()])
  .transform((value) => value === 'on' || value === true);
/** A whole number from a string (`-c name=5`) or a JSON number. */
const count = (min: number) => z.coerce.number().int().min(min);
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'must be a domain name');
const logRetentionDays = new Set<number>(
  Object.values(RetentionDays).filter((days) => typeof days === 'number'),
);

/**
 * Every deployment setting, read from CDK context (`-c name=value`, or `context` in
 * cdk.json / cdk.context.json) and validated at synth, so a typo fails `cdk synth` with
 * the setting's name instead of deploying something half-configured. Defaults are the
 * safe choice: a production stage (data retained, deletion protection), no SMTP relay
 * (unless a certificate is given), no sandbox domain.
 */
const deploymentConfigSchema = z
  .object({
    /** `prod` keeps the table on `cdk destroy` and turns deletion protection on; other stages do not. */
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,15}$/, 'must be lowercase letters, digits and dashes')
      .default('prod'),
    /** Region to deploy to; the CLI's default region (CDK_DEFAULT_REGION) when unset. */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
      .optional(),
    /** The operator's shared sandbox sender domain: a verified SES identity every project may send from, 100 emails a day. */
    sandboxDomain: hostname.optional(),
    /**
     * The SMTP relay (Fargate behind an NLB, a fixed monthly cost). Needs the certificate
     * below; on by default exactly when a certificate is given.
     */
    smtp: onOff.optional(),
    /** Secrets Manager secret `{"cert","key"}` holding the relay's TLS certificate (PEM). */
    smtpCertificateSecretArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/,
        'must be a Secrets Manager secret ARN',
      )
      .optional(),
    /** The name SMTP clients connect to (the certificate's name; a CNAME to the load balancer); the load balancer's own name when unset. */
    smtpHostname: hostname.optional(),
    /** Days every log group keeps its logs. */
    logRetentionDays: count(1)
      .refine(
        (days) => logRetentionDays.has(days),
        'must be a CloudWatch Logs retention such as 7, 30, 90 or 365',
      )
      .default(30),
    /**
     * What the functions log: WARN keeps a busy deployment's log bill to its warnings
     * and errors (INFO adds a line per email accepted, sent and reported).
     */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
    /**
     * X-Ray active tracing of every function (Lambda samples 1 request a second, then
     * 5 %): off by default, since at volume it adds about a twentieth of the platform's
     * own cost per email; turn it on to follow requests across functions.
     */
    tracing: onOff.default(false),
    /** Days an email's record (status, history) is kept before DynamoDB expires it. */
    emailRetentionDays: count(1).default(90),
    /** Where alarms are e-mailed (an SNS e-mail subscription to confirm); alarms still go to the topic without it. */
    alarmEmail: z.email().optional(),
    /** One SES tenant per account, so SES's reputation policy also keeps accounts apart. */
    sesTenants: onOff.default(false),
    /** Sends in 24 hours before the reputation state machine judges an account. */
    reputationMinimumSends: count(0).default(100),
    /** Default limits of an account until the operator sets its own (`mailroom limits`). */
    monthlyQuota: count(0).default(100_000),
    sendsPerSecond: count(1).default(500),
    sendsPerMinute: count(1).default(5_000),
    sendsPerHour: count(1).default(50_000),
    sendsPerDay: count(1).default(500_000),
    /**
     * The share of the account's SES MaxSendRate campaigns may use (0.1–1): the rest is
     * kept for transactional mail, which therefore never waits behind a campaign.
     */
    campaignSendShare: z.coerce.number().min(0.1).max(1).default(0.8),
    /** How many seconds of sending a campaign queues ahead: pause and cancel act within about this long. */
    campaignLookaheadSeconds: count(10).max(900).default(120),
    /**
     * How long a function trusts its copy of an account, an API key or a campaign: a
     * revoked key, a paused campaign or a flagged account takes effect everywhere within
     * this. Shorter costs more reads; tests shorten it instead of waiting.
     */
    cacheSeconds: count(1).max(300).default(defaultCacheSeconds),
    /** Per API key: single sends (REST and SMTP messages) and batch requests a minute. */
    keySendsPerMinute: count(1).default(100),
    keyBatchesPerMinute: count(1).default(10),
  })
  .superRefine((config, context) => {
    if (config.smtp && !config.smtpCertificateSecretArn) {
      context.addIssue({
        code: 'custom',
        path: ['smtpCertificateSecretArn'],
        message: 'is required when smtp=on',
      });
    }
  })
  .transform((config) => ({ ...config, smtp: config.smtp ?? config.smtpCertificateSecretArn !== undefined }));

export type DeploymentConfig = z.infer<typeof deploymentConfigSchema>;
export type DeploymentSettings = z.input<typeof deploymentConfigSchema>;

/** The settings' names, to pick them out of the CDK context. */
const settingNames = Object.keys(deploymentConfigSchema.in.shape) as (keyof DeploymentSettings)[];

/** Validates the settings read by `setting`; a problem throws naming every bad setting. */
export function parseDeploymentConfig(setting: (name: string) => unknown): DeploymentConfig {
  const values = Object.fromEntries(
    settingNames.map((name) => [name, setting(name)]).filter(([, value]) => value !== undefined),
  );
  const result = deploymentConfigSchema.safeParse(values);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid Mailroom settings (CDK context):\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Whether the stage holds production data. */
export const isProduction = (config: Pick<DeploymentConfig, 'stage'>) => config.stage === 'prod';

/** The default account limits, as the environment of the functions that accept mail. */
export function defaultLimitsEnvironment(config: DeploymentConfig): Record<string, string> {
  return {
    [defaultLimitVariables.perSecond]: String(config.sendsPerSecond),
    [defaultLimitVariables.perMinute]: String(config.sendsPerMinute),
    [defaultLimitVariables.perHour]: String(config.sendsPerHour),
    [defaultLimitVariables.perDay]: String(config.sendsPerDay),
    [defaultLimitVariables.monthlyQuota]: String(config.monthlyQuota),
  };
}
