// A run whose record was deleted while it waited ends SKIPPED, saying so, whatever its onLeave: Check conditions
// re-reads the record of every run that waited (an action would otherwise fail on the missing record, for good).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckConditionsPayload } from '#shared/automation/run-steps.ts';
import type { Entity } from '#shared/domain/entities.ts';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import { createRunAction } from '#shared/engine/run-action.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { runActionOf } from '#test/support/run-action.ts';
import { dealBody, must, unique } from '#test/support/http-factories.ts';

let t: TestApp;
let handleTask: ReturnType<typeof createRunAction>;

beforeAll(async () => {
  t = await createTestApp();
  handleTask = runActionOf(t);
});

const trigger = { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'contract' } as const;

/** Check conditions after the wait of a run that a deal entering `contract` started. */
async function aWaitedCheck(onLeave: 'cancel' | 'continue'): Promise<{ deal: Entity; check: CheckConditionsPayload }> {
  const automation = await must(t, 'POST', '/automations', {
    name: `Follow-up ${unique()}`,
    trigger,
    onLeave,
    delay: { after: 'P1M' },
    actions: [{ type: 'updateFields', set: { 'fields.followed': 'yes' } }],
  });
  const deal = await must<Entity>(t, 'POST', '/deals', dealBody({ stageId: 'contract' }));
  const runId = `run-deleted-${unique()}`;
  const check: CheckConditionsPayload = {
    task: 'checkConditions',
    automationId: automation.id,
    runId,
    executionId: `local:${automation.id}:${runId}`,
    entityType: 'deal',
    entityId: deal.id,
    event: { eventId: runId, entityType: 'deal', entityId: deal.id, occurredAt: deal.createdAt, after: deal } as unknown as CrmEventDetail,
    trigger: trigger as never,
    conditions: null,
    recheck: false,
    onLeave,
    finishPending: false,
    waited: true,
    startedAt: deal.createdAt as string,
  };
  return { deal, check };
}

describe('a run whose deal was deleted while it waited', () => {
  it.each(['continue', 'cancel'] as const)('is skipped with onLeave %s, saying the deal no longer exists', async (onLeave) => {
    // Prepare
    const { deal, check } = await aWaitedCheck(onLeave);
    await must(t, 'DELETE', `/deals/${deal.id}`);

    // Act
    const checked = handleTask(check);

    // Assess
    await expect(checked).rejects.toMatchObject({ name: expect.stringMatching(/ConditionsNotMet/), message: 'the deal no longer exists' });
  });

  it('goes on with onLeave continue while the deal exists, though it left the stage', async () => {
    // Prepare
    const { deal, check } = await aWaitedCheck('continue');
    await must(t, 'PATCH', `/deals/${deal.id}`, { stageId: 'won' });

    // Act
    const answer = (await handleTask(check)) as { proceed: boolean };

    // Assess
    expect(answer.proceed).toBe(true);
  });
});
