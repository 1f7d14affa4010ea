/**
 * What CloudFormation and IAM limit, measured on synthesized templates: resources,
 * parameters and outputs per template, template size, and the size of every inline
 * policy with its references rendered as the ARNs and names a deployment would give
 * them (CloudFormation's generated names, at their longest).
 */
import {
  type CfnTemplate,
  type CfnValue,
  intrinsicEvaluator,
  type SynthesizedStack,
} from '../../infra/local/synthesized-stack.ts';

/** CloudFormation's and IAM's limits, and the margins the house keeps under them. */
export const limits = {
  /** CloudFormation allows 500; the rest is room for the next routes of an area. */
  resourcesPerStack: 400,
  parametersPerStack: 200,
  outputsPerStack: 200,
  /** A template uploaded to S3 (as `cdk deploy` uploads every template past 51,200 bytes). */
  templateBytes: 1_048_576,
  /** IAM allows 10,240 characters for a role's inline policies together. */
  inlinePolicyChars: 8_000,
};

const region = 'ap-southeast-2';
const account = '123456789012';

/**
 * A generated physical name at the longest CloudFormation makes it (Lambda and most
 * services cap names at 64 characters): the stack's name, the logical id, a random suffix.
 */
function physicalName(stackName: string, logicalId: string): string {
  const suffix = '-AbCdEfGhIjKl';
  return `${stackName}-${logicalId}`.padEnd(64 - suffix.length, 'x').slice(0, 64 - suffix.length) + suffix;
}

/** The ARN (`Fn::GetAtt …Arn`) and `Ref` a resource of `type` gets, by its physical name. */
function deployedValues(type: string, name: string): { arn: string; ref: string } {
  const at = (service: string) => `arn:aws:${service}:${region}:${account}`;
  switch (type) {
    case 'AWS::Lambda::Function':
      return { arn: `${at('lambda')}:function:${name}`, ref: name };
    case 'AWS::DynamoDB::Table':
    case 'AWS::DynamoDB::GlobalTable':
      return { arn: `${at('dynamodb')}:table/${name}`, ref: name };
    case 'AWS::SQS::Queue':
      return { arn: `${at('sqs')}:${name}`, ref: `https://sqs.${region}.amazonaws.com/${account}/${name}` };
    case 'AWS::SNS::Topic':
      return { arn: `${at('sns')}:${name}`, ref: `${at('sns')}:${name}` };
    case 'AWS::S3::Bucket':
      return { arn: `arn:aws:s3:::${name.toLowerCase()}`, ref: name.toLowerCase() };
    case 'AWS::Logs::LogGroup':
      return { arn: `${at('logs')}:log-group:${name}:*`, ref: name };
    case 'AWS::SecretsManager::Secret':
      return {
        arn: `${at('secretsmanager')}:secret:${name}-AbCdEf`,
        ref: `${at('secretsmanager')}:secret:${name}-AbCdEf`,
      };
    case 'AWS::KMS::Key':
      return {
        arn: `${at('kms')}:key/0123abcd-45ef-67ab-89cd-0123456789ab`,
        ref: '0123abcd-45ef-67ab-89cd-0123456789ab',
      };
    case 'AWS::IAM::Role':
      return { arn: `arn:aws:iam::${account}:role/${name}`, ref: name };
    default:
      return { arn: `${at(type.split('::')[1]?.toLowerCase() ?? 'unknown')}:${name}`, ref: name };
  }
}

const pseudoParameters: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': region,
  'AWS::AccountId': account,
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Mailroom',
  'AWS::NoValue': '',
};

type Render = (value: CfnValue) => CfnValue;

/**
 * Renders a template's intrinsics as deployed values: a resource's `Ref` and `Arn` by its
 * type and generated name, a nested stack's parameter as its parent passes it.
 */
function renderer(template: CfnTemplate, stackName: string, parameter: (name: string) => CfnValue): Render {
  const valuesOf = (logicalId: string) =>
    deployedValues(template.Resources[logicalId]?.Type ?? '', physicalName(stackName, logicalId));
  return intrinsicEvaluator({
    ref: (name) => {
      if (name in pseudoParameters) return pseudoParameters[name];
      if (template.Parameters && name in template.Parameters) return parameter(name);
      return valuesOf(name).ref;
    },
    getAtt: (logicalId, attribute) =>
      attribute === 'Arn' ? valuesOf(logicalId).arn : physicalName(stackName, `${logicalId}${attribute}`),
  });
}

export interface TemplateMeasures {
  /** `Mailroom` for the parent, `Mailroom/<stack resource id>` for a nested stack. */
  readonly name: string;
  readonly resources: number;
  readonly parameters: number;
  readonly outputs: number;
  /** The template as `cdk synth` writes it (one space of indentation), in bytes. */
  readonly bytes: number;
  /** Every role's inline policies together (IAM's limit is per role), rendered, without whitespace. */
  readonly inlinePolicies: { readonly role: string; readonly chars: number }[];
}

/** The measures of a synthesized stack's every template, parent first. */
export function measure(stack: SynthesizedStack, name = 'Mailroom'): TemplateMeasures[] {
  return measureStack(stack, name, () => {
    throw new Error('The parent stack has no parameters to be passed');
  });
}

function measureStack(
  { template, nested }: SynthesizedStack,
  name: string,
  parameter: (name: string) => CfnValue,
): TemplateMeasures[] {
  const render = renderer(template, name.replace(/\//g, '-'), parameter);
  const resources = Object.entries(template.Resources);
  // A role's inline policies: those in the role and the `AWS::IAM::Policy` resources naming it.
  const documentsOf = (roleId: string): CfnValue[] => [
    ...((template.Resources[roleId]?.Properties?.Policies ?? []) as { PolicyDocument: CfnValue }[]).map(
      (policy) => policy.PolicyDocument,
    ),
    ...resources
      .filter(
        ([, resource]) =>
          resource.Type === 'AWS::IAM::Policy' &&
          ((resource.Properties?.Roles ?? []) as CfnValue[]).some((role) => role?.Ref === roleId),
      )
      .map(([, policy]) => policy.Properties?.PolicyDocument),
  ];
  const inlinePolicies = resources
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .map(([role]) => ({
      role,
      chars: documentsOf(role)
        .map((document) => JSON.stringify(render(document)).length)
        .reduce((sum, chars) => sum + chars, 0),
    }));
  const own: TemplateMeasures = {
    name,
    resources: Object.keys(template.Resources).length,
    parameters: Object.keys(template.Parameters ?? {}).length,
    outputs: Object.keys(template.Outputs ?? {}).length,
    bytes: Buffer.byteLength(JSON.stringify(template, undefined, 1)),
    inlinePolicies,
  };
  return [
    own,
    ...Object.entries(nested).flatMap(([id, child]) => {
      const passed = (template.Resources[id]?.Properties?.Parameters ?? {}) as Record<string, CfnValue>;
      return measureStack(child, `${name}/${id}`, (parameterName) => render(passed[parameterName]));
    }),
  ];
}

/** The largest inline policy of any template, with where it is. */
export function largestInlinePolicy(measures: readonly TemplateMeasures[]) {
  return measures
    .flatMap(({ name, inlinePolicies }) => inlinePolicies.map((policy) => ({ stack: name, ...policy })))
    .reduce((largest, policy) => (policy.chars > largest.chars ? policy : largest), {
      stack: '',
      role: '',
      chars: 0,
    });
}
