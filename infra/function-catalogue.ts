/**
 * Every function Mailroom deploys, in one list derived from the route table, the queue
 * consumers, the scheduled jobs and the SMTP relay task: what the stack builds, what the
 * local runtime hosts, and what the bundle test loads. Each has a stable id, which the
 * stack writes into the template (`MailroomFunction` metadata) so the local runtime can
 * find the function's synthesized environment and IAM policy.
 *
 * Pure data: no CDK, no handler code.
 */
import type { CapabilityName } from '#shared/capabilities.ts';
import { type QueueKey, queues, scheduledJobs, smtpRelayTask } from '#shared/resources.ts';
import { type Route, routeCapabilities, routeKey, routes } from '../functions/routes.ts';

export type FunctionKind = 'route' | 'queue' | 'job' | 'task';

export interface DeployedFunction {
  /** `route:POST /api/v1/emails`, `queue:send`, `job:scheduledRelease`, `task:smtpRelay`. */
  readonly id: string;
  readonly kind: FunctionKind;
  /** Handler (or, for the task, program) entry relative to the repository root. */
  readonly entry: string;
  readonly capabilities: readonly CapabilityName[];
  readonly timeoutSeconds: number;
}

/** API routes answer within API Gateway's 30 s; the house default is 10 s. */
const routeTimeoutSeconds = 10;

export const routeFunctionId = (route: Parameters<typeof routeKey>[0]) => `route:${routeKey(route)}`;
export const queueFunctionId = (key: QueueKey) => `queue:${key}`;
export const jobFunctionId = (key: keyof typeof scheduledJobs) => `job:${key}`;
export const smtpTaskId = 'task:smtpRelay';

/** A route's function: made from its row alone (so a stack can be built from any route table). */
export function routeFunction(route: Route): DeployedFunction {
  return {
    id: routeFunctionId(route),
    kind: 'route',
    entry: route.entry,
    capabilities: routeCapabilities(route),
    timeoutSeconds: route.timeoutSeconds ?? routeTimeoutSeconds,
  };
}

export const deployedFunctions: readonly DeployedFunction[] = [
  ...routes.map(routeFunction),
  ...(Object.keys(queues) as QueueKey[]).map((key) => ({
    id: queueFunctionId(key),
    kind: 'queue' as const,
    entry: queues[key].consumer.entry,
    capabilities: queues[key].consumer.capabilities,
    timeoutSeconds: queues[key].consumer.timeoutSeconds,
  })),
  ...(Object.keys(scheduledJobs) as (keyof typeof scheduledJobs)[]).map((key) => ({
    id: jobFunctionId(key),
    kind: 'job' as const,
    entry: scheduledJobs[key].entry,
    capabilities: scheduledJobs[key].capabilities,
    timeoutSeconds: scheduledJobs[key].timeoutSeconds,
  })),
  {
    id: smtpTaskId,
    kind: 'task',
    entry: smtpRelayTask.entry,
    capabilities: smtpRelayTask.capabilities,
    timeoutSeconds: 0,
  },
];

export function deployedFunction(id: string): DeployedFunction {
  const found = deployedFunctions.find((fn) => fn.id === id);
  if (!found) throw new Error(`No deployed function ${id}`);
  return found;
}

/**
 * The capability table of docs/architecture.md, made from the catalogue: every function that reaches
 * more than a keyed route's table (or a public route's nothing), then one row for the
 * rest. A unit test keeps the docs' copy equal to this.
 */
export function capabilityTable(): string {
  const plain = (fn: DeployedFunction) =>
    fn.kind === 'route' &&
    (fn.capabilities.length === 0 ||
      (fn.capabilities.length === 1 && fn.capabilities[0] === 'table:readWrite'));
  const rows = deployedFunctions
    .filter((fn) => !plain(fn))
    .map((fn) => `| \`${fn.id}\` | ${fn.capabilities.map((name) => `\`${name}\``).join(', ')} |`);
  const rest = deployedFunctions.filter(plain);
  const keyed = rest.filter((fn) => fn.capabilities.length > 0).length;
  return [
    '| function | capabilities |',
    '|---|---|',
    ...rows,
    `| the other ${keyed} keyed routes | \`table:readWrite\` |`,
    `| the ${rest.length - keyed} public routes (health, OpenAPI, not found) | none |`,
  ].join('\n');
}
