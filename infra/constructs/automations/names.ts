// The names the automations' state machines and rules are made under, the ARNs of that prefix that every
// permission is scoped to, and the cdk-nag acknowledgements of those prefix wildcards.
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * `stagecraft-<stage>-auto-`: the names of the stage's state machines and rules begin with it.
 * The `-auto-` keeps them apart from the stack's own resources (CloudFormation names those
 * `stagecraft-<stage>-<LogicalId>…`, never in lower case), so the teardown never meets one of them.
 */
export function automationNamePrefix(stage: string): string {
  return `stagecraft-${stage}-auto-`;
}

/** ARNs under the prefix, for IAM resources and conditions. */
export function automationArns(scope: Construct, namePrefix: string) {
  // The stack's partition (aws, aws-cn, aws-us-gov), never a literal `arn:aws:`.
  const { partition, region, account } = Stack.of(scope);
  const states = `arn:${partition}:states:${region}:${account}`;
  return {
    /** Every state machine of the prefix; the trailing `*` also covers its versions (`:<n>`). */
    stateMachines: `${states}:stateMachine:${namePrefix}*`,
    /** Published versions, named as IAM's resource type for them (`stateMachine:<name>:<version>`). */
    stateMachineVersions: `${states}:stateMachine:${namePrefix}*:*`,
    /** Executions: `execution:<stateMachineName>:<executionName>`. */
    executions: `${states}:execution:${namePrefix}*:*`,
    /** The prefix of a state machine ARN, for event patterns. */
    stateMachineArnPrefix: `${states}:stateMachine:${namePrefix}`,
    /** Rules of the prefix on a bus. */
    rules: (busName: string) => `arn:${partition}:events:${region}:${account}:rule/${busName}/${namePrefix}*`,
  };
}

/**
 * The id cdk-nag gives a wildcard resource of IAM5: the resource with its intrinsics flattened
 * (`<AWS::Region>`, `<LogicalId>`), so the acknowledgement names exactly that resource.
 */
export function wildcardFinding(scope: Construct, resource: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (value.Ref !== undefined) return `<${String(value.Ref)}>`;
    if (Array.isArray(value['Fn::GetAtt'])) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
    return JSON.stringify(node);
  };
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resource))}]`;
}

export function passRoleTo(role: iam.IRole, service: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': service } },
  });
}

export function prefixReason(namePrefix: string, what: string): string {
  return (
    `Scoped by name prefix (${namePrefix}*), which is the point: the ${what} are created at run time, one per automation, ` +
    'so their names are not known at deploy time; nothing outside the prefix is reachable.'
  );
}
