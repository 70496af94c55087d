// Reconcile at deploy: the custom resource Custom::StagecraftAutomationsReconcile, answered by the provision
// function. First it gives records from before an index its keys (shared/store/index-upgrade.ts), then it
// recompiles the automations. Automations are compiled when they are saved; without this pass, an automation saved under an older
// release would keep the state machine and rule pattern that release compiled until someone saved it again.
// The resource's `Code` property is a fingerprint of the code that compiles automations (infra/constructs/
// automations/provisioning.ts), so CloudFormation sends Update — and every automation is compiled again — on each
// deployment that changes that code, and on the first one. Only what changed is deployed again: an automation whose
// provisioning record says ready for its version, with the digest of what it would deploy now (AutomationInfra
// `fingerprint`: compiled states, pattern, rule on or off, roles, queue, target settings), is counted unchanged.
//
// A deployment is never failed for an automation: one that does not compile or deploy says so on its own page
// (provisioning `error`, as after a save), the pass goes on with the others, and the answer's Data counts them.
import type { Logger } from '#shared/ports.ts';
import type { CustomResourceRequest, CustomResourceResponse } from './teardown.ts';

export interface ReconcileResult {
  reconciled: number;
  /** Deployed already as this release would deploy them: left alone. */
  unchanged: number;
  failed: Array<{ automationId: string; error: string }>;
  unfinished: boolean;
}

export interface ReconcileResourceDeps {
  /** Records from before an index get its keys first (shared/store/index-upgrade.ts): the automations read them. */
  upgradeIndexes: (options: { deadlineAt?: number }) => Promise<{ done: boolean; written: number }>;
  reconcileEvery: (options: { deadlineAt?: number }) => Promise<ReconcileResult>;
  /** Sends the response to CloudFormation's pre-signed URL (an HTTP PUT). */
  respond: (url: string, response: CustomResourceResponse) => Promise<void>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  now?: () => number;
}

/**
 * Time kept to answer CloudFormation after the pass stopped at its deadline: the deadline is checked between
 * automations, and one automation's calls (with the SDK's retries under throttling) may take a while.
 */
const ANSWER_MARGIN_MS = 60_000;

export const isCustomResourceRequest = (event: unknown): event is CustomResourceRequest =>
  typeof event === 'object' && event !== null && 'RequestType' in event && 'ResponseURL' in event;

export function createReconcileResource({ upgradeIndexes, reconcileEvery, respond, logger, now = Date.now }: ReconcileResourceDeps) {
  /** `timeLeftMs`: the invocation's remaining time; the pass stops in time to answer. */
  return async function onRequest(request: CustomResourceRequest, timeLeftMs?: number): Promise<CustomResourceResponse> {
    const base = {
      PhysicalResourceId: request.PhysicalResourceId ?? `automations-reconcile:${request.ResourceProperties.NamePrefix ?? ''}`,
      StackId: request.StackId,
      RequestId: request.RequestId,
      LogicalResourceId: request.LogicalResourceId,
    };
    let response: CustomResourceResponse;
    if (request.RequestType === 'Delete') {
      response = { ...base, Status: 'SUCCESS' };
    } else {
      try {
        const deadline = timeLeftMs === undefined ? {} : { deadlineAt: now() + timeLeftMs - ANSWER_MARGIN_MS };
        const indexes = await upgradeIndexes(deadline);
        if (!indexes.done)
          logger.warn('the index upgrade ran out of time at deploy: it continues at the next deployment, or run `npm run reindex` now', { written: indexes.written });
        const result = await reconcileEvery(deadline);
        for (const failure of result.failed) logger.error('automation not reconciled at deploy', failure);
        if (result.unfinished) logger.warn('reconcile at deploy ran out of time: the automations not reached keep their compiled state until saved or the next deployment');
        logger.info('automations reconciled at deploy', {
          reconciled: result.reconciled,
          unchanged: result.unchanged,
          failed: result.failed.length,
          unfinished: result.unfinished,
        });
        response = {
          ...base,
          Status: 'SUCCESS',
          Data: {
            Reconciled: String(result.reconciled),
            Unchanged: String(result.unchanged),
            Failed: String(result.failed.length),
            Unfinished: String(result.unfinished),
            IndexesUpgraded: String(indexes.done),
          },
        };
      } catch (error) {
        // The automations could not even be listed (the table unreachable): the deployment goes on, and says so.
        const reason = error instanceof Error ? error.message : String(error);
        logger.error('reconcile at deploy failed', { reason });
        response = { ...base, Status: 'SUCCESS', Data: { Reconciled: '0', Unchanged: '0', Failed: '0', Unfinished: 'true', IndexesUpgraded: 'false' } };
      }
    }
    await respond(request.ResponseURL, response);
    return response;
  };
}
