// The system rules (docs/ARCHITECTURE.md §5): the stack's own rules, each a pattern and the function of the
// runtime it delivers to. The CDK constructs make an EventBridge rule of each; local mode puts those of the
// CRM bus on the local bus with the same targets (createRuntime's members), so the two cannot drift apart.
// Kept free of use-case imports: the CDK app and every bundle may read it.
import type { EventPattern } from './pattern.ts';
import { CRM_SOURCE, MAX_TRIGGER_DEPTH, detailTypes } from './catalogue.ts';

/** The runtime function a system rule delivers to (a member of createRuntime's result). */
export type SystemTarget = 'provisioner' | 'completeActivities' | 'refreshDealSearch' | 'unlinkDeleted' | 'loopGuard' | 'trackRuns';

export interface SystemRule {
  /** The rule's name on the local bus, and the id the CDK construct gives it. */
  name: string;
  cdkId: string;
  description: string;
  /** `crm`: the stack's CRM bus; `default`: the account's default bus, where Step Functions reports. */
  bus: 'crm' | 'default';
  target: SystemTarget;
  pattern: EventPattern;
  /** How long one delivery may take: the AWS function that serves the rule has at least this, the local bus as much. @default 30 */
  timeoutSeconds?: number;
}

export const DEFAULT_RULE_TIMEOUT_SECONDS = 30;

/** `Automation Created|Updated|Deleted` → provision. */
export const provisionRule: SystemRule = {
  name: 'system-provision',
  cdkId: 'ProvisionRule',
  description: 'Automation Created|Updated|Deleted → provision',
  bus: 'crm',
  target: 'provisioner',
  pattern: {
    source: [CRM_SOURCE],
    'detail-type': (['Created', 'Updated', 'Deleted'] as const).map((verb) => detailTypes.lifecycle('automation', verb)),
  },
};

/** `Deal Stage Changed` → complete-activities (the activities tied to the stage the deal left). */
export const completeActivitiesRule: SystemRule = {
  name: 'system-complete-activities',
  cdkId: 'CompleteActivitiesRule',
  description: 'Deal Stage Changed → complete-activities',
  bus: 'crm',
  target: 'completeActivities',
  pattern: { source: [CRM_SOURCE], 'detail-type': [detailTypes.dealStageChanged] },
};

/**
 * `Contact Updated` with a new name → its deals' search text (shared/crm/deal-search.ts). On AWS the
 * complete-activities function handles it too (its handler tells the two rules' events apart).
 */
export const refreshDealSearchRule: SystemRule = {
  name: 'system-refresh-deal-search',
  cdkId: 'RefreshDealSearchRule',
  description: "Contact Updated with a new name → complete-activities (the contact's deals' search text)",
  bus: 'crm',
  target: 'refreshDealSearch',
  pattern: { source: [CRM_SOURCE], 'detail-type': [detailTypes.lifecycle('contact', 'Updated')], detail: { changedFields: ['name'] } },
};

/** The record types other records link to: deals to contacts and companies, contacts to companies, activities and documents to all four. */
export const linkedTypes = ['contact', 'company', 'lead', 'deal'] as const;

/**
 * `Contact|Company|Lead|Deal Deleted` → the records linking to it are unlinked, its open activities and its documents
 * deleted (shared/crm/unlink-deleted.ts). On AWS the complete-activities function handles it too. Any depth: a
 * dangling link is wrong whoever deleted its target.
 */
export const unlinkDeletedRule: SystemRule = {
  name: 'system-unlink-deleted',
  cdkId: 'UnlinkDeletedRule',
  description: 'Contact|Company|Lead|Deal Deleted → complete-activities (unlink the records linking to it)',
  bus: 'crm',
  target: 'unlinkDeleted',
  pattern: { source: [CRM_SOURCE], 'detail-type': linkedTypes.map((type) => detailTypes.lifecycle(type, 'Deleted')) },
  // A company's thousands of contacts and deals take a while; a timed-out attempt is retried and goes on where it
  // stopped (what it unlinked has left the indexes it reads).
  timeoutSeconds: 120,
};

/** Events no automation rule can match because of their depth → loop-guard (a LOOP_STOPPED run each). */
export const loopGuardRule: SystemRule = {
  name: 'system-loop-guard',
  cdkId: 'LoopGuardRule',
  description: 'CRM events deeper than any automation rule matches → loop-guard',
  bus: 'crm',
  target: 'loopGuard',
  pattern: { source: [CRM_SOURCE], detail: { cause: { depth: [{ numeric: ['>', MAX_TRIGGER_DEPTH] }] } } },
};

/**
 * The statuses of an execution that ended without its state machine closing the run: failures (a failed run
 * ends in its Fail state, after Record failure) and timeouts count as failed runs; aborts are cancellations.
 * Two rules with one target instead of one rule with three statuses: the first one's invocations count
 * exactly the failed runs, which the failed-runs alarm watches. Only on AWS: locally the runner reports
 * every execution change to track-runs itself.
 */
export function trackRunsRules(stateMachineArnPrefix: string): SystemRule[] {
  const statusChange = (status: string[]): EventPattern => ({
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { stateMachineArn: [{ prefix: stateMachineArnPrefix }], status },
  });
  return [
    {
      name: 'system-track-failed-runs',
      cdkId: 'TrackFailedRunsRule',
      description: 'Automation executions FAILED|TIMED_OUT → track-runs',
      bus: 'default',
      target: 'trackRuns',
      pattern: statusChange(['FAILED', 'TIMED_OUT']),
    },
    {
      name: 'system-track-cancelled-runs',
      cdkId: 'TrackCancelledRunsRule',
      description: 'Automation executions ABORTED → track-runs',
      bus: 'default',
      target: 'trackRuns',
      pattern: statusChange(['ABORTED']),
    },
  ];
}

/** The rules local mode puts on its bus. */
export const crmBusRules: SystemRule[] = [provisionRule, completeActivitiesRule, refreshDealSearchRule, unlinkDeletedRule, loopGuardRule];
