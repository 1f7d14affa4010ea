import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { NetworkTargetGroup } from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface MailroomAlarmsProps {
  /** Encrypts the alarm topic; CloudWatch must be allowed to use it. */
  readonly key: IKey;
  /** Subscribed to the topic by e-mail when set (SNS asks the address to confirm). */
  readonly email?: string;
}

/** A metric math alarm queries at most 10 series; keep one for the expression. */
const metricsPerAlarm = 9;

/**
 * Every alarm of the stack, all notifying one encrypted SNS topic (on alarm and on
 * recovery). Thresholds are chosen to page on what needs a human: a message in a DLQ,
 * any function error or throttle, API 5xx or slow answers, SES reputation nearing the
 * level where SES reviews the account, the SMTP relay losing its healthy tasks.
 */
export class MailroomAlarms extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MailroomAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Mailroom alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }

  private alarm(
    id: string,
    description: string,
    metric: IMetric,
    threshold: number,
    options: AlarmShape = {},
  ) {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }

  /** A message in a dead-letter queue is an email or event that failed every attempt. */
  deadLetterQueue(name: string, queue: IQueue) {
    this.alarm(
      `${name}DeadLetters`,
      `Messages in the ${name} dead-letter queue: they failed every attempt; inspect and redrive.`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      1,
    );
  }

  /**
   * Errors and throttles of every function, summed over groups of nine (one alarm per
   * group instead of two per function keeps the fixed monthly cost low); the alarm's
   * description names the functions it watches.
   */
  functions(functions: { fn: IFunction; name: string }[]) {
    for (let start = 0; start < functions.length; start += metricsPerAlarm) {
      const group = functions.slice(start, start + metricsPerAlarm);
      const names = group.map(({ name }) => name).join(', ');
      const label = `${start + 1}to${start + group.length}`;
      const sum = (metric: (fn: IFunction) => Metric) =>
        new MathExpression({
          expression: group.map((_, index) => `m${index}`).join(' + '),
          usingMetrics: Object.fromEntries(group.map(({ fn }, index) => [`m${index}`, metric(fn)])),
          period: Duration.minutes(5),
        });
      this.alarm(
        `FunctionErrors${label}`,
        `Lambda errors in: ${names}`,
        sum((fn) => fn.metricErrors({ statistic: 'Sum' })),
        1,
      );
      this.alarm(
        `FunctionThrottles${label}`,
        `Lambda throttles in: ${names}`,
        sum((fn) => fn.metricThrottles({ statistic: 'Sum' })),
        1,
      );
    }
  }

  /** 5xx answers and a slow p99 (three 5-minute periods in a row above one second). */
  httpApi(api: IHttpApi) {
    this.alarm(
      'Api5xx',
      'The REST API answered 5xx: see the functions’ errors and logs.',
      api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      5,
    );
    this.alarm(
      'ApiLatencyP99',
      'The REST API’s p99 latency was above 1 s for 15 minutes.',
      api.metricLatency({ period: Duration.minutes(5), statistic: 'p99' }),
      1000,
      { evaluationPeriods: 3 },
    );
  }

  /**
   * The account's SES reputation, as SES measures it: SES puts an account under review
   * at a 5 % bounce rate or a 0.1 % complaint rate, so these alarm before that.
   */
  sesReputation() {
    const reputation = (name: string) =>
      new Metric({ namespace: 'AWS/SES', metricName: name, statistic: 'Maximum', period: Duration.hours(1) });
    this.alarm(
      'SesBounceRate',
      'SES bounce rate above 4 % (SES reviews the account at 5 %, may pause sending at 10 %).',
      reputation('Reputation.BounceRate'),
      0.04,
    );
    this.alarm(
      'SesComplaintRate',
      'SES complaint rate above 0.08 % (SES reviews the account at 0.1 %, may pause sending at 0.5 %).',
      reputation('Reputation.ComplaintRate'),
      0.0008,
    );
  }

  /** The relay is down when a port has no healthy task for three minutes. */
  smtpRelay(targetGroups: { port: number; group: NetworkTargetGroup }[]) {
    for (const { port, group } of targetGroups) {
      this.alarm(
        `SmtpHealthyTasks${port}`,
        `No healthy SMTP relay task behind port ${port} for 3 minutes.`,
        group.metrics.healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' }),
        1,
        {
          comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 3,
          missing: TreatMissingData.BREACHING,
        },
      );
    }
  }
}

interface AlarmShape {
  evaluationPeriods?: number;
  comparison?: ComparisonOperator;
  missing?: TreatMissingData;
}
