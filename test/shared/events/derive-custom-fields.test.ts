// changedFields names each changed custom field (`fields.<name>`) beside `fields`, so that a rule on one custom
// field can say so in its pattern (docs/ARCHITECTURE.md §5).
import { describe, expect, it } from 'vitest';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import { deriveEvents } from '#shared/events/derive.ts';
import { aDealImage } from '#test/support/stream-images.ts';
import { PUT_BUDGET_BYTES, entrySize, fitToSize } from '#shared/events/publish.ts';
import type { BusEvent } from '#shared/ports.ts';

const meta = { eventId: 'stream-record-1', occurredAt: '2026-01-15T09:00:00.000Z' };

const aDeal = aDealImage;

const changedFieldsOf = (event: BusEvent | undefined) => (event?.detail as unknown as CrmEventDetail | undefined)?.changedFields;

describe('changedFields of a custom field write', () => {
  it('names the changed custom field as well as fields', () => {
    // Prepare
    const before = aDeal({ probe: '0', other: '0' });
    const after = aDeal({ probe: '1', other: '0' }, 2);

    // Act
    const [updated] = deriveEvents(before, after, meta);

    // Assess
    expect(changedFieldsOf(updated)).toEqual(['fields', 'fields.probe']);
  });

  it('names a custom field that was added, one that was removed and one set to null, not the one left alone', () => {
    // Prepare
    const before = aDeal({ kept: 'same', removed: 'x', nulled: 'y' });
    const after = aDeal({ kept: 'same', nulled: null, added: 'z' }, 2);

    // Act
    const [updated] = deriveEvents(before, after, meta);

    // Assess
    expect(changedFieldsOf(updated)).toEqual(['fields', 'fields.added', 'fields.nulled', 'fields.removed']);
  });

  it('names the first custom fields of a record that had none', () => {
    // Prepare
    const before = aDeal();
    const after = aDeal({ probe: '1' }, 2);

    // Act
    const [updated] = deriveEvents(before, after, meta);

    // Assess
    expect(changedFieldsOf(updated)).toEqual(['fields', 'fields.probe']);
  });

  it('compares list values in order and ignores the key order of the custom fields', () => {
    // Prepare
    const before = aDeal({ tags: ['a', 'b'], first: 1, second: 2 });
    const after = aDeal({ second: 2, first: 1, tags: ['b', 'a'] }, 2);

    // Act
    const [updated] = deriveEvents(before, after, meta);

    // Assess
    expect(changedFieldsOf(updated)).toEqual(['fields', 'fields.tags']);
  });

  it('names a custom field called like a member every object inherits only when it changed', () => {
    // Prepare: names refused since, which records written before may still hold.
    const before = aDeal({ probe: '0' });
    const after = aDeal({ probe: '0', toString: 'x', constructor: 'y' }, 2);

    // Act
    const [updated] = deriveEvents(before, after, meta);

    // Assess
    expect(changedFieldsOf(updated)).toEqual(['fields', 'fields.constructor', 'fields.toString']);
  });

  it('names no custom field when only a top-level field changed', () => {
    // Prepare
    const before = aDeal({ probe: '0' });
    const after = aDeal({ probe: '0' }, 2, { title: 'Heat pump' });

    // Act
    const [updated] = deriveEvents(before, after, meta);

    // Assess
    expect(changedFieldsOf(updated)).toEqual(['title']);
  });

  it('gives a stage move that also wrote a custom field the same names on both its events', () => {
    // Prepare
    const before = aDeal({ probe: '0' });
    const after = aDeal({ probe: '1' }, 2, { stageId: 'contract' });

    // Act
    const events = deriveEvents(before, after, meta);

    // Assess
    expect(events.map((event) => [event.detailType, changedFieldsOf(event)])).toEqual([
      ['Deal Updated', ['fields', 'fields.probe', 'stageId']],
      ['Deal Stage Changed', ['fields', 'fields.probe', 'stageId']],
    ]);
  });
});

describe('changedFields of a created or deleted record', () => {
  it('names every custom field of a created record', () => {
    // Act
    const [created] = deriveEvents(undefined, aDeal({ probe: '1', empty: null }), meta);

    // Assess
    expect(changedFieldsOf(created)).toEqual(['fields', 'fields.empty', 'fields.probe', 'pipelineId', 'stageId', 'title']);
  });

  it('names every custom field of a deleted record', () => {
    // Act
    const [deleted] = deriveEvents(aDeal({ probe: '1' }), undefined, meta);

    // Assess
    expect(changedFieldsOf(deleted)).toEqual(['fields', 'fields.probe', 'pipelineId', 'stageId', 'title']);
  });
});

describe('the size of an event naming custom fields', () => {
  it('fits one PutEvents call, names intact, when a write replaced 100 custom fields with 100 others of the longest names', () => {
    // Prepare: 100 custom fields (MAX_CUSTOM_FIELDS) on each side, names of 64 characters, most of three bytes;
    // the values make the publisher trim before and after, never changedFields.
    const named = (prefix: string) =>
      Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`${prefix}${String(index).padStart(3, '0')}`.padEnd(64, '€'), 'v'.repeat(3000)]));
    const before = aDeal(named('a'));
    const after = aDeal(named('b'), 2);

    // Act
    const [updated] = deriveEvents(before, after, meta);
    const fitted = fitToSize(updated!);

    // Assess
    expect(fitted.detail.trimmed).toEqual(['after.fields', 'before.fields']);
    expect(changedFieldsOf(fitted)).toHaveLength(201);
    expect(entrySize(fitted)).toBeLessThanOrEqual(PUT_BUDGET_BYTES);
  });
});
