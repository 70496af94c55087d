// Provisions an automation on AWS: a Standard state machine (updated in place on every edit: an
// execution keeps the definition it started with, so no version is published) and an EventBridge
// rule on the CRM bus that starts it. Every name carries one prefix, which is what the
// provisioner's IAM policy is scoped to.
import { createHash } from 'node:crypto';
import {
  DeleteRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException as RuleNotFound,
} from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  ListStateMachineVersionsCommand,
  type SFNClient,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import type { AutomationDeployment, AutomationInfra } from '#shared/ports.ts';

export interface AwsAutomationInfraOptions {
  /** aws, aws-cn, aws-us-gov: the stack's partition. */
  partition: string;
  region: string;
  accountId: string;
  /** e.g. `stagecraft-prod-auto-`: state machines and rules are `<prefix><automationId>`. */
  namePrefix: string;
  eventBusName: string;
  /** The role compiled state machines run with (invoke run-action, write run records, send mail). */
  executionRoleArn: string;
  /** The role EventBridge uses to start executions. */
  eventsRoleArn: string;
  /** Where EventBridge parks events it could not deliver to a state machine. */
  deadLetterQueueArn: string;
  tags?: Record<string, string>;
}

const TARGET_ID = 'start-run';

/** PutTargets and RemoveTargets answer 200 with the entries they refused: those are failures too. */
function assertNoFailedEntries(
  operation: string,
  result: { FailedEntryCount?: number; FailedEntries?: Array<{ TargetId?: string; ErrorCode?: string; ErrorMessage?: string }> },
): void {
  if (!result.FailedEntryCount) return;
  const entries = (result.FailedEntries ?? []).map((entry) => `${entry.TargetId ?? '?'}: ${entry.ErrorCode ?? 'error'} ${entry.ErrorMessage ?? ''}`.trim());
  const error = new Error(`${operation} refused ${result.FailedEntryCount} target(s): ${entries.join('; ')}`);
  error.name = 'TargetRefused';
  throw error;
}

export function awsAutomationInfra(sfn: SFNClient, events: EventBridgeClient, options: AwsAutomationInfraOptions): AutomationInfra {
  const name = (automationId: string) => `${options.namePrefix}${automationId}`;
  const stateMachineArn = (automationId: string) =>
    `arn:${options.partition}:states:${options.region}:${options.accountId}:stateMachine:${name(automationId)}`;
  const tags = Object.entries({ 'stagecraft:managed-by': 'provisioner', ...options.tags });

  /**
   * What deploy sends for a deployment, built in one place: the fingerprint is a digest of exactly these requests,
   * so a release that changes a setting here (a retry policy, a tag) redeploys every automation once.
   */
  function requestsFor({ automationId, definition, eventPattern, enabled }: AutomationDeployment) {
    const stateMachine = {
      name: name(automationId),
      definition: JSON.stringify(definition),
      roleArn: options.executionRoleArn,
      type: 'STANDARD' as const,
      tracingConfiguration: { enabled: true },
      tags: [...tags.map(([key, value]) => ({ key, value })), { key: 'stagecraft:automation', value: automationId }],
    };
    // A manual automation has no rule, so nothing starts it but a run by hand.
    if (eventPattern === null) return { stateMachine, trigger: undefined };
    const rule = {
      Name: name(automationId),
      EventBusName: options.eventBusName,
      EventPattern: JSON.stringify(eventPattern),
      State: enabled ? ('ENABLED' as const) : ('DISABLED' as const),
      Description: `Starts Stagecraft automation ${automationId}`,
      Tags: tags.map(([Key, Value]) => ({ Key, Value })),
    };
    const targets = {
      Rule: name(automationId),
      EventBusName: options.eventBusName,
      Targets: [
        {
          Id: TARGET_ID,
          Arn: stateMachineArn(automationId),
          RoleArn: options.eventsRoleArn,
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: options.deadLetterQueueArn },
        },
      ],
    };
    return { stateMachine, trigger: { rule, targets } };
  }

  async function upsertStateMachine(automationId: string, request: ReturnType<typeof requestsFor>['stateMachine']): Promise<string> {
    try {
      const created = await sfn.send(new CreateStateMachineCommand(request));
      return created.stateMachineArn ?? stateMachineArn(automationId);
    } catch (error) {
      if (!(error instanceof StateMachineAlreadyExists)) throw error;
    }
    const updated = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: stateMachineArn(automationId), definition: request.definition, roleArn: request.roleArn }),
    );
    await deleteVersions(automationId);
    return updated.revisionId ? `${stateMachineArn(automationId)}@${updated.revisionId}` : stateMachineArn(automationId);
  }

  /**
   * Versions published by earlier releases, which published one per edit: nothing targets them, and at
   * the quota (1,000 per state machine) they would block every update. Deleting a version leaves its
   * running executions running.
   */
  async function deleteVersions(automationId: string): Promise<void> {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: stateMachineArn(automationId), maxResults: 1000, nextToken }));
      for (const version of page.stateMachineVersions ?? []) {
        if (version.stateMachineVersionArn) await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: version.stateMachineVersionArn }));
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }

  async function removeRule(automationId: string): Promise<void> {
    try {
      assertNoFailedEntries(
        'RemoveTargets',
        await events.send(new RemoveTargetsCommand({ Rule: name(automationId), EventBusName: options.eventBusName, Ids: [TARGET_ID] })),
      );
      await events.send(new DeleteRuleCommand({ Name: name(automationId), EventBusName: options.eventBusName }));
    } catch (error) {
      if (!(error instanceof RuleNotFound)) throw error;
    }
  }

  return {
    async deploy(deployment) {
      const { automationId } = deployment;
      const requests = requestsFor(deployment);
      const version = await upsertStateMachine(automationId, requests.stateMachine);
      if (!requests.trigger) {
        // A manual automation has no rule; one left from an earlier trigger must go.
        await removeRule(automationId);
        return { stateMachine: stateMachineArn(automationId), version };
      }
      await events.send(new PutRuleCommand(requests.trigger.rule));
      const targets = await events.send(new PutTargetsCommand(requests.trigger.targets));
      // A refused target would leave an automation that looks ready but starts nothing: fail the deployment.
      assertNoFailedEntries('PutTargets', targets);
      return { stateMachine: stateMachineArn(automationId), version };
    },

    fingerprint(deployment) {
      return createHash('sha256').update(JSON.stringify(requestsFor(deployment))).digest('hex');
    },

    async setEnabled(automationId, enabled) {
      const input = { Name: name(automationId), EventBusName: options.eventBusName };
      try {
        await events.send(enabled ? new EnableRuleCommand(input) : new DisableRuleCommand(input));
      } catch (error) {
        // A manual automation has no rule to switch.
        if (!(error instanceof RuleNotFound)) throw error;
      }
    },

    /** Deletes rule and state machine; what is gone already is fine (a retried delete). */
    async remove(automationId) {
      await removeRule(automationId);
      try {
        await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: stateMachineArn(automationId) }));
      } catch (error) {
        if (!(error instanceof StateMachineDoesNotExist)) throw error;
      }
    },
  };
}
