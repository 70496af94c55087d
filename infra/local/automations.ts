// Local adapters of the automation ports: Workflows on the local state-machine runner,
// AutomationInfra on the runner and the local bus (a rule per automation that starts
// an execution with the matched event, as EventBridge's Step Functions target does).
import { createHash, randomUUID } from 'node:crypto';
import type { AutomationInfra, Ids, RunStep, Workflows } from '#shared/ports.ts';
import type { LocalEventBus } from './event-bus.ts';
import type { LocalWorkflows } from './workflows.ts';

export const automationRuleName = (automationId: string) => `automation-${automationId}`;

/** The CRM event's id (one run per automation and event); another id for an event without one. */
function executionNameOf(event: { detail?: Record<string, unknown> }, ids: Ids): string {
  const eventId = event.detail?.eventId;
  return typeof eventId === 'string' && eventId !== '' ? eventId : ids.next();
}

export function localWorkflowsPort(workflows: LocalWorkflows): Workflows {
  return {
    async start(stateMachine, name, input) {
      const record = await workflows.start(stateMachine, name, input);
      return { executionId: record.executionId };
    },
    async steps(executionId) {
      const record = await workflows.describe(executionId);
      return (record?.steps ?? []).map((step): RunStep => {
        const { type: _type, ...rest } = step;
        return rest;
      });
    },
    async redrive(executionId) {
      await workflows.redrive(executionId);
    },
    async stop(executionId, reason) {
      await workflows.abort(executionId, reason);
    },
    async input(executionId) {
      return (await workflows.describe(executionId))?.input;
    },
    consoleUrl: () => undefined,
  };
}

export function localAutomationInfra(workflows: LocalWorkflows, bus: LocalEventBus, ids: Ids): AutomationInfra {
  // The bus keeps its rules in memory: what another process deployed is gone, so its digests never match this one's.
  const instance = randomUUID();
  return {
    async deploy({ automationId, definition, eventPattern, enabled }) {
      const version = await workflows.publish(automationId, definition);
      const rule = automationRuleName(automationId);
      if (eventPattern === null) {
        bus.deleteRule(rule);
      } else {
        bus.putRule({
          name: rule,
          pattern: eventPattern,
          enabled,
          // EventBridge names the execution itself; Enroll, keyed by the event id, drops a second delivery.
          // Locally the event names it, so a delivery replayed after a crash finds the execution it
          // started; the target settles once that execution is durable (docs/local-performance.md).
          target: (event) => workflows.deliver(automationId, executionNameOf(event, ids), event),
        });
      }
      return { stateMachine: automationId, version: String(version) };
    },
    fingerprint({ automationId, definition, eventPattern, enabled }) {
      return createHash('sha256').update(JSON.stringify({ instance, automationId, definition, eventPattern, enabled })).digest('hex');
    },
    async setEnabled(automationId, enabled) {
      const rule = automationRuleName(automationId);
      if (bus.rules().some((existing) => existing.name === rule)) bus.setRuleEnabled(rule, enabled);
    },
    async remove(automationId) {
      bus.deleteRule(automationRuleName(automationId));
    },
  };
}
