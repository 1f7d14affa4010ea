import { Names, Reference, Stack, Tokenization, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { payloadBucket, table as tableDefinition } from '#shared/resources.ts';

/**
 * Narrow grants, written out instead of CDK's `grant*` helpers, which add wildcards
 * (`dynamodb:…/index/*`, `s3:Abort*`, `s3:GetObject*`) that least privilege and cdk-nag
 * both reject.
 */

/**
 * The item operations the code uses (transactions need the per-item actions), on the
 * table and its named indexes. No Scan, no table management.
 */
export function grantTableItems(table: ITableV2, grantee: IGrantable) {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
      resources: [
        table.tableArn,
        ...tableDefinition.globalIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
      ],
    }),
  );
}

/** Objects of the payload bucket under its key prefix. */
export function grantObjects(bucket: IBucket, grantee: IGrantable, access: readonly ('put' | 'get')[]) {
  const objects = bucket.arnForObjects(`${payloadBucket.keyPrefix}*`);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      // A large payload goes up in parts; a failed upload is aborted.
      actions: access.flatMap((kind) =>
        kind === 'put' ? ['s3:PutObject', 's3:AbortMultipartUpload'] : ['s3:GetObject'],
      ),
      resources: [objects],
    }),
  );
  acknowledgeWildcard(
    grantee,
    objects,
    'Object keys are email ids, known only at run time; the key prefix is fixed.',
  );
}

/**
 * Acknowledges cdk-nag's wildcard finding (AwsSolutions-IAM5) for one resource pattern
 * the grantee holds, with the reason, on the grantee's role itself.
 */
export function acknowledgeWildcard(grantee: IGrantable, resource: string, reason: string) {
  const principal = grantee.grantPrincipal;
  if (!(principal instanceof Construct)) return;
  const finding = findingOf(principal, resource);
  Validations.of(principal).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
}

/**
 * The resource as cdk-nag names it in the principal's own template. A reference to a
 * resource of another stack (a nested route stack's grant on the parent's bucket) is a
 * parameter there, named as CDK names the parameters it makes for such references.
 */
function findingOf(principal: Construct, resource: string): string {
  const stack = Stack.of(principal);
  return Tokenization.reverseString(resource)
    .mapTokens({
      mapToken: (token) => {
        if (token instanceof Reference && Stack.of(token.target) !== stack) {
          const parameter = `referenceto${Names.nodeUniqueId(token.target.node)}${token.displayName}`;
          return `<${parameter.replace(/[^A-Za-z0-9]/g, '')}>`;
        }
        return flattenCfnReference(stack.resolve(token));
      },
    })
    .join({ join: (left, right) => `${left}${right}` }) as string;
}
