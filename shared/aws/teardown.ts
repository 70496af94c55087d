// What `cdk destroy` needs before it can delete the CRM bus: every rule and state machine the
// provisioner created at run time under the name prefix, deleted. Runs as the custom resource
// Custom::StagecraftAutomationsTeardown (functions/teardown-automations) on stack deletion.
import {
  DeleteRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException as RuleNotFound,
} from '@aws-sdk/client-eventbridge';
import { DeleteStateMachineCommand, ListStateMachinesCommand, type SFNClient, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';

export interface TeardownTarget {
  /** The CRM bus the automation rules are on. */
  eventBusName: string;
  /** `stagecraft-<stage>-auto-`: only names that start with it are touched. */
  namePrefix: string;
}

export interface TeardownResult {
  rules: string[];
  stateMachines: string[];
}

/** RemoveTargets takes at most this many ids at once. */
const TARGETS_PER_CALL = 100;

/** Deletes the rules first (so no new run starts), then the state machines. What is gone already is fine. */
export async function tearDownAutomations(sfn: SFNClient, events: EventBridgeClient, target: TeardownTarget): Promise<TeardownResult> {
  const rules = await deleteRules(events, target);
  const stateMachines = await deleteStateMachines(sfn, target.namePrefix);
  return { rules, stateMachines };
}

async function deleteRules(events: EventBridgeClient, { eventBusName, namePrefix }: TeardownTarget): Promise<string[]> {
  // Collect every page first: deleting while paging would shift the pages under the token.
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ EventBusName: eventBusName, NamePrefix: namePrefix, NextToken: nextToken }));
    for (const rule of page.Rules ?? []) if (rule.Name?.startsWith(namePrefix)) names.push(rule.Name);
    nextToken = page.NextToken;
  } while (nextToken);

  for (const name of names) {
    try {
      const ids = await targetIdsOf(events, eventBusName, name);
      for (let start = 0; start < ids.length; start += TARGETS_PER_CALL) {
        await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: eventBusName, Ids: ids.slice(start, start + TARGETS_PER_CALL) }));
      }
      await events.send(new DeleteRuleCommand({ Name: name, EventBusName: eventBusName }));
    } catch (error) {
      if (!(error instanceof RuleNotFound)) throw error;
    }
  }
  return names;
}

async function targetIdsOf(events: EventBridgeClient, eventBusName: string, rule: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await events.send(new ListTargetsByRuleCommand({ Rule: rule, EventBusName: eventBusName, NextToken: nextToken }));
    for (const target of page.Targets ?? []) if (target.Id) ids.push(target.Id);
    nextToken = page.NextToken;
  } while (nextToken);
  return ids;
}

async function deleteStateMachines(sfn: SFNClient, namePrefix: string): Promise<string[]> {
  // ListStateMachines has no name filter: every state machine of the account and region is
  // listed, and only those of the prefix are kept.
  const arns: string[] = [];
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken, maxResults: 1000 }));
    for (const machine of page.stateMachines ?? []) {
      if (machine.name?.startsWith(namePrefix) && machine.stateMachineArn) {
        arns.push(machine.stateMachineArn);
        names.push(machine.name);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);

  for (const stateMachineArn of arns) {
    try {
      // Its published versions go with it.
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
    } catch (error) {
      if (!(error instanceof StateMachineDoesNotExist)) throw error;
    }
  }
  return names;
}

/** The part of a CloudFormation custom resource request Stagecraft's custom resources read (teardown, reconcile). */
export interface CustomResourceRequest {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceProperties: { ServiceToken?: string; EventBusName?: string; NamePrefix?: string; [property: string]: string | undefined };
}

export interface CustomResourceResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason?: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

export interface TeardownResourceDeps {
  tearDown: (target: TeardownTarget) => Promise<TeardownResult>;
  /** Sends the response to CloudFormation's pre-signed URL (an HTTP PUT). */
  respond: (url: string, response: CustomResourceResponse) => Promise<void>;
  logger?: { info: (message: string, extra?: Record<string, unknown>) => void; error: (message: string, extra?: Record<string, unknown>) => void };
}

/**
 * The custom resource: Create and Update only answer (nothing exists yet, or the automations
 * stay); Delete tears down. CloudFormation always gets an answer — a custom resource that never
 * answers holds the stack for an hour — and a failed teardown answers FAILED, so the stack stops
 * in DELETE_FAILED with the reason rather than failing later on a bus that still has rules.
 */
export function createTeardownResource({ tearDown, respond, logger }: TeardownResourceDeps) {
  /** `timeLeftMs`: the invocation's remaining time; the answer is sent (FAILED) before it runs out. */
  return async function onRequest(request: CustomResourceRequest, timeLeftMs?: number): Promise<CustomResourceResponse> {
    const { EventBusName: eventBusName, NamePrefix: namePrefix } = request.ResourceProperties;
    const base = {
      PhysicalResourceId: request.PhysicalResourceId ?? `automations-teardown:${eventBusName ?? ''}:${namePrefix ?? ''}`,
      StackId: request.StackId,
      RequestId: request.RequestId,
      LogicalResourceId: request.LogicalResourceId,
    };
    let response: CustomResourceResponse;
    try {
      if (!eventBusName || !namePrefix) throw new Error('EventBusName and NamePrefix are required properties');
      if (request.RequestType === 'Delete') {
        const removed = await withDeadline(tearDown({ eventBusName, namePrefix }), timeLeftMs === undefined ? undefined : timeLeftMs - ANSWER_MARGIN_MS);
        logger?.info('automations torn down', { ...removed });
        response = { ...base, Status: 'SUCCESS', Data: { Rules: String(removed.rules.length), StateMachines: String(removed.stateMachines.length) } };
      } else {
        response = { ...base, Status: 'SUCCESS' };
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger?.error('automations teardown failed', { reason });
      response = { ...base, Status: 'FAILED', Reason: reason.slice(0, 1000) };
    }
    await respond(request.ResponseURL, response);
    return response;
  };
}

/** Time kept to answer CloudFormation after the teardown gave up. */
const ANSWER_MARGIN_MS = 15_000;

async function withDeadline<T>(work: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the teardown ran out of time: delete the stack again to continue it')), Math.max(ms, 0));
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** PUTs the response to the pre-signed S3 URL CloudFormation gave (no content type: it is not signed). */
export async function respondWithFetch(url: string, response: CustomResourceResponse): Promise<void> {
  const body = JSON.stringify(response);
  const answer = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!answer.ok) throw new Error(`CloudFormation response refused: ${answer.status} ${await answer.text()}`);
}
