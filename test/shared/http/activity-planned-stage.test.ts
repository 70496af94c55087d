// An activity on a deal names the stage it was planned in (auto-completion fires when the deal leaves it):
// that stage must be one of the deal's pipeline, as a deal's own stageId must, on create and on PATCH.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { activityBody, dealBody, errorPaths, must, pipelineBody } from '#test/support/http-factories.ts';

let t: TestApp;
let installation: string;

beforeAll(async () => {
  t = await createTestApp();
  const pipeline = await must(t, 'POST', '/pipelines', pipelineBody({ stages: [{ id: 'survey', name: 'Survey' }, { id: 'fitted', name: 'Fitted', kind: 'won' }] }));
  installation = pipeline.id;
});

/** The message of the issue at `path`. */
const messageAt = (reply: { body: any }, path: string): string =>
  String((reply.body?.error?.details ?? []).find((detail: { path: string }) => detail.path === path)?.message ?? '');

const onDeal = (id: string) => ({ entityType: 'deal' as const, entityId: id });

describe('POST /activities on a deal', () => {
  it('refuses a plannedInStageId its pipeline lacks, naming the stages', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());

    // Act
    const reply = await t.call('POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { autoComplete: true, plannedInStageId: 'nope' }));

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['plannedInStageId']);
    expect(messageAt(reply, 'plannedInStageId')).toContain('new, contract, won, lost');
  });

  it("refuses a stage of another pipeline than the deal's", async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());

    // Act
    const reply = await t.call('POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { plannedInStageId: 'survey' }));

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['plannedInStageId']);
  });

  it("accepts any stage of the deal's pipeline, not only its current one", async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody({ stageId: 'new' }));

    // Act
    const reply = await t.call('POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { autoComplete: true, plannedInStageId: 'contract' }));

    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body.plannedInStageId).toBe('contract');
  });
});

describe('PATCH /activities/{id}', () => {
  it("refuses a plannedInStageId the deal's pipeline lacks, and keeps the one it had", async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());
    const activity = await must(t, 'POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { autoComplete: true }));

    // Act
    const reply = await t.call('PATCH', `/activities/${activity.id}`, { plannedInStageId: 'nope' });

    // Assess
    const read = await must(t, 'GET', `/activities/${activity.id}`);
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['plannedInStageId']);
    expect(read.plannedInStageId).toBe('new');
  });

  it('refuses a move to a deal whose pipeline lacks the planned stage', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());
    const elsewhere = await must(t, 'POST', '/deals', dealBody({ pipelineId: installation, stageId: 'survey' }));
    const activity = await must(t, 'POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { autoComplete: true }));

    // Act
    const reply = await t.call('PATCH', `/activities/${activity.id}`, { entityId: elsewhere.id });

    // Assess
    expect(reply.status).toBe(400);
    expect(errorPaths(reply)).toEqual(['plannedInStageId']);
  });

  it('accepts a move to another deal together with a stage of its pipeline', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());
    const elsewhere = await must(t, 'POST', '/deals', dealBody({ pipelineId: installation, stageId: 'survey' }));
    const activity = await must(t, 'POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { autoComplete: true }));

    // Act
    const reply = await t.call('PATCH', `/activities/${activity.id}`, { entityId: elsewhere.id, plannedInStageId: 'survey' });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ entityId: elsewhere.id, plannedInStageId: 'survey' });
  });

  it('leaves an activity whose deal changed pipeline free to be edited otherwise', async () => {
    // Prepare
    const deal = await must(t, 'POST', '/deals', dealBody());
    const activity = await must(t, 'POST', '/activities', activityBody(onDeal(deal.id), t.admin.id, { autoComplete: true }));
    await must(t, 'PATCH', `/deals/${deal.id}`, { pipelineId: installation, stageId: 'survey' });

    // Act
    const reply = await t.call('PATCH', `/activities/${activity.id}`, { subject: 'Call again' });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.subject).toBe('Call again');
  });
});
