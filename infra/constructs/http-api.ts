import { RemovalPolicy } from 'aws-cdk-lib';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '../../functions/routes.ts';
import { routesByArea } from '../route-areas.ts';
import type { CapabilityResources } from './capabilities.ts';
import { RouteAreaStack } from './route-area-stack.ts';

export interface MailroomHttpApiProps {
  readonly routes: readonly Route[];
  /** What the routes' capabilities point at. */
  readonly resources: CapabilityResources;
}

/**
 * The HTTP API: one Lambda and one route per row of the route table, each with exactly
 * the environment and grants of its row's capabilities and a permission that lets this
 * API invoke it for its route alone. The API, its stage and the log groups live here, in
 * the parent stack; the routes live in one nested stack per area of the API
 * (`infra/route-areas.ts`), so no stack nears CloudFormation's 500 resources however the
 * route table grows.
 */
export class MailroomHttpApi extends Construct {
  readonly api: HttpApi;
  readonly areas: RouteAreaStack[] = [];

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

    // One log group for every route's function (each writes its own streams, named after it).
    const routeLogs = new LogGroup(this, 'RouteLogs', { removalPolicy: RemovalPolicy.DESTROY });
    for (const [area, routes] of routesByArea(props.routes)) {
      this.areas.push(
        new RouteAreaStack(this, area, {
          area,
          routes,
          api: this.api,
          logGroup: routeLogs,
          resources: props.resources,
        }),
      );
    }
  }
}
