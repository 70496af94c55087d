// Listing filters of docs/ARCHITECTURE.md §8: deals by pipeline and stage (a board), activities
// by the record they hang on and by status.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { activityBody, dealBody, listAll, must, type Owner, pipelineBody } from '#test/support/http-factories.ts';

let t: TestApp;
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

beforeAll(async () => {
  t = await createTestApp();
});

/** A pipeline of its own, so a filter test sees only its deals. */
async function freshPipeline(): Promise<string> {
  const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
  return pipeline.id;
}

describe('GET /deals?pipelineId', () => {
  it('lists only the deals of that pipeline, newest first', async () => {
    const pipelineId = await freshPipeline();
    const first = await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new' }));
    const second = await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'offer' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: 'sales', stageId: 'new' }));

    const page = await t.call('GET', `/deals?pipelineId=${pipelineId}`);

    expect(page.status).toBe(200);
    expect(ids(page.body.items)).toEqual([second.id, first.id]);
  });

  it('with stageId lists one board column', async () => {
    const pipelineId = await freshPipeline();
    const inNew = await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'offer' }));

    const column = await t.call('GET', `/deals?pipelineId=${pipelineId}&stageId=new`);

    expect(ids(column.body.items)).toEqual([inNew.id]);
  });

  it('pages a board column with limit and cursor', async () => {
    const pipelineId = await freshPipeline();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new' })));

    const all = await listAll(t, `/deals?pipelineId=${pipelineId}&stageId=new&limit=2`);

    expect(ids(all)).toEqual(ids(made).reverse());
  });

  it('follows a stage move: the deal leaves one column and joins the other', async () => {
    const pipelineId = await freshPipeline();
    const deal = await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new' }));

    await must(t, 'PATCH', `/deals/${deal.id}`, { stageId: 'offer' });
    const left = await t.call('GET', `/deals?pipelineId=${pipelineId}&stageId=new`);
    const joined = await t.call('GET', `/deals?pipelineId=${pipelineId}&stageId=offer`);

    expect(ids(left.body.items)).toEqual([]);
    expect(ids(joined.body.items)).toEqual([deal.id]);
  });

  it('drops a deleted deal from its column', async () => {
    const pipelineId = await freshPipeline();
    const deal = await must(t, 'POST', '/deals', dealBody({ pipelineId, stageId: 'new' }));
    await must(t, 'DELETE', `/deals/${deal.id}`);

    const column = await t.call('GET', `/deals?pipelineId=${pipelineId}&stageId=new`);

    expect(column.body.items).toEqual([]);
  });

  it('refuses stageId without pipelineId, naming the query parameter', async () => {
    const result = await t.call('GET', '/deals?stageId=new');

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'query.stageId' })]);
  });
});

describe('a stage move', () => {
  it('is a PATCH {stageId} recorded as stageChanged with from and to', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const moved = await t.call('PATCH', `/deals/${deal.id}`, { stageId: 'contract' });
    const history = await t.call('GET', `/deals/${deal.id}/history?limit=1`);

    expect(moved.status).toBe(200);
    expect(history.body.items[0]).toMatchObject({ action: 'stageChanged', changes: { stageId: { from: 'new', to: 'contract' } } });
  });

  it('refuses a stage that its pipeline does not have', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody());

    const moved = await t.call('PATCH', `/deals/${deal.id}`, { stageId: 'nowhere' });

    expect(moved.status).toBe(400);
    expect(moved.body.error.details).toEqual([expect.objectContaining({ path: 'stageId' })]);
  });

  it('refuses a pipeline that does not exist', async () => {
    const result = await t.call('POST', '/deals', dealBody({ pipelineId: 'no-such-pipeline' }));

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'pipelineId' })]);
  });
});

describe('GET /activities filters', () => {
  async function dealWithActivities() {
    const deal = await must(t, 'POST', '/deals', dealBody());
    const owner: Owner = { entityType: 'deal', entityId: deal.id };
    const open = await must(t, 'POST', '/activities', activityBody(owner, t.admin.id));
    const done = await must(t, 'POST', '/activities', activityBody(owner, t.admin.id, { status: 'completed' }));
    return { deal, owner, open, done };
  }

  it('entityType and entityId list the activities of that record only', async () => {
    const { owner, open, done } = await dealWithActivities();
    const other = await must(t, 'POST', '/deals', dealBody());
    await must(t, 'POST', '/activities', activityBody({ entityType: 'deal', entityId: other.id }, t.admin.id));

    const page = await t.call('GET', `/activities?entityType=${owner.entityType}&entityId=${owner.entityId}`);

    expect(page.status).toBe(200);
    expect(ids(page.body.items).sort()).toEqual([open.id, done.id].sort());
  });

  it('leaves the documents of the same record out', async () => {
    const { owner, open, done } = await dealWithActivities();
    await must(t, 'POST', '/documents', { title: 'Offer', ...owner });

    const page = await t.call('GET', `/activities?entityType=${owner.entityType}&entityId=${owner.entityId}`);

    expect(ids(page.body.items).sort()).toEqual([open.id, done.id].sort());
  });

  it('status=open with the record lists its open activities only', async () => {
    const { owner, open } = await dealWithActivities();

    const page = await t.call('GET', `/activities?entityType=${owner.entityType}&entityId=${owner.entityId}&status=open`);

    expect(ids(page.body.items)).toEqual([open.id]);
  });

  it('status=completed with the record lists its completed activities only', async () => {
    const { owner, done } = await dealWithActivities();

    const page = await t.call('GET', `/activities?entityType=${owner.entityType}&entityId=${owner.entityId}&status=completed`);

    expect(ids(page.body.items)).toEqual([done.id]);
  });

  it('status alone lists activities of every record in that status', async () => {
    const { open, done } = await dealWithActivities();

    const all = await listAll(t, '/activities?status=completed&limit=100');

    expect(all.every((activity: { status: string }) => activity.status === 'completed')).toBe(true);
    expect(ids(all)).toContain(done.id);
    expect(ids(all)).not.toContain(open.id);
  });

  it('follow a status change: a completed activity leaves the open list', async () => {
    const { owner, open } = await dealWithActivities();

    await must(t, 'PATCH', `/activities/${open.id}`, { status: 'completed' });
    const page = await t.call('GET', `/activities?entityType=${owner.entityType}&entityId=${owner.entityId}&status=open`);

    expect(page.body.items).toEqual([]);
  });

  it('refuses entityType without entityId', async () => {
    const result = await t.call('GET', '/activities?entityType=deal');

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'query.entityId' })]);
  });

  it('refuses an unknown status, naming it', async () => {
    const result = await t.call('GET', '/activities?status=someday');

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'query.status' })]);
  });

  it('refuses an entityType that cannot own activities', async () => {
    const result = await t.call('GET', '/activities?entityType=user&entityId=x');

    expect(result.status).toBe(400);
    expect(result.body.error.details).toEqual([expect.objectContaining({ path: 'query.entityType' })]);
  });

  it('an activity planned on a deal remembers the stage it was planned in', async () => {
    const deal = await must(t, 'POST', '/deals', dealBody({ stageId: 'contract' }));

    const activity = await t.call('POST', '/activities', activityBody({ entityType: 'deal', entityId: deal.id }, t.admin.id));

    expect(activity.body.plannedInStageId).toBe('contract');
  });
});
