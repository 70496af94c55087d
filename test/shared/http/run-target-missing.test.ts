// A dry run or a run by hand on a record that does not exist: the body named it, so it is a 400 at entityId.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';
import { must } from '#test/support/http-factories.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('a request naming a record that does not exist', () => {
  it.each([
    ['a dry run', 'test', { type: 'stageEntered', entity: 'deal', pipelineId: 'sales', stageId: 'won' }],
    ['a run by hand', 'runs', { type: 'manual', entity: 'deal' }],
  ])('%s answers 400 naming entityId', async (_name, path, trigger) => {
    // Prepare
    const automation = await must(t, 'POST', '/automations', { name: `Missing ${path}`, trigger, actions: [{ type: 'createLead', title: 'x' }] });

    // Act
    const reply = await t.call('POST', `/automations/${automation.id}/${path}`, { entityType: 'deal', entityId: '01NOSUCHDEAL0000000000000A' });

    // Assess
    expect(reply.status).toBe(400);
    expect(reply.body.error.details).toEqual([{ path: 'entityId', message: 'no deal with id 01NOSUCHDEAL0000000000000A' }]);
  });
});
