// What a 400 says of a missing or mistyped field: plain words, not the validator's type names.
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '#test/support/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('a field the caller left out or sent as the wrong kind', () => {
  it('is "required" when missing, and names the kind expected when mistyped', async () => {
    // Act
    const missing = await t.call('POST', '/deals', { pipelineId: 'sales', stageId: 'new' });
    const mistyped = await t.call('POST', '/deals', { title: 7, pipelineId: 'sales', stageId: 'new', amount: 'lots' });

    // Assess
    expect(missing.body.error.details).toEqual([{ path: 'title', message: 'required' }]);
    expect(mistyped.body.error.details).toEqual([
      { path: 'title', message: 'must be text' },
      { path: 'amount', message: 'must be a number' },
    ]);
  });
});
