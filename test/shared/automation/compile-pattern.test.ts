// The EventBridge pattern of each trigger, the conditions a pattern can carry, and the loop guards.
import { describe, expect, it } from 'vitest';
import { compileEventPattern } from '#shared/automation/compile-pattern.ts';
import { matchesPattern, validatePattern } from '#shared/events/pattern.ts';
import { anAutomation, anEvent, anEventInput, triggerExamples } from './factories.ts';

const patternOf = (overrides: Record<string, unknown>, id = 'renewal-1') =>
  compileEventPattern(anAutomation({ conditions: undefined, ...overrides }, id)) as Record<string, any>;

const withConditions = (all: unknown[], trigger: unknown = triggerExamples.created) => patternOf({ trigger, conditions: { all } });

describe('the pattern of each trigger', () => {
  it('compiles the DESIGN example', () => {
    // Prepare
    const automation = anAutomation({ conditions: { all: [{ field: 'amount', op: 'gte', value: 1000 }] } });

    // Act
    const pattern = compileEventPattern(automation);

    // Assess
    expect(pattern).toEqual({
      source: ['stagecraft.crm'],
      'detail-type': ['Deal Created', 'Deal Stage Changed'],
      detail: {
        entityType: ['deal'],
        cause: { automationId: [{ 'anything-but': 'renewal-1' }], depth: [{ numeric: ['<', 6] }] },
        after: { stageId: ['won'], pipelineId: ['sales'] },
      },
    });
  });

  it.each<[string, unknown, Record<string, unknown>]>([
    ['created', { type: 'created', entity: 'contact' }, { 'detail-type': ['Contact Created'], detail: { entityType: ['contact'] } }],
    [
      'updated with fields',
      triggerExamples.updated,
      { 'detail-type': ['Deal Updated'], detail: { changedFields: ['amount', 'fields.segment'] } },
    ],
    ['deleted', { type: 'deleted', entity: 'lead' }, { 'detail-type': ['Lead Deleted'], detail: { entityType: ['lead'] } }],
    [
      'stageEntered of a lead',
      { type: 'stageEntered', entity: 'lead', stageId: 'junk' },
      { 'detail-type': ['Lead Created', 'Lead Stage Changed'], detail: { after: { stageId: ['junk'] } } },
    ],
    [
      'dateReached',
      triggerExamples.dateReached,
      {
        $or: [{ 'detail-type': ['Deal Created'] }, { 'detail-type': ['Deal Updated'], detail: { changedFields: ['closeDate'] } }],
        detail: { after: { closeDate: [{ exists: true }] } },
      },
    ],
    [
      'documentSigned',
      triggerExamples.documentSigned,
      { 'detail-type': ['Document Signed'], detail: { entityType: ['document'], party: ['all'], after: { templateId: ['contract'] } } },
    ],
    ['documentViewed', triggerExamples.documentViewed, { 'detail-type': ['Document Viewed'], detail: { after: { templateId: ['offer'] } } }],
    ['documentCreated', triggerExamples.documentCreated, { 'detail-type': ['Document Created'], detail: { entityType: ['document'] } }],
  ])('%s', (_case, trigger, expected) => {
    // Act
    const pattern = patternOf({ trigger });

    // Assess
    expect(pattern).toMatchObject(expected);
  });

  it('a dateReached trigger on a custom field listens to changes of that field', () => {
    // Act
    const pattern = patternOf({ trigger: { type: 'dateReached', entity: 'lead', field: 'fields.renewal_date' } });

    // Assess
    expect(pattern.$or[1]).toEqual({ 'detail-type': ['Lead Updated'], detail: { changedFields: ['fields.renewal_date'] } });
  });

  it('an updated trigger without fields matches any change', () => {
    // Act
    const pattern = patternOf({ trigger: { type: 'updated', entity: 'deal' } });

    // Assess
    expect(pattern.detail).not.toHaveProperty('changedFields');
  });

  it('a document trigger without a template matches any document', () => {
    // Act
    const pattern = patternOf({ trigger: triggerExamples.documentCreated });

    // Assess
    expect(pattern.detail).not.toHaveProperty('after');
  });

  it('a manual trigger has no rule', () => {
    // Act
    const pattern = compileEventPattern(anAutomation({ trigger: triggerExamples.manual, conditions: undefined }));

    // Assess
    expect(pattern).toBeNull();
  });

  it.each(Object.entries(triggerExamples).filter(([type]) => type !== 'manual'))('the %s pattern is valid for PutRule', (_type, trigger) => {
    // Act
    const validation = validatePattern(patternOf({ trigger }));

    // Assess
    expect(validation).toEqual({ ok: true });
  });
});

describe('loop guards', () => {
  const pattern = patternOf({ trigger: triggerExamples.stageEntered }, 'renewal-1');
  const eventCausedBy = (automationId: string, depth: number) => anEventInput(anEvent({ cause: { automationId, depth } }));

  it.each(Object.entries(triggerExamples).filter(([type]) => type !== 'manual'))('the %s pattern carries both guards', (_type, trigger) => {
    // Act
    const guards = patternOf({ trigger }).detail.cause;

    // Assess
    expect(guards).toEqual({ automationId: [{ 'anything-but': 'renewal-1' }], depth: [{ numeric: ['<', 6] }] });
  });

  it.each([
    ['a human write', 'none', 0, true],
    ["another automation's write five hops deep", 'welcome-mail', 5, true],
    ["another automation's write six hops deep", 'welcome-mail', 6, false],
    ['a write of its own runs', 'renewal-1', 1, false],
  ])('%s triggers: %s', (_case, automationId, depth, expected) => {
    // Act
    const matched = matchesPattern(pattern, eventCausedBy(automationId, depth));

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('conditions in the pattern', () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    ['eq as an exact value', [{ field: 'currency', op: 'eq', value: 'EUR' }], { currency: ['EUR'] }],
    ['eq null', [{ field: 'companyId', op: 'eq', value: null }], { companyId: [null] }],
    ['in as a list', [{ field: 'currency', op: 'in', value: ['EUR', 'CHF'] }], { currency: ['EUR', 'CHF'] }],
    [
      'a range from two bounds',
      [
        { field: 'amount', op: 'gte', value: 1000 },
        { field: 'amount', op: 'lt', value: 5000 },
      ],
      { amount: [{ numeric: ['>=', 1000, '<', 5000] }] },
    ],
    ['exists', [{ field: 'closeDate', op: 'exists' }], { closeDate: [{ exists: true }] }],
    ['a custom field one level down', [{ field: 'fields.segment', op: 'eq', value: 'smb' }], { fields: { segment: ['smb'] } }],
  ])('compiles %s', (_case, all, expected) => {
    // Act
    const pattern = withConditions(all);

    // Assess
    expect(pattern.detail.after).toEqual(expected);
  });

  it.each<[string, unknown[]]>([
    ['ne', [{ field: 'currency', op: 'ne', value: 'EUR' }]],
    ['contains', [{ field: 'title', op: 'contains', value: 'boiler' }]],
    ['changed', [{ field: 'amount', op: 'changed' }]],
    ['exists: false', [{ field: 'closeDate', op: 'exists', value: false }]],
    ['gt on a date', [{ field: 'closeDate', op: 'gt', value: '2026-01-01' }]],
    ['a lone lower bound, which would miss amounts past 5e9', [{ field: 'amount', op: 'gte', value: 1000 }]],
    ['a lone upper bound, which would miss values below -5e9', [{ field: 'fields.score', op: 'lt', value: 10 }]],
    [
      'a range with a bound beyond the numeric range',
      [
        { field: 'amount', op: 'gt', value: 1 },
        { field: 'amount', op: 'lt', value: 6e9 },
      ],
    ],
    [
      'a range with a bound of seven decimals',
      [
        { field: 'amount', op: 'gt', value: 0.1234567 },
        { field: 'amount', op: 'lt', value: 1 },
      ],
    ],
    [
      'an empty range, which EventBridge refuses (bottom must be less than top)',
      [
        { field: 'amount', op: 'gte', value: 1000 },
        { field: 'amount', op: 'lt', value: 500 },
      ],
    ],
    [
      'a range of one point',
      [
        { field: 'amount', op: 'gte', value: 500 },
        { field: 'amount', op: 'lte', value: 500 },
      ],
    ],
    [
      'two lower bounds',
      [
        { field: 'amount', op: 'gt', value: 1 },
        { field: 'amount', op: 'gte', value: 2 },
      ],
    ],
    [
      'two exact values on one field',
      [
        { field: 'currency', op: 'eq', value: 'EUR' },
        { field: 'currency', op: 'in', value: ['EUR', 'CHF'] },
      ],
    ],
    ['a nested group', [{ any: [{ field: 'currency', op: 'eq', value: 'EUR' }] }]],
    ['the object of custom fields', [{ field: 'fields', op: 'exists' }]],
  ])('leaves %s to the run', (_case, all) => {
    // Act
    const pattern = withConditions(all);

    // Assess
    expect(pattern.detail).not.toHaveProperty('after');
  });

  it('leaves an any group of two to the run', () => {
    // Act
    const pattern = patternOf({ trigger: triggerExamples.created, conditions: { any: [{ field: 'a', op: 'exists' }, { field: 'b', op: 'exists' }] } });

    // Assess
    expect(pattern.detail).not.toHaveProperty('after');
  });

  it('compiles an any group of one', () => {
    // Act
    const pattern = patternOf({ trigger: triggerExamples.created, conditions: { any: [{ field: 'currency', op: 'eq', value: 'EUR' }] } });

    // Assess
    expect(pattern.detail.after).toEqual({ currency: ['EUR'] });
  });

  it('keeps the trigger filter when a condition names the same field', () => {
    // Act
    const pattern = withConditions([{ field: 'stageId', op: 'in', value: ['won', 'lost'] }], triggerExamples.stageEntered);

    // Assess
    expect(pattern.detail.after.stageId).toEqual(['won']);
  });

  it('reads the old image of a deleted record', () => {
    // Act
    const pattern = withConditions([{ field: 'currency', op: 'eq', value: 'EUR' }], triggerExamples.deleted);

    // Assess
    expect(pattern.detail).toMatchObject({ before: { currency: ['EUR'] } });
  });

  it('drops the conditions when they would make the pattern too long for PutRule', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, index) => `value-${index}-${'x'.repeat(40)}`);

    // Act
    const pattern = withConditions([{ field: 'fields.code', op: 'in', value: values }]);

    // Assess
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(4096);
    expect(pattern.detail).not.toHaveProperty('after');
  });
});
