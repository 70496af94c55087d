// Records as the table stream shows them (the item the store writes), for tests of what events are derived.
import type { StreamImage } from '#shared/events/derive.ts';

/** A deal item at `version`, with these custom fields (none: no `fields` attribute), and `extra` top-level fields. */
export function aDealImage(fields?: Record<string, unknown>, version = 1, extra: Record<string, unknown> = {}): StreamImage {
  const at = `2026-01-15T09:00:0${version}.000Z`;
  return {
    pk: 'deal#01JDEAL',
    sk: 'entity',
    itemKind: 'entity',
    recordType: 'deal',
    id: '01JDEAL',
    version,
    createdAt: '2026-01-15T09:00:00.000Z',
    updatedAt: at,
    createdBy: 'ada',
    updatedBy: 'ada',
    title: 'Solar roof',
    pipelineId: 'sales',
    stageId: 'new',
    ...(fields === undefined ? {} : { fields }),
    ...extra,
    lastWrite: { actor: { kind: 'user', id: 'ada' }, cause: { automationId: 'none', depth: 0 }, action: 'updated', at },
  };
}
