// Conditions against a record, one op at a time, then groups and the reason a run is skipped.
import { loadDateArithmetic } from '#shared/automation/date-arithmetic.ts';
import { describe, expect, it } from 'vitest';
import { checkConditions, evaluateCondition } from '#shared/automation/conditions.ts';
import { type Condition, Conditions } from '#shared/automation/definition.ts';

// Waits, date conditions and due dates count in luxon, loaded on first use (date-arithmetic.ts); run-action loads it per Task.
await loadDateArithmetic();

const deal = {
  title: 'Boiler for Ada',
  amount: 1500,
  currency: 'EUR',
  stageId: 'won',
  closeDate: '2026-06-30',
  contactId: null,
  emails: [],
  tags: ['vip', 'north'],
  fields: { segment: 'smb', seats: 12 },
};

describe('evaluateCondition', () => {
  it.each<[string, Condition, boolean]>([
    ['eq on a text', { field: 'stageId', op: 'eq', value: 'won' }, true],
    ['eq is case-sensitive', { field: 'stageId', op: 'eq', value: 'Won' }, false],
    ['eq never coerces', { field: 'amount', op: 'eq', value: '1500' }, false],
    ['eq on a custom field', { field: 'fields.segment', op: 'eq', value: 'smb' }, true],
    ['eq null on a null', { field: 'contactId', op: 'eq', value: null }, true],
    ['eq null on a missing field', { field: 'companyId', op: 'eq', value: null }, false],
    ['ne on another value', { field: 'stageId', op: 'ne', value: 'lost' }, true],
    ['ne on a missing field', { field: 'companyId', op: 'ne', value: 'c-1' }, true],
    ['gt above', { field: 'amount', op: 'gt', value: 1000 }, true],
    ['gt equal', { field: 'amount', op: 'gt', value: 1500 }, false],
    ['gte equal', { field: 'amount', op: 'gte', value: 1500 }, true],
    ['lt below', { field: 'fields.seats', op: 'lt', value: 20 }, true],
    ['lte above', { field: 'amount', op: 'lte', value: 1499.99 }, false],
    ['gt on a missing field', { field: 'discount', op: 'gt', value: 0 }, false],
    ['gt between a text and a number', { field: 'stageId', op: 'gt', value: 0 }, false],
    ['lt on dates', { field: 'closeDate', op: 'lt', value: '2026-07-01' }, true],
    ['gte on a date and a date-time', { field: 'closeDate', op: 'gte', value: '2026-06-30T00:00:00Z' }, true],
    ['in a list', { field: 'stageId', op: 'in', value: ['won', 'lost'] }, true],
    ['not in a list', { field: 'stageId', op: 'in', value: ['new', 'lost'] }, false],
    ['in: one of a list field', { field: 'tags', op: 'in', value: ['north', 'south'] }, true],
    ['contains a word of a text, any case', { field: 'title', op: 'contains', value: 'ada' }, true],
    ['contains another word', { field: 'title', op: 'contains', value: 'heater' }, false],
    ['contains an item of a list', { field: 'tags', op: 'contains', value: 'VIP' }, true],
    ['contains in a number', { field: 'amount', op: 'contains', value: 15 }, false],
    ['exists with a value', { field: 'closeDate', op: 'exists' }, true],
    ['exists on null', { field: 'contactId', op: 'exists' }, false],
    ['exists on an empty list', { field: 'emails', op: 'exists' }, false],
    ['exists on a missing field', { field: 'companyId', op: 'exists' }, false],
    ['exists: false on a missing field', { field: 'companyId', op: 'exists', value: false }, true],
    ['exists: false with a value', { field: 'amount', op: 'exists', value: false }, false],
  ])('%s → %s', (_case, condition, expected) => {
    // Act
    const result = evaluateCondition(condition, { record: deal });

    // Assess
    expect(result).toBe(expected);
  });

  it.each<[string, Record<string, unknown> | undefined, Record<string, unknown> | undefined, boolean]>([
    ['a field the update changed', { stageId: 'invoice' }, { stageId: 'won' }, true],
    ['a field the update kept', { stageId: 'won' }, { stageId: 'won' }, false],
    ['a field set on create', undefined, { stageId: 'new' }, true],
    ['a field cleared', { stageId: 'won' }, {}, true],
  ])('changed: %s', (_case, before, after, expected) => {
    // Act
    const result = evaluateCondition({ field: 'stageId', op: 'changed' }, { record: after, before, after });

    // Assess
    expect(result).toBe(expected);
  });

  it('changed: a custom field', () => {
    // Act
    const result = evaluateCondition(
      { field: 'fields.segment', op: 'changed' },
      { before: { fields: { segment: 'smb' } }, after: { fields: { segment: 'mid' } } },
    );

    // Assess
    expect(result).toBe(true);
  });
});

describe('checkConditions', () => {
  const parse = (conditions: unknown) => Conditions.parse(conditions);

  it('holds with no conditions', () => {
    // Act
    const verdict = checkConditions(undefined, { record: deal });

    // Assess
    expect(verdict).toEqual({ holds: true });
  });

  it('all: holds when each holds', () => {
    // Prepare
    const conditions = parse({ all: [{ field: 'amount', op: 'gte', value: 1000 }, { field: 'currency', op: 'eq', value: 'EUR' }] });

    // Act
    const verdict = checkConditions(conditions, { record: deal });

    // Assess
    expect(verdict).toEqual({ holds: true });
  });

  it('all: names the first that does not hold', () => {
    // Prepare
    const conditions = parse({ all: [{ field: 'amount', op: 'gte', value: 1000 }, { field: 'currency', op: 'eq', value: 'USD' }] });

    // Act
    const verdict = checkConditions(conditions, { record: deal });

    // Assess
    expect(verdict).toEqual({ holds: false, reason: 'currency is "USD" does not hold' });
  });

  it('any: holds when one holds', () => {
    // Prepare
    const conditions = parse({ any: [{ field: 'currency', op: 'eq', value: 'USD' }, { field: 'tags', op: 'contains', value: 'vip' }] });

    // Act
    const verdict = checkConditions(conditions, { record: deal });

    // Assess
    expect(verdict).toEqual({ holds: true });
  });

  it('any: names them all when none holds', () => {
    // Prepare
    const conditions = parse({ any: [{ field: 'currency', op: 'eq', value: 'USD' }, { field: 'companyId', op: 'exists' }] });

    // Act
    const verdict = checkConditions(conditions, { record: deal });

    // Assess
    expect(verdict).toEqual({
      holds: false,
      reason: 'none holds of: currency is "USD" does not hold; companyId has a value does not hold',
    });
  });

  it.each([
    ['holds when the nested any holds', 'EUR', true],
    ['fails when the nested any fails', 'USD', false],
  ])('a nested group %s', (_case, currency, expected) => {
    // Prepare
    const conditions = parse({
      all: [
        { field: 'amount', op: 'gt', value: 0 },
        { any: [{ field: 'currency', op: 'eq', value: currency }, { field: 'fields.segment', op: 'eq', value: 'enterprise' }] },
      ],
    });

    // Act
    const verdict = checkConditions(conditions, { record: deal });

    // Assess
    expect(verdict.holds).toBe(expected);
  });
});
