// /pipelines (docs/ARCHITECTURE.md §8): ordered stages {id, name, kind}; admins shape them; a stage
// that still holds deals cannot be removed.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { dealBody, errorPaths, listAll, must, pipelineBody } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('GET /pipelines', () => {
  it('lists the pipelines of the workspace', async () => {
    const created = await must(t, 'POST', '/pipelines', pipelineBody());

    const all = await listAll(t, '/pipelines');

    expect(all.map((pipeline: { id: string }) => pipeline.id)).toEqual(expect.arrayContaining(['sales', created.id]));
  });

  it('is open to members', async () => {
    const result = await t.call('GET', '/pipelines', undefined, { token: t.memberToken });

    expect(result.status).toBe(200);
  });
});

describe('POST /pipelines', () => {
  it('creates a pipeline with its ordered stages, open by default', async () => {
    const sent = pipelineBody();

    const created = await t.call('POST', '/pipelines', sent);

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: sent.id, name: sent.name, version: 1, createdBy: t.admin.id });
    expect(created.body.stages).toEqual([
      { id: 'new', name: 'New', kind: 'open' },
      { id: 'offer', name: 'Offer', kind: 'open' },
      { id: 'won', name: 'Won', kind: 'won' },
    ]);
  });

  it('gives a pipeline without an id a generated one', async () => {
    const { id: _id, ...sent } = pipelineBody();

    const created = await t.call('POST', '/pipelines', sent);

    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(String));
  });

  it('is refused to members with 403', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody(), { token: t.memberToken });

    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe('FORBIDDEN');
  });

  it('is refused to integrations with 403', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody(), { apiKey: t.integrationKey });

    expect(result.status).toBe(403);
  });

  it('answers 409 for an id that is taken', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody({ id: 'sales' }));

    expect(result.status).toBe(409);
    expect(result.body.error.code).toEqual(expect.any(String));
  });

  it('refuses a stage id used twice, naming the second one', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody({ stages: [{ id: 'a', name: 'A' }, { id: 'a', name: 'Again' }] }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['stages.1.id']);
  });

  it('refuses a pipeline without stages', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody({ stages: [] }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['stages']);
  });

  it('refuses an unknown stage kind, naming it', async () => {
    const result = await t.call('POST', '/pipelines', pipelineBody({ stages: [{ id: 'a', name: 'A', kind: 'maybe' }] }));

    expect(result.status).toBe(400);
    expect(errorPaths(result)).toEqual(['stages.0.kind']);
  });
});

describe('GET /pipelines/{id}', () => {
  it('reads a pipeline', async () => {
    const result = await t.call('GET', '/pipelines/sales');

    expect(result.status).toBe(200);
    expect(result.body.stages.map((stage: { id: string }) => stage.id)).toEqual(['new', 'contract', 'won', 'lost']);
  });

  it('answers 404 for an unknown pipeline', async () => {
    const result = await t.call('GET', '/pipelines/nowhere');

    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('NOT_FOUND');
  });
});

describe('PATCH /pipelines/{id}', () => {
  it('renames a pipeline and raises its version', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());

    const renamed = await t.call('PATCH', `/pipelines/${pipeline.id}`, { name: 'Renamed' });

    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', version: 2, stages: pipeline.stages });
  });

  it('reorders and adds stages', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    const stages = [
      { id: 'offer', name: 'Offer', kind: 'open' },
      { id: 'new', name: 'New', kind: 'open' },
      { id: 'won', name: 'Won', kind: 'won' },
      { id: 'lost', name: 'Lost', kind: 'lost' },
    ];

    const changed = await t.call('PATCH', `/pipelines/${pipeline.id}`, { stages });

    expect(changed.status).toBe(200);
    expect(changed.body.stages).toEqual(stages);
  });

  it('removes a stage that holds no deals', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());

    const changed = await t.call('PATCH', `/pipelines/${pipeline.id}`, { stages: [{ id: 'new', name: 'New' }] });

    expect(changed.status).toBe(200);
    expect(changed.body.stages.map((stage: { id: string }) => stage.id)).toEqual(['new']);
  });

  it('refuses to remove a stage that holds deals with 409 STAGE_IN_USE', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'offer' }));

    const changed = await t.call('PATCH', `/pipelines/${pipeline.id}`, { stages: [{ id: 'new', name: 'New' }] });

    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ code: 'STAGE_IN_USE', details: [{ stageId: 'offer' }] });
  });

  it('keeps the pipeline unchanged after STAGE_IN_USE', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'offer' }));
    await t.call('PATCH', `/pipelines/${pipeline.id}`, { stages: [{ id: 'new', name: 'New' }] });

    const read = await t.call('GET', `/pipelines/${pipeline.id}`);

    expect(read.body).toEqual(pipeline);
  });

  it('lets a stage go once its deals were deleted', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    const deal = await must(t, 'POST', '/deals', dealBody({ pipelineId: pipeline.id, stageId: 'offer' }));
    await must(t, 'DELETE', `/deals/${deal.id}`);

    const changed = await t.call('PATCH', `/pipelines/${pipeline.id}`, { stages: [{ id: 'new', name: 'New' }] });

    expect(changed.status).toBe(200);
  });

  it('is refused to members with 403', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());

    const result = await t.call('PATCH', `/pipelines/${pipeline.id}`, { name: 'Mine' }, { token: t.memberToken });

    expect(result.status).toBe(403);
  });

  it('answers 412 for a stale If-Match', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());
    await must(t, 'PATCH', `/pipelines/${pipeline.id}`, { name: 'Once' });

    const result = await t.call('PATCH', `/pipelines/${pipeline.id}`, { name: 'Twice' }, { headers: { 'if-match': '"1"' } });

    expect(result.status).toBe(412);
    expect(result.body.error.code).toBe('VERSION_MISMATCH');
  });

  it('answers 404 for an unknown pipeline', async () => {
    const result = await t.call('PATCH', '/pipelines/nowhere', { name: 'X' });

    expect(result.status).toBe(404);
  });

  it('refuses to change the id', async () => {
    const pipeline = await must(t, 'POST', '/pipelines', pipelineBody());

    const result = await t.call('PATCH', `/pipelines/${pipeline.id}`, { id: 'other' });

    expect(result.status).toBe(400);
  });
});
