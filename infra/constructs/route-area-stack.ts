import { NestedStack, Stack, Validations } from 'aws-cdk-lib';
import {
  HttpMethod as ApiMethod,
  HttpIntegrationType,
  HttpRoute,
  HttpRouteIntegration,
  type HttpRouteIntegrationBindOptions,
  type HttpRouteIntegrationConfig,
  HttpRouteKey,
  type IHttpApi,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { type HttpMethod, type Route, routeKey } from '../../functions/routes.ts';
import { routeFunction } from '../function-catalogue.ts';
import type { CapabilityResources } from './capabilities.ts';
import { MailroomFunction } from './mailroom-function.ts';

/** `POST /api/v1/emails/{id}/cancel` → `PostApiV1EmailsIdCancel`: a stable construct id per route. */
export function routeConstructId(route: Route): string {
  const words =
    routeKey(route)
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? [];
  return words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
}

/**
 * A Lambda proxy integration (payload 2.0) whose function lets API Gateway invoke it for
 * this one route (method and path) of this one API, by a permission on the function.
 * A permission per function, not one role allowed to invoke every route: a role's
 * inline policy listing every route's ARN reaches IAM's 10,240 characters near 90
 * routes, and a permission costs one resource in the route's own (nested) stack.
 */
class RoutePermittedLambdaIntegration extends HttpRouteIntegration {
  private readonly permissionId: string;
  private readonly handler: IFunction;
  private readonly method: HttpMethod;

  constructor(id: string, handler: IFunction, method: HttpMethod) {
    super(id);
    this.permissionId = `${id}Permission`;
    this.handler = handler;
    this.method = method;
  }

  protected override completeBind({ route, scope }: HttpRouteIntegrationBindOptions) {
    this.handler.addPermission(this.permissionId, {
      scope,
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      // api/stage/METHOD/path: any stage (the API has one), this method (ANY: every method), this path.
      sourceArn: Stack.of(route).formatArn({
        service: 'execute-api',
        resource: route.httpApi.apiId,
        resourceName: `*/${this.method === 'ANY' ? '*' : this.method}${route.path ?? ''}`,
      }),
    });
  }

  bind(): HttpRouteIntegrationConfig {
    return {
      type: HttpIntegrationType.AWS_PROXY,
      uri: this.handler.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    };
  }
}

export interface RouteAreaStackProps {
  readonly area: string;
  readonly routes: readonly Route[];
  readonly api: IHttpApi;
  /** The one log group every route's function writes to (each to streams named after it). */
  readonly logGroup: ILogGroup;
  /** What the routes' capabilities point at (the parent stack's; passed in as parameters). */
  readonly resources: CapabilityResources;
}

/**
 * The routes of one area of the API (see `infra/route-areas.ts`) in a nested stack of
 * their own: per row of the route table, a function with exactly the environment and
 * grants of its capabilities, its HTTP API route and integration, and the permission
 * that lets the API invoke it. The API, the table, the queues and the rest stay in the
 * parent stack; CloudFormation passes their names and ARNs in as parameters.
 */
export class RouteAreaStack extends NestedStack {
  constructor(scope: Construct, id: string, props: RouteAreaStackProps) {
    super(scope, id, { description: `Mailroom: the ${props.area} routes of the REST API` });
    for (const route of props.routes) {
      const name = routeConstructId(route);
      const fn = new MailroomFunction(this, name, {
        definition: routeFunction(route),
        description: routeKey(route),
        memoryMb: route.memoryMb,
        resources: props.resources,
        logGroup: props.logGroup,
      });
      const apiRoute = new HttpRoute(this, `${name}Route`, {
        httpApi: props.api,
        routeKey: HttpRouteKey.with(route.path, ApiMethod[route.method]),
        integration: new RoutePermittedLambdaIntegration(`${name}Integration`, fn, route.method),
      });
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
