// A stored automation is read back as it was saved (validated then), with the defaults of fields added since.
import { describe, expect, it } from 'vitest';
import type { Entity } from '#shared/domain/entities.ts';
import { storedDefinition } from '#shared/engine/stored-definition.ts';
import { ValidationFailed } from '#shared/errors.ts';
import { aDefinition } from '../automation/factories.ts';

const meta = { id: 'auto-1', version: 3, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-02T00:00:00.000Z' };
const asRecord = (fields: Record<string, unknown>) => ({ ...meta, ...fields }) as unknown as Entity;

describe('storedDefinition', () => {
  it('reads the definition a record holds, without its record fields', () => {
    // Prepare
    const saved = aDefinition({ name: 'Welcome', timeZone: 'Europe/Berlin', recheck: true });
    // Act
    const definition = storedDefinition(asRecord(saved));
    // Assess
    expect(definition).toEqual(saved);
  });

  it('fills the schema defaults a record saved before they existed lacks', () => {
    // Prepare
    const { status: _status, recheck: _recheck, finishPending: _finishPending, timeZone: _timeZone, ...older } = aDefinition();
    // Act
    const definition = storedDefinition(asRecord(older));
    // Assess
    expect(definition).toMatchObject({ status: 'active', recheck: false, finishPending: false, timeZone: 'UTC' });
  });

  it('refuses a record that holds no automation definition', () => {
    // Prepare
    const record = asRecord({ title: 'a deal' });
    // Act
    const read = () => storedDefinition(record);
    // Assess
    expect(read).toThrow(ValidationFailed);
  });
});
