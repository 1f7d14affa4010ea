import type { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Template metadata naming a function (its catalogue id) or a resource (`queue:send`). */
export const functionMetadataKey = 'MailroomFunction';
export const resourceMetadataKey = 'MailroomResource';

/**
 * Writes a function's catalogue id into its template resource, so the local runtime
 * finds the environment and policy the stack synthesized for it.
 */
export function markDeployed(construct: IConstruct, id: string) {
  (construct.node.defaultChild as CfnResource).addMetadata(functionMetadataKey, id);
}

/**
 * Names a resource the local runtime stands in for (`table`, `queue:send`,
 * `deadLetterQueue:send`, `bucket:payloads`, `topic:sesEvents`, `configurationSet`), so it can
 * map the template's references to local names and ARNs.
 */
export function markResource(construct: IConstruct, name: string) {
  (construct.node.defaultChild as CfnResource).addMetadata(resourceMetadataKey, name);
}
