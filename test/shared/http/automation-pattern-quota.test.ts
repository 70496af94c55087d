// Saving an automation and EventBridge's 2,048-character pattern quota: what the schema accepts always fits
// (a trigger that did not would be refused at save with 400, see compiled-outcomes.test.ts), and conditions
// that do not fit are left to the run rather than refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PATTERN_LENGTH, compileEventPattern } from '#shared/automation/compile-pattern.ts';
import { aDefinition, aDefinitionInput } from '#test/shared/automation/factories.ts';
import { type TestApp, createTestApp } from '#test/support/app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

describe('saving an automation', () => {
  it('keeps the longest trigger the schema allows within EventBridge’s 2,048 characters, so a valid one is never refused', () => {
    // Prepare: 20 changed fields of 64 characters, the most the schema accepts.
    const fields = Array.from({ length: 20 }, (_, index) => `f${String(index).padStart(2, '0')}`.padEnd(64, 'x'));
    const automation = { id: '01JZZZZZZZZZZZZZZZZZZZZZZZ', definition: aDefinition({ trigger: { type: 'updated', entity: 'deal', fields }, conditions: undefined }) };

    // Act
    const pattern = compileEventPattern(automation);

    // Assess
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(DEFAULT_MAX_PATTERN_LENGTH);
  });

  it('saves one whose conditions do not fit: they are checked in the run', async () => {
    // Prepare
    const titles = Array.from({ length: 80 }, (_, index) => `a long enough title number ${index}`);
    const body = aDefinitionInput({ conditions: { all: [{ field: 'title', op: 'in', value: titles }] } });

    // Act
    const reply = await t.call('POST', '/automations', body);

    // Assess
    expect(reply.status).toBe(201);
  });
});
