// A trigger on custom fields in the rule's pattern: only a change of a field it names starts a run; rules compiled
// before events named custom fields one by one still start one, which the run skips.
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PATTERN_LENGTH, compileEventPattern } from '#shared/automation/compile-pattern.ts';
import type { Trigger } from '#shared/automation/definition.ts';
import { triggerMismatch } from '#shared/automation/run-steps.ts';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import { deriveEvents } from '#shared/events/derive.ts';
import { aDealImage } from '#test/support/stream-images.ts';
import { type EventPattern, matchesPattern, validatePattern } from '#shared/events/pattern.ts';
import { anAutomation } from './factories.ts';

const probeTrigger: Trigger = { type: 'updated', entity: 'deal', fields: ['fields.probe'] };

const aDeal = (fields: Record<string, unknown>, version = 1, extra: Record<string, unknown> = {}) => aDealImage(fields, version, { amount: 1000, ...extra });

/** The "Deal Updated" event of a write of these custom fields (and top-level fields), as EventBridge delivers it. */
function anUpdate(fields: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const [updated] = deriveEvents(aDeal({ probe: '0', other: '0' }), aDeal({ probe: '0', other: '0', ...fields }, 2, extra), {
    eventId: 'stream-record-1',
    occurredAt: '2026-01-15T09:00:02.000Z',
  });
  if (!updated) throw new Error('the write changed nothing');
  return { version: '0', id: 'eb-1', source: updated.source, 'detail-type': updated.detailType, time: updated.time?.toISOString(), detail: updated.detail };
}

const detailOf = (event: ReturnType<typeof anUpdate>) => event.detail as unknown as CrmEventDetail;

const patternFor = (trigger: unknown) => compileEventPattern(anAutomation({ trigger, conditions: undefined }, 'probe-1')) as EventPattern;

describe('the pattern of an updated trigger on a custom field', () => {
  it('names the custom field in changedFields', () => {
    // Act
    const pattern = patternFor(probeTrigger);

    // Assess
    expect(pattern.detail).toMatchObject({ changedFields: ['fields.probe'] });
    expect(validatePattern(pattern)).toEqual({ ok: true });
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    ['a change of fields.probe', { probe: '1' }, {}, true],
    ['a change of fields.probe and fields.other', { probe: '1', other: '1' }, {}, true],
    ['a change of fields.other only', { other: '1' }, {}, false],
    ['a new custom field only', { added: 'x' }, {}, false],
    ['a change of a top-level field only', {}, { title: 'Heat pump' }, false],
  ])('%s', (_case, fields, extra, expected) => {
    // Prepare
    const pattern = patternFor(probeTrigger);
    const event = anUpdate(fields, extra);

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it('matches a change of any field of a trigger naming a top-level field and custom fields', () => {
    // Prepare
    const pattern = patternFor({ type: 'updated', entity: 'deal', fields: ['amount', 'fields.probe', 'fields.third'] });

    // Act
    const matched = [anUpdate({}, { amount: 2000 }), anUpdate({ probe: '1' }), anUpdate({ third: 'x' }), anUpdate({ other: '1' })].map((event) =>
      matchesPattern(pattern, event),
    );

    // Assess
    expect(matched).toEqual([true, true, true, false]);
  });

  it('matches every event whose run it would not skip, and only those', () => {
    // Prepare
    const writes: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ probe: '1' }, {}],
      [{ other: '1' }, {}],
      [{ probe: null }, {}],
      [{ probe: '1', other: '1' }, { stageId: 'contract' }],
      [{}, { amount: 5 }],
    ];
    const pattern = patternFor(probeTrigger);

    // Act
    const answers = writes.map(([fields, extra]) => {
      const event = anUpdate(fields, extra);
      return [matchesPattern(pattern, event), triggerMismatch(probeTrigger, detailOf(event)) === undefined];
    });

    // Assess
    expect(answers).toEqual(answers.map(([, runs]) => [runs, runs]));
  });
});

describe('a dateReached trigger on a custom date field', () => {
  const pattern = patternFor({ type: 'dateReached', entity: 'deal', field: 'fields.renewal_date', offset: '-P1D' });

  it('matches an update of that date', () => {
    // Act
    const matched = matchesPattern(pattern, anUpdate({ renewal_date: '2026-09-01' }));

    // Assess
    expect(matched).toBe(true);
  });

  it('does not match an update of another custom field of a record that has the date', () => {
    // Prepare
    const [updated] = deriveEvents(aDeal({ renewal_date: '2026-09-01', other: '0' }), aDeal({ renewal_date: '2026-09-01', other: '1' }, 2), {
      eventId: 'stream-record-2',
      occurredAt: '2026-01-15T09:00:02.000Z',
    });
    const event = { source: updated!.source, 'detail-type': updated!.detailType, detail: updated!.detail };

    // Act
    const matched = matchesPattern(pattern, event);

    // Assess
    expect(matched).toBe(false);
  });
});

describe('a rule compiled before events named custom fields one by one', () => {
  // What compileEventPattern made of `updated fields.probe` then, and what AWS keeps until the automation is saved again.
  const earlierPattern: EventPattern = {
    source: ['stagecraft.crm'],
    'detail-type': ['Deal Updated'],
    detail: {
      entityType: ['deal'],
      cause: { automationId: [{ 'anything-but': 'probe-1' }], depth: [{ numeric: ['<', 5] }] },
      changedFields: ['fields'],
    },
  };

  it('still starts a run for a change of fields.probe, which goes on', () => {
    // Prepare
    const event = anUpdate({ probe: '1' });

    // Act
    const matched = matchesPattern(earlierPattern, event);
    const mismatch = triggerMismatch(probeTrigger, detailOf(event));

    // Assess
    expect(matched).toBe(true);
    expect(mismatch).toBeUndefined();
  });

  it('still starts a run for a change of fields.other only, which the run skips', () => {
    // Prepare
    const event = anUpdate({ other: '1' });

    // Act
    const matched = matchesPattern(earlierPattern, event);
    const mismatch = triggerMismatch(probeTrigger, detailOf(event));

    // Assess
    expect(matched).toBe(true);
    expect(mismatch).toBe('none of fields.probe changed');
  });
});

describe('a trigger whose custom field names do not fit the pattern quota', () => {
  // Twenty names of 64 control characters: each is 384 characters once escaped in the pattern's JSON.
  const fields = Array.from({ length: 20 }, (_, index) => `fields.${String.fromCharCode(1 + index).repeat(64)}`);
  const trigger = { type: 'updated', entity: 'deal', fields };

  it('falls back to fields, which fits and matches any custom field change', () => {
    // Act
    const pattern = patternFor(trigger);

    // Assess
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(DEFAULT_MAX_PATTERN_LENGTH);
    expect(pattern.detail).toMatchObject({ changedFields: ['fields'] });
    expect(matchesPattern(pattern, anUpdate({ other: '1' }))).toBe(true);
  });

  it('keeps the field names and leaves the conditions to the run when only the conditions do not fit', () => {
    // Prepare
    const titles = Array.from({ length: 80 }, (_, index) => `a long enough title number ${index}`);

    // Act
    const pattern = compileEventPattern(
      anAutomation({ trigger: probeTrigger, conditions: { all: [{ field: 'title', op: 'in', value: titles }] } }, 'probe-1'),
    ) as EventPattern;

    // Assess
    expect(pattern.detail).toMatchObject({ changedFields: ['fields.probe'] });
    expect(pattern.detail).not.toHaveProperty('after');
  });
});
