// Teardown: `cdk destroy` deletes the bus, which EventBridge refuses while rules remain on it, so a custom
// resource deletes every state machine and rule the provisioner made under the prefix, before the bus goes.
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct, IDependable } from 'constructs';
import type { Events } from '../events.ts';
import { StagecraftFunction } from '../functions.ts';
import { type automationArns, prefixReason, wildcardFinding } from './names.ts';

export interface TeardownProps {
  readonly namePrefix: string;
  readonly arns: ReturnType<typeof automationArns>;
  readonly events: Events;
  readonly logRetention: logs.RetentionDays;
  /** What the state machines and rules use: deleted only after the teardown ran. */
  readonly usedByRuns: IDependable[];
  /** What could make a rule again during `cdk destroy`: created after the teardown, deleted before it. */
  readonly makesRules: Construct[];
}

/**
 * Built in the scope it is given (the Automations construct), not a scope of its own: a new logical ID for the
 * custom resource would make CloudFormation delete the old one, and its deletion deletes every automation.
 */
export class Teardown {
  readonly function: StagecraftFunction;
  /** Deletes every state machine and rule under the prefix when the stack is deleted. */
  readonly resource: CustomResource;

  constructor(scope: Construct, props: TeardownProps) {
    const { arns, namePrefix } = props;
    const bus = props.events.bus;
    const teardown = new StagecraftFunction(scope, 'Teardown', {
      name: 'teardown-automations',
      description: 'On stack deletion, deletes the automation state machines and rules the provisioner created',
      logRetention: props.logRetention,
      memorySize: 256,
      timeout: Duration.minutes(10),
      unscopedActions: [
        'events:ListRules (listing rules by name prefix)',
        'states:ListStateMachines (listing state machines to find those of the prefix)',
      ],
    });
    this.function = teardown;
    teardown.addToRolePolicy(
      new iam.PolicyStatement({ sid: 'List', actions: ['events:ListRules', 'states:ListStateMachines'], resources: ['*'] }),
    );
    teardown.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RulesOfThePrefix',
        actions: ['events:ListTargetsByRule', 'events:RemoveTargets', 'events:DeleteRule'],
        resources: [arns.rules(bus.eventBusName)],
      }),
    );
    teardown.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StateMachinesOfThePrefix',
        actions: ['states:DeleteStateMachine'],
        resources: [arns.stateMachines],
      }),
    );
    Validations.of(teardown.role!).acknowledge({
      id: wildcardFinding(scope, arns.stateMachines),
      reason: prefixReason(namePrefix, 'state machines it deletes when the stack is deleted'),
    });
    Validations.of(teardown.role!).acknowledge({
      id: wildcardFinding(scope, arns.rules(bus.eventBusName)),
      reason: prefixReason(namePrefix, 'EventBridge rules on the CRM bus it empties and deletes when the stack is deleted'),
    });
    Validations.of(teardown).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Invoked by CloudFormation as a custom resource only: it answers CloudFormation through the response URL, ' +
        'and a failed deletion shows in the stack events; nothing would ever reach an asynchronous dead-letter queue.',
    });
    this.resource = new CustomResource(scope, 'TeardownResource', {
      serviceToken: teardown.functionArn,
      resourceType: 'Custom::StagecraftAutomationsTeardown',
      properties: { EventBusName: bus.eventBusName, NamePrefix: namePrefix },
    });
    // Deleted before the bus (the property refers to it) and before the roles and queue the
    // state machines and rules use, so nothing is left half-working while they are removed.
    for (const dependency of props.usedByRuns) this.resource.node.addDependency(dependency);
    // And after provision and the rule that feeds it: an automation change during `cdk destroy` could
    // otherwise make provision put a rule again once the teardown has run, and the bus could not go.
    // (Created after the teardown, deleted before it.)
    for (const maker of props.makesRules) maker.node.addDependency(this.resource);
  }
}
