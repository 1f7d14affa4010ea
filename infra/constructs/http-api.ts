import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  configurationSet as configurationSetDefinition,
  payloadBucket,
  queues,
  table as tableDefinition,
} from '#shared/resources.ts';
import type { Route, RouteResource } from '../../functions/routes.ts';
import { grantObjects, grantTableItems } from './grants.ts';
import { MailroomFunction } from './mailroom-function.ts';
import { grantSesIdentities, grantSesTenants, sesTenantEnvironment } from './ses-policies.ts';

export interface MailroomHttpApiProps {
  readonly routes: readonly Route[];
  readonly table: ITableV2;
  readonly sendQueue: IQueue;
  /** Where webhook deliveries wait for the webhook worker. */
  readonly webhookQueue: IQueue;
  /** Where payloads too large for a queue message wait for the sender. */
  readonly payloads: IBucket;
  /** The configuration set new domain identities are associated with. */
  readonly configurationSetName: string;
  /** Where the SMTP relay answers, when it runs (shown by `GET /api/v1/smtp`). */
  readonly smtpHost?: string;
  /** Whether domains go into their account's SES tenant. */
  readonly sesTenants?: boolean;
  /** What routes that accept mail also need: the default account limits, the sandbox domain. */
  readonly acceptEnvironment: Record<string, string>;
}

/** `POST /api/v1/emails/{id}/cancel` → `PostApiV1EmailsIdCancel`: a stable construct id per route. */
function constructId(route: Route): string {
  const words = `${route.method} ${route.path}`.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
}

/**
 * The HTTP API: one Lambda and one route per row of the route table. Each function
 * gets exactly the environment and grants its row's `uses` names; every keyed route
 * reads and writes the table (its key, rate-limit counters, idempotency records).
 */
export class MailroomHttpApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: MailroomHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'Mailroom REST API', createDefaultStage: false });
    // One JSON line per request (id, route, status, latency) in a log group of its own.
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { removalPolicy: RemovalPolicy.DESTROY }),
        ),
      },
    });

    const grants: Record<RouteResource, (fn: MailroomFunction) => void> = {
      sendQueue: (fn) => {
        fn.addEnvironment(queues.send.envVar, props.sendQueue.queueUrl);
        for (const [name, value] of Object.entries(props.acceptEnvironment)) fn.addEnvironment(name, value);
        props.sendQueue.grantSendMessages(fn);
      },
      payloads: (fn) => {
        fn.addEnvironment(payloadBucket.envVar, props.payloads.bucketName);
        grantObjects(props.payloads, fn, 'put');
      },
      webhookQueue: (fn) => {
        fn.addEnvironment(queues.webhooks.envVar, props.webhookQueue.queueUrl);
        props.webhookQueue.grantSendMessages(fn);
      },
      sesIdentities: (fn) => {
        fn.addEnvironment(configurationSetDefinition.envVar, props.configurationSetName);
        grantSesIdentities(fn, Stack.of(this), props.configurationSetName);
        if (props.sesTenants) {
          for (const [name, value] of Object.entries(sesTenantEnvironment(Stack.of(this))))
            fn.addEnvironment(name, value);
          grantSesTenants(fn, Stack.of(this), props.configurationSetName);
        }
      },
    };

    for (const route of props.routes) {
      const name = constructId(route);
      const fn = new MailroomFunction(this, name, {
        entry: route.entry,
        description: `${route.method} ${route.path}`,
        memoryMb: route.memoryMb,
      });
      if (route.path === '/api/v1/smtp' && props.smtpHost) fn.addEnvironment('SMTP_HOST', props.smtpHost);
      if (route.scope !== 'public') {
        fn.addEnvironment(tableDefinition.envVar, props.table.tableName);
        // Keys, rate-limit counters and idempotency records live in the table.
        grantTableItems(props.table, fn);
      }
      for (const resource of route.uses) grants[resource](fn);
      const [apiRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      });
      if (apiRoute) {
        Validations.of(apiRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.scope === 'public'
              ? 'A public route (health, OpenAPI document): it reads nothing of any project.'
              : 'Authorized in the function: the API key is hashed and looked up in the table, its scope and project checked per route.',
        });
      }
    }
  }
}
