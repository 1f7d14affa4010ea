import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Route, routeKey } from '../../functions/routes.ts';
import { deployedFunction, routeFunctionId } from '../function-catalogue.ts';
import type { CapabilityResources } from './capabilities.ts';
import { MailroomFunction } from './mailroom-function.ts';

export interface MailroomHttpApiProps {
  readonly routes: readonly Route[];
  /** What the routes' capabilities point at. */
  readonly resources: CapabilityResources;
}

/** `POST /api/v1/emails/{id}/cancel` → `PostApiV1EmailsIdCancel`: a stable construct id per route. */
function constructId(route: Route): string {
  const words =
    routeKey(route)
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? [];
  return words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
}

/**
 * The HTTP API: one Lambda and one route per row of the route table, each with exactly
 * the environment and grants of its row's capabilities.
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

    for (const route of props.routes) {
      const name = constructId(route);
      const fn = new MailroomFunction(this, name, {
        definition: deployedFunction(routeFunctionId(route)),
        description: routeKey(route),
        memoryMb: route.memoryMb,
        resources: props.resources,
      });
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
