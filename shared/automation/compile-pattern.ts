// Compiles an automation's trigger, its loop guards and the conditions a pattern can express into the
// EventBridge rule pattern of its rule (docs/ARCHITECTURE.md §5, §6). Pure and deterministic.
import { CRM_SOURCE, MAX_TRIGGER_DEPTH, detailTypes, stagedTypes } from '#shared/events/catalogue.ts';
import type { EventPattern } from '#shared/events/pattern.ts';
import type { AutomationDefinition, Condition } from './definition.ts';
import { isCondition, triggerEntityOf } from './definition-model.ts';
import { changedFieldName, fieldSegments } from './fields.ts';

/** EventBridge compares numbers only within ±5e9, to six decimal places (Event Ruler's range); a number outside
 *  it never matches a numeric pattern. */
const NUMERIC_LIMIT = 5e9;
const comparable = (value: unknown): value is number =>
  typeof value === 'number' && Math.abs(value) <= NUMERIC_LIMIT && Number(value.toFixed(6)) === value;

/** EventBridge's default quota on a rule's pattern, in characters of its JSON. */
export const DEFAULT_MAX_PATTERN_LENGTH = 2048;

/** The trigger alone makes a pattern longer than EventBridge accepts: the automation cannot be provisioned. */
export class PatternTooLong extends RangeError {
  constructor(length: number, max: number) {
    super(`its event pattern would be ${length} characters, over EventBridge's limit of ${max}`);
    this.name = 'PatternTooLong';
  }
}

type Leaf = unknown[];
type Nested = { [key: string]: Leaf | Nested };

function put(target: Nested, path: string, leaf: Leaf) {
  const segments = fieldSegments(path);
  let node = target;
  segments.slice(0, -1).forEach((segment) => {
    node[segment] ??= {};
    node = node[segment] as Nested;
  });
  node[segments[segments.length - 1] as string] = leaf;
}

const numericOperators = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
type NumericOp = keyof typeof numericOperators;
const isNumericOp = (op: string): op is NumericOp => op in numericOperators;
const isScalar = (value: unknown) => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** The pattern form of one field's conditions, or undefined when a pattern cannot say exactly them (or more). */
function patternOfField(conditions: Condition[]): Leaf | undefined {
  const [first] = conditions;
  if (!first) return undefined;
  if (conditions.every((c) => isNumericOp(c.op))) {
    // Only a range bounded both ways: a lone "amount gte 1000" would silently never fire for an amount past 5e9
    // (five billion is a mid-sized deal in VND or IDR), where the run's check holds. A pattern may let through
    // more than the conditions, never less.
    const lower = conditions.filter((c) => c.op === 'gt' || c.op === 'gte');
    const upper = conditions.filter((c) => c.op === 'lt' || c.op === 'lte');
    if (lower.length !== 1 || upper.length !== 1 || !conditions.every((c) => comparable(c.value))) return undefined;
    // An empty or single-point range ("gte 1000" with "lt 500") is one EventBridge refuses ("bottom must be less
    // than top"): leave the field to the run's check, which skips every record for such conditions.
    if (!(Number(lower[0]!.value) < Number(upper[0]!.value))) return undefined;
    const range = [...lower, ...upper].flatMap((c) => [numericOperators[c.op as NumericOp], c.value]);
    return [{ numeric: range }];
  }
  if (conditions.length > 1) return undefined;
  switch (first.op) {
    case 'eq':
      return isScalar(first.value) ? [first.value] : undefined;
    case 'in':
      return Array.isArray(first.value) && first.value.every(isScalar) ? [...first.value] : undefined;
    case 'exists':
      // Only presence: a pattern's {"exists": false} would not match a null or empty value the run reads as empty.
      return first.value === false ? undefined : [{ exists: true }];
    default:
      return undefined;
  }
}

/** Conditions a pattern can check: those of a top-level "all" (or a lone "any"), one field at a time. */
function patternConditions(definition: AutomationDefinition, taken: Set<string>): Array<[string, Leaf]> {
  const { conditions } = definition;
  if (!conditions) return [];
  const items = conditions.all ?? (conditions.any?.length === 1 ? conditions.any : []);
  const byField = new Map<string, Condition[]>();
  for (const item of items) {
    // `fields` is the object of custom fields: no pattern compares it whole, and its paths may be taken below.
    if (!isCondition(item) || taken.has(item.field) || item.field === 'fields') continue;
    byField.set(item.field, [...(byField.get(item.field) ?? []), item]);
  }
  const leaves: Array<[string, Leaf]> = [];
  for (const [field, list] of byField) {
    const leaf = patternOfField(list);
    if (leaf) leaves.push([field, leaf]);
  }
  return leaves;
}

/**
 * The rule's pattern. Every pattern carries the loop guards: never an event its own runs caused, nor one
 * deeper than MAX_TRIGGER_DEPTH. Check conditions tests everything again, so a pattern may let through more
 * than the automation wants, but never refuses an event its run would accept.
 */
export function compileEventPattern(
  automation: { id: string; definition: AutomationDefinition },
  maxLength = DEFAULT_MAX_PATTERN_LENGTH,
): EventPattern | null {
  const { id, definition } = automation;
  const { trigger } = definition;
  if (trigger.type === 'manual') return null;
  const entity = triggerEntityOf(trigger);
  const lifecycle = (verb: 'Created' | 'Updated' | 'Deleted') => detailTypes.lifecycle(entity, verb);
  const side = trigger.type === 'deleted' ? 'before' : 'after';
  const detail: Record<string, unknown> = {
    entityType: [entity],
    cause: { automationId: [{ 'anything-but': id }], depth: [{ numeric: ['<', MAX_TRIGGER_DEPTH + 1] }] },
  };
  const record: Nested = {};
  const taken = new Set<string>();
  const constrain = (field: string, leaf: Leaf) => {
    put(record, field, leaf);
    taken.add(field);
  };
  let types: string[] = [];
  /** The fields an update must change: an updated trigger's, or the date field of a dateReached one. */
  let watched: string[] | undefined;

  switch (trigger.type) {
    case 'created':
      types = [lifecycle('Created')];
      break;
    case 'updated':
      types = [lifecycle('Updated')];
      watched = trigger.fields;
      break;
    case 'deleted':
      types = [lifecycle('Deleted')];
      break;
    case 'stageEntered':
      // A record created straight into the stage has entered it too.
      types = [lifecycle('Created'), stagedTypes[trigger.entity]];
      constrain('stageId', [trigger.stageId]);
      if (trigger.pipelineId !== undefined) constrain('pipelineId', [trigger.pipelineId]);
      break;
    case 'dateReached':
      // A run per value of the date: on create, and on each update that changes it (the run planned for an
      // older value sees the change after its wait and is skipped).
      watched = [trigger.field];
      constrain(trigger.field, [{ exists: true }]);
      break;
    case 'documentSigned':
      types = [detailTypes.documentSigned];
      detail.party = [trigger.party];
      break;
    case 'documentViewed':
      types = [detailTypes.documentViewed];
      break;
    case 'documentCreated':
      types = [detailTypes.lifecycle('document', 'Created')];
      break;
  }
  if ('templateId' in trigger && trigger.templateId !== undefined) constrain('templateId', [trigger.templateId]);
  // A document trigger set on a pipeline: documents carry their deal's pipelineId.
  if (entity === 'document' && 'pipelineId' in trigger && trigger.pipelineId !== undefined) constrain('pipelineId', [trigger.pipelineId]);

  /**
   * Events name a changed custom field both `fields.<name>` and `fields`. `coarse` matches `fields`, so a change of
   * any custom field starts a run, which checks which one changed (triggerMismatch in run-steps.ts) and skips.
   */
  const build = (withConditions: boolean, coarse: boolean): EventPattern => {
    const recordPattern: Nested = structuredClone(record);
    if (withConditions) for (const [field, leaf] of patternConditions(definition, taken)) put(recordPattern, field, leaf);
    const changedFields = watched && [...new Set(watched.map((path) => (coarse ? changedFieldName(path) : path)))];
    const pattern: EventPattern = { source: [CRM_SOURCE] };
    const common: Record<string, unknown> = { ...detail };
    if (trigger.type === 'dateReached') {
      pattern.$or = [{ 'detail-type': [lifecycle('Created')] }, { 'detail-type': [lifecycle('Updated')], detail: { changedFields } }];
    } else {
      pattern['detail-type'] = types;
      if (changedFields) common.changedFields = changedFields;
    }
    pattern.detail = Object.keys(recordPattern).length > 0 ? { ...common, [side]: recordPattern } : common;
    return pattern;
  };
  // The first that fits PutRule's quota. Each may let through more than the automation wants, never less: without
  // the conditions, then with custom fields as `fields` (twenty long names may not fit where `fields` always did).
  const namesCustomFields = watched?.some((path) => fieldSegments(path).length === 2) ?? false;
  const tries: Array<[withConditions: boolean, coarse: boolean]> = [
    [true, false],
    [false, false],
  ];
  if (namesCustomFields) tries.push([true, true], [false, true]);
  let length = 0;
  for (const [withConditions, coarse] of tries) {
    const pattern = build(withConditions, coarse);
    length = JSON.stringify(pattern).length;
    if (length <= maxLength) return pattern;
  }
  throw new PatternTooLong(length, maxLength);
}

