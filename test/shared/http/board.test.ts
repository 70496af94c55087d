// GET /pipelines/{id}/board (docs/ARCHITECTURE.md §8): a pipeline's board in one call — the pipeline, each
// stage's first page of deals under the board's filters, and the names of the contacts shown — against DynamoDB Local.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { contactBody, dealBody, errorPaths, must, pipelineBody } from '#test/support/http-factories.ts';

let t: TestApp;
const ids = (items: Array<{ id: string }>) => items.map((item) => item.id);

beforeAll(async () => {
  t = await createTestApp();
});

describe('GET /pipelines/{id}/board', () => {
  it('answers the pipeline and a first page per stage, newest first, with a cursor where more follow', async () => {
    // Prepare
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    const older = await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'new' }));
    const newer = await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'new' }));
    const newest = await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'new' }));
    const won = await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'won' }));

    // Act
    const board = await t.call('GET', `/pipelines/${pipeline.id}/board?limit=2`);

    // Assess
    expect(board.status).toBe(200);
    expect(board.body.pipeline).toMatchObject({ id: pipeline.id, stages: pipeline.stages });
    expect(ids(board.body.columns.new.items)).toEqual([newest.id, newer.id]);
    expect(ids(board.body.columns.won.items)).toEqual([won.id]);
    expect(board.body.columns.won.cursor).toBeUndefined();
    expect(board.body.columns.offer).toEqual({ items: [] });
    const rest = await t.call('GET', `/deals?pipelineId=${pipeline.id}&stageId=new&cursor=${encodeURIComponent(board.body.columns.new.cursor)}`);
    expect(ids(rest.body.items)).toEqual([older.id]);
  });

  it('names the contacts of the deals shown', async () => {
    // Prepare
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    const contact = await must(t, 'POST', '/contacts', contactBody({ name: 'Ada Lovelace' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, contactId: contact.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id }));

    // Act
    const board = await t.call('GET', `/pipelines/${pipeline.id}/board`);

    // Assess
    expect(board.body.contacts).toEqual({ [contact.id]: { name: 'Ada Lovelace' } });
  });

  it('does not name a contact deleted since, though its deals still link to it', async () => {
    // Prepare
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    const kept = await must(t, 'POST', '/contacts', contactBody({ name: 'Grace Hopper' }));
    const gone = await must(t, 'POST', '/contacts', contactBody({ name: 'Tom Baker' }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, contactId: kept.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, contactId: gone.id }));
    await must(t, 'DELETE', `/contacts/${gone.id}`);

    // Act
    const board = await t.call('GET', `/pipelines/${pipeline.id}/board`);

    // Assess
    expect(board.body.contacts).toEqual({ [kept.id]: { name: 'Grace Hopper' } });
  });

  it('filters every column like GET /deals, by text and responsible person', async () => {
    // Prepare
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    const match = await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'offer', title: 'Attic insulation', responsibleId: t.member.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'offer', title: 'Attic insulation', responsibleId: t.admin.id }));
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'new', title: 'Cellar', responsibleId: t.member.id }));

    // Act
    const board = await t.call('GET', `/pipelines/${pipeline.id}/board?q=ATTIC&responsibleId=${t.member.id}`);

    // Assess
    expect(ids(board.body.columns.offer.items)).toEqual([match.id]);
    expect(board.body.columns.new.items).toEqual([]);
  });

  it('answers 404 for a pipeline that does not exist and 400 naming a bad filter', async () => {
    // Act
    const missing = await t.call('GET', '/pipelines/nope/board');
    const bad = await t.call('GET', `/pipelines/sales/board?limit=0&colour=red`);

    // Assess
    expect(missing.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(errorPaths(bad)).toEqual(expect.arrayContaining(['query.limit']));
  });
});
