// The first system rule, end to end in local mode: activities planned through the HTTP API,
// a deal moved through it, and the Butler completing what was planned in the stage it left.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { LocalEvents } from '#infra/local/events.ts';
import { COMPLETE_ACTIVITIES_RULE, type CrmEvent, createCompleteActivities } from '#shared/crm/complete-activities.ts';
import type { TestApp } from '#test/support/app.ts';
import { systemRuleUnderTest } from '#test/support/system-rule.ts';
import { silentLogger } from '#test/support/table.ts';

const eventually = { timeout: 15_000, interval: 20 };
const rule = systemRuleUnderTest('activities', (t) => {
  const completeActivities = createCompleteActivities({ store: t.app.store, logger: silentLogger });
  return { completeActivities: (event) => completeActivities(event) };
});
let testApp: TestApp;
let events: LocalEvents;
beforeAll(() => {
  ({ t: testApp, events } = rule);
});

async function aDeal(stageId = 'new'): Promise<string> {
  const deal = await testApp.call('POST', '/deals', { title: 'Solar roof', pipelineId: 'sales', stageId });
  return deal.body.id;
}

async function anActivity(dealId: string, fields: Record<string, unknown> = {}): Promise<string> {
  const activity = await testApp.call('POST', '/activities', {
    subject: 'Send the offer',
    activityType: 'task',
    dueAt: '2026-01-20T10:00:00.000Z',
    responsibleId: testApp.admin.id,
    entityType: 'deal',
    entityId: dealId,
    autoComplete: true,
    ...fields,
  });
  expect(activity.status).toBe(201);
  return activity.body.id;
}

/** Moves the deal and waits until the rule has handled that move (or given up on it). */
async function move(dealId: string, stageId: string): Promise<CrmEvent> {
  // A move comes after what was planned; the test clock stands still unless told.
  testApp.clock.advance(1000);
  const moved = await testApp.call('PATCH', `/deals/${dealId}`, { stageId });
  expect(moved.status).toBe(200);
  let handled: CrmEvent | undefined;
  await vi.waitFor(() => {
    const record = events.bus
      .recent(1000)
      .find((item) => item.event['detail-type'] === 'Deal Stage Changed' && item.event.detail.entityId === dealId && (item.event.detail.after as { stageId?: string })?.stageId === stageId);
    expect(record?.deliveries).toEqual([expect.objectContaining({ rule: COMPLETE_ACTIVITIES_RULE, status: 'delivered' })]);
    handled = record?.event as unknown as CrmEvent;
  }, eventually);
  return handled!;
}

const statusOf = async (activityId: string) => (await testApp.call('GET', `/activities/${activityId}`)).body.status;

describe('a deal leaving a stage', () => {
  it('completes its open auto-complete activities planned in that stage, as the Butler', async () => {
    const dealId = await aDeal();
    const activityId = await anActivity(dealId);

    await move(dealId, 'contract');

    const activity = await testApp.call('GET', `/activities/${activityId}`);
    expect(activity.body).toMatchObject({ status: 'completed', updatedBy: 'butler', plannedInStageId: 'new' });
  });

  it('leaves activities without autoComplete open', async () => {
    const dealId = await aDeal();
    const activityId = await anActivity(dealId, { autoComplete: false });

    await move(dealId, 'contract');

    expect(await statusOf(activityId)).toBe('open');
  });

  it('leaves activities planned in another stage open', async () => {
    const dealId = await aDeal();
    const activityId = await anActivity(dealId, { plannedInStageId: 'won' });

    await move(dealId, 'contract');

    expect(await statusOf(activityId)).toBe('open');
  });

  it('leaves the activities of other deals open', async () => {
    const dealId = await aDeal();
    const otherActivity = await anActivity(await aDeal());

    await move(dealId, 'contract');

    expect(await statusOf(otherActivity)).toBe('open');
  });

  it('writes with the rule as the Butler’s via and the cause one hop deeper than the move', async () => {
    const dealId = await aDeal();
    const activityId = await anActivity(dealId);

    const stageChanged = await move(dealId, 'contract');

    await vi.waitFor(() => {
      const completion = events.bus
        .recent(1000)
        .find((item) => item.event['detail-type'] === 'Activity Updated' && item.event.detail.entityId === activityId);
      expect(completion?.event.detail).toMatchObject({
        actor: { kind: 'butler', id: 'butler', via: { system: COMPLETE_ACTIVITIES_RULE, eventId: stageChanged.detail.eventId } },
        cause: { automationId: COMPLETE_ACTIVITIES_RULE, depth: 1 },
        changedFields: ['status'],
      });
    }, eventually);
  });
});

describe('replays', () => {
  it('completes nothing again when the same Deal Stage Changed arrives twice', async () => {
    const dealId = await aDeal();
    const activityId = await anActivity(dealId);
    const stageChanged = await move(dealId, 'contract');
    const completeActivities = createCompleteActivities({ store: testApp.app.store, logger: silentLogger });

    const replay = await completeActivities(stageChanged);

    expect(replay).toEqual({ completed: [] });
    const history = await testApp.call('GET', `/activities/${activityId}/history`);
    expect(history.body.items.map((entry: { action: string }) => entry.action)).toEqual(['updated', 'created']);
  });

  it('leaves an activity planned after the deal came back to the stage open when the old move is replayed', async () => {
    const dealId = await aDeal();
    const stageChanged = await move(dealId, 'contract');
    await move(dealId, 'new');
    testApp.clock.advance(60_000);
    const plannedLater = await anActivity(dealId);
    const completeActivities = createCompleteActivities({ store: testApp.app.store, logger: silentLogger });

    await completeActivities(stageChanged);

    expect(await statusOf(plannedLater)).toBe('open');
  });
});
