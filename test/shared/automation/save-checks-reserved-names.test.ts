// Save checks test a field's membership by own property: a name every object inherits (constructor, toString)
// is no record's field, and a custom field of a reserved name ("fields.constructor") is one no record can have.
import { describe, expect, it } from 'vitest';
import { saveIssues } from '#shared/automation/save-checks.ts';
import { aDefinition, demoPipelines } from './factories.ts';

const workspace = { pipelines: demoPipelines, users: ['admin', 'butler'] };
const dealCreated = { type: 'created', entity: 'deal' };
const issuesOf = (overrides: Record<string, unknown>) => saveIssues(aDefinition({ conditions: undefined, trigger: dealCreated, ...overrides }), workspace);

describe('updateFields naming an inherited member', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', 'valueOf'])('refuses set.%s as no field of a deal', (field) => {
    // Act
    const issues = issuesOf({ actions: [{ type: 'updateFields', set: { [field]: 'x' } }] });

    // Assess
    expect(issues).toEqual([{ path: `actions.0.set.${field}`, message: expect.stringContaining(`has no field "${field}"`) }]);
  });

  it.each(['fields.constructor', 'fields.__proto__', 'fields.toString'])('refuses set.%s as a reserved custom field name', (field) => {
    // Act
    const issues = issuesOf({ actions: [{ type: 'updateFields', set: { [field]: 'x' } }] });

    // Assess
    expect(issues).toEqual([{ path: `actions.0.set.${field}`, message: expect.stringContaining('reserved') }]);
  });

  it('still accepts a custom field whose name only contains one', () => {
    // Act
    const issues = issuesOf({ actions: [{ type: 'updateFields', set: { 'fields.constructor_name': 'x' } }] });

    // Assess
    expect(issues).toEqual([]);
  });
});

describe('reading a reserved custom field name', () => {
  it('refuses it in a condition', () => {
    // Prepare
    const conditions = { all: [{ field: 'fields.constructor', op: 'eq', value: 'x' }] };

    // Act
    const issues = issuesOf({ conditions, actions: [{ type: 'notify', to: 'responsible', message: 'hi' }] });

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual(['conditions.all.0.field']);
  });

  it('refuses it as the date a delay waits for', () => {
    // Act
    const issues = issuesOf({ delay: { until: { field: 'fields.__proto__' } }, actions: [{ type: 'notify', to: 'responsible', message: 'hi' }] });

    // Assess
    expect(issues.map((issue) => issue.path)).toEqual(['delay.until.field']);
  });
});
