// run-action, the one function every Task of a compiled automation invokes, and the role the compiled state
// machines run with (exactly the Task resources of shared/automation/compile-asl.ts).
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Data } from '../data.ts';
import type { Email } from '../email.ts';
import { StagecraftFunction } from '../functions.ts';
import { type automationArns, wildcardFinding } from './names.ts';
import { ENV } from '#shared/aws/env.ts';

export interface RunActionProps {
  readonly stage: string;
  readonly namePrefix: string;
  readonly arns: ReturnType<typeof automationArns>;
  readonly data: Data;
  readonly email: Email;
  readonly logRetention: logs.RetentionDays;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default - '' */
  readonly documentLinkBase?: string;
  /** Where run-action puts its metrics (trigger latency): the stack's own namespace. */
  readonly metricsNamespace: string;
}

/**
 * Built in the scope it is given (the Automations construct), not in a scope of its own: a scope of its own
 * would change the logical IDs, and CloudFormation would replace what is deployed.
 */
export class RunAction {
  readonly function: StagecraftFunction;
  /** The role compiled state machines run with. */
  readonly executionRole: iam.Role;

  constructor(scope: Construct, props: RunActionProps) {
    const stack = Stack.of(scope);
    const { arns } = props;
    const timeout = props.timeout ?? Duration.seconds(30);
    if (timeout.toSeconds() >= 60) {
      throw new Error('Automations runActionTimeout must be below 60 seconds, the TimeoutSeconds of compiled Tasks');
    }
    const runAction = new StagecraftFunction(scope, 'RunAction', {
      name: 'run-action',
      description: 'Runs one step of an automation (plan a wait, check conditions, one action) as the Butler',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout,
      environment: {
        ...props.data.environment,
        ...props.email.environment,
        [ENV.documentLinkBase]: props.documentLinkBase ?? '',
        // Trigger latency (write → run enrolled) goes to CloudWatch in this stack's own namespace.
        [ENV.metricsNamespace]: props.metricsNamespace,
      },
      unscopedActions: ['sns:Publish to phone numbers (sendDocument by SMS), which have no ARN; publishing to topics is denied'],
    });
    this.function = runAction;
    props.data.grantReadWriteData(runAction);
    props.email.grantSend(runAction);
    Validations.of(runAction.role!).acknowledge({
      id: wildcardFinding(scope, props.email.anyIdentityArn),
      reason:
        `ses:SendEmail on every SES identity, bound by ses:FromAddress to ${props.email.sender}: in the SES sandbox SES also ` +
        'authorizes the send against each verified recipient identity, which the sender cannot name in advance.',
    });
    // SMS straight to phone numbers: Publish takes no resource for them, so allow "*" and deny every topic.
    runAction.addToRolePolicy(new iam.PolicyStatement({ sid: 'SendSms', actions: ['sns:Publish'], resources: ['*'] }));
    runAction.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'NoTopicPublish', effect: iam.Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${stack.partition}:sns:*:*:*`] }),
    );
    Validations.of(runAction).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked synchronously by Step Functions (lambda:invoke Tasks) only: the state machine gets the error, retries it ' +
        'and catches it into Record failure; an asynchronous dead-letter queue would never receive anything.',
    });

    // The role of the compiled state machines: exactly the Task resources of shared/automation/compile-asl.ts.
    this.executionRole = new iam.Role(scope, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: `Runs the Stagecraft ${props.stage} automation state machines (${props.namePrefix}*)`,
    });
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({ sid: 'InvokeRunAction', actions: ['lambda:InvokeFunction'], resources: [runAction.functionArn] }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteRunRecords',
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [props.data.table.tableArn],
      }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ContinueInNewExecution',
        actions: ['states:StartExecution'],
        resources: [arns.stateMachines],
      }),
    );
    this.executionRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'Tracing',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
        resources: ['*'],
      }),
    );
    Validations.of(this.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Resource "*" only for the X-Ray actions of active tracing (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
        'GetSamplingTargets), which support no resource-level permissions.',
    });
    Validations.of(this.executionRole).acknowledge({
      id: wildcardFinding(scope, arns.stateMachines),
      reason:
        `states:StartExecution on the state machines named ${props.namePrefix}*: a run waiting longer than a year continues in ` +
        'a new execution of its own state machine, which is created at run time, so only its name prefix is known here.',
    });
  }
}
