import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpIntegrationType,
  HttpMethod,
  HttpRouteIntegration,
  type HttpRouteIntegrationConfig,
  HttpStage,
  IntegrationCredentials,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Route, routeKey } from '../../functions/routes.ts';
import { deployedFunction, routeFunctionId } from '../function-catalogue.ts';
import type { CapabilityResources } from './capabilities.ts';
import { InlinePolicyRole, MailroomFunction } from './mailroom-function.ts';

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
 * A Lambda proxy integration (payload 2.0) that API Gateway invokes with a role, instead of
 * through a resource-based permission on each function: one role for the whole API, where
 * permissions would be one CloudFormation resource per route (a stack holds at most 500).
 */
class RoleInvokedLambdaIntegration extends HttpRouteIntegration {
  private readonly handler: IFunction;
  private readonly invoker: InlinePolicyRole;

  constructor(id: string, handler: IFunction, invoker: InlinePolicyRole) {
    super(id);
    this.handler = handler;
    this.invoker = invoker;
  }

  bind(): HttpRouteIntegrationConfig {
    return {
      type: HttpIntegrationType.AWS_PROXY,
      uri: this.handler.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      credentials: IntegrationCredentials.fromRole(this.invoker),
    };
  }
}

/**
 * The HTTP API: one Lambda and one route per row of the route table, each with exactly
 * the environment and grants of its row's capabilities, invoked by the API's own role.
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

    // May invoke the route functions and nothing else. API Gateway uses a role only when a
    // principal allowed to pass it (iam:PassRole, in this account) sets it on an integration.
    const invoker = new InlinePolicyRole(this, 'Invoker', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'Mailroom REST API: invokes the route functions',
    });
    const invoked = new PolicyStatement({ actions: ['lambda:InvokeFunction'] });
    invoker.addToPrincipalPolicy(invoked);

    // One log group for every route's function (each writes its own streams, named after it).
    const routeLogs = new LogGroup(this, 'RouteLogs', { removalPolicy: RemovalPolicy.DESTROY });
    for (const route of props.routes) {
      const name = constructId(route);
      const fn = new MailroomFunction(this, name, {
        definition: deployedFunction(routeFunctionId(route)),
        description: routeKey(route),
        memoryMb: route.memoryMb,
        resources: props.resources,
        logGroup: routeLogs,
      });
      const [apiRoute] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new RoleInvokedLambdaIntegration(`${name}Integration`, fn, invoker),
      });
      invoked.addResources(fn.functionArn);
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
