// Evaluates an automation's conditions against a record, and `changed` against the trigger event's
// before/after. Pure: Check conditions runs it in every run, the dry run and the compiler's tests use it too.
import { loadedLuxon } from './date-arithmetic.ts';
import type { Condition, ConditionGroup, Conditions } from './definition.ts';
import { conditionOpWords, isCondition } from './definition-model.ts';
import { fieldValue } from './fields.ts';

export interface ConditionFacts {
  /** The record the conditions read: the event's record, or the record re-read after a wait. */
  record?: Record<string, unknown> | null;
  /** The trigger event's images, for `changed` (null on a create or a delete, as events carry them). */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export type ConditionsVerdict = { holds: true } | { holds: false; reason: string };

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Absent, null, "" and [] all read as "no value": what an admin means by "has no close date". */
function hasValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

function instantOf(value: string): number | undefined {
  const moment = loadedLuxon().DateTime.fromISO(value, { zone: 'utc' });
  return moment.isValid ? moment.toMillis() : undefined;
}

/** Numbers compare as numbers and ISO-8601 dates as instants; anything else never compares (no coercion). */
function compare(actual: unknown, expected: unknown): number | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string') {
    const a = instantOf(actual);
    const b = instantOf(expected);
    return a === undefined || b === undefined ? undefined : a - b;
  }
  return undefined;
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);

export function evaluateCondition(condition: Condition, facts: ConditionFacts): boolean {
  const actual = fieldValue(facts.record, condition.field);
  const expected = condition.value;
  switch (condition.op) {
    case 'eq':
      return sameValue(actual, expected);
    case 'ne':
      return !sameValue(actual, expected);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const order = compare(actual, expected);
      if (order === undefined) return false;
      if (condition.op === 'gt') return order > 0;
      if (condition.op === 'gte') return order >= 0;
      if (condition.op === 'lt') return order < 0;
      return order <= 0;
    }
    case 'in': {
      const list = Array.isArray(expected) ? expected : [expected];
      // A list field (tags) is in the list when one of its values is: what the event pattern matches too.
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => list.some((item) => sameValue(value, item)));
    }
    case 'contains': {
      if (expected === undefined || expected === null) return false;
      if (Array.isArray(actual)) return actual.some((value) => sameValue(lower(value), lower(expected)));
      if (typeof actual === 'string') return actual.toLowerCase().includes(String(expected).toLowerCase());
      return false;
    }
    case 'exists':
      return hasValue(actual) === (expected ?? true);
    case 'changed': {
      if (!facts.before && !facts.after) return false;
      return !sameValue(fieldValue(facts.before, condition.field), fieldValue(facts.after, condition.field));
    }
  }
}

export function describeCondition(condition: Condition): string {
  if (condition.op === 'changed') return `${condition.field} changed`;
  if (condition.op === 'exists') return condition.value === false ? `${condition.field} is empty` : `${condition.field} has a value`;
  return `${condition.field} ${conditionOpWords[condition.op]} ${JSON.stringify(condition.value)}`;
}

function evaluateGroup(group: ConditionGroup, facts: ConditionFacts): ConditionsVerdict {
  const items: Array<Condition | ConditionGroup> = group.all ?? group.any ?? [];
  const verdicts = items.map((item) =>
    isCondition(item)
      ? evaluateCondition(item, facts)
        ? ({ holds: true } as const)
        : ({ holds: false, reason: `${describeCondition(item)} does not hold` } as const)
      : evaluateGroup(item, facts),
  );
  if (group.all) {
    const failed = verdicts.find((verdict) => !verdict.holds);
    return failed ?? { holds: true };
  }
  if (verdicts.some((verdict) => verdict.holds)) return { holds: true };
  return { holds: false, reason: `none holds of: ${verdicts.map((verdict) => (verdict.holds ? '' : verdict.reason)).join('; ')}` };
}

/** Whether the conditions hold; the reason names the first that does not (the run record shows it). */
export function checkConditions(conditions: Conditions | undefined, facts: ConditionFacts): ConditionsVerdict {
  if (!conditions) return { holds: true };
  return evaluateGroup(conditions, facts);
}
