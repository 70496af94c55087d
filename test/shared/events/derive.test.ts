// The event catalogue (docs/ARCHITECTURE.md §5), one row per test: which stream images become which CRM events.
import { describe, expect, it } from 'vitest';
import type { Actor, Cause } from '#shared/domain/actors.ts';
import type { EntityType } from '#shared/domain/entities.ts';
import type { CrmEventDetail } from '#shared/events/catalogue.ts';
import { type StreamImage, deriveEvents } from '#shared/events/derive.ts';
import type { BusEvent } from '#shared/ports.ts';

const meta = { eventId: 'c2a9f1e0-stream-record', occurredAt: '2026-01-15T09:00:00.000Z' };
const ada: Actor = { kind: 'user', id: 'ada' };
const human: Cause = { automationId: 'none', depth: 0 };

const fieldsOf: Record<EntityType, Record<string, unknown>> = {
  contact: { name: 'Jane Roe', emails: ['jane@example.com'], phones: [] },
  company: { name: 'Roe Ltd', emails: [], phones: [] },
  lead: { title: 'Web form', emails: [], phones: [], stageId: 'new' },
  deal: { title: 'Solar roof', pipelineId: 'sales', stageId: 'new', amount: 12000 },
  activity: { subject: 'Call', activityType: 'call', dueAt: '2026-01-20T10:00:00.000Z', responsibleId: 'ada', entityType: 'deal', entityId: 'D1', status: 'open' },
  document: { title: 'Contract', entityType: 'deal', entityId: 'D1' },
  user: { name: 'Max', kind: 'human', role: 'member' },
  pipeline: { name: 'Sales', stages: [{ id: 'new', name: 'New', kind: 'open' }] },
  automation: { name: 'Renewal', status: 'active', trigger: { type: 'manual', entity: 'deal' }, actions: [] },
  documentTemplate: { name: 'Quote', kind: 'quote', body: '<p>{{ deal.title }}</p>', parties: ['recipient'] },
};

/** An entity item as shared/store/records.ts writes it. */
function entityItem(type: EntityType, fields: Record<string, unknown> = {}, write: { actor?: Actor; cause?: Cause; at?: string } = {}): StreamImage {
  const at = write.at ?? '2026-01-15T08:59:59.123Z';
  return {
    pk: `${type}#01JTEST`,
    sk: 'entity',
    itemKind: 'entity',
    recordType: type,
    id: '01JTEST',
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: 'ada',
    updatedBy: 'ada',
    ...fieldsOf[type],
    ...fields,
    gsi1pk: `type#${type}`,
    gsi1sk: '01JTEST',
    lastWrite: { actor: write.actor ?? ada, cause: write.cause ?? human, action: 'created', at },
  };
}

/** The next version of an item after a write that set `fields`. */
function written(item: StreamImage, fields: Record<string, unknown>, write: { actor?: Actor; cause?: Cause; at?: string } = {}): StreamImage {
  const at = write.at ?? '2026-01-15T09:30:00.000Z';
  return {
    ...item,
    ...fields,
    version: (item.version as number) + 1,
    updatedAt: at,
    lastWrite: { actor: write.actor ?? ada, cause: write.cause ?? human, action: 'updated', at },
  };
}

/** The tombstone a delete leaves: no index keys, who deleted it, a TTL. */
function tombstone(item: StreamImage, actor: Actor = ada): StreamImage {
  const { gsi1pk: _pk, gsi1sk: _sk, gsi2pk: _pk2, gsi2sk: _sk2, gsi3pk: _pk3, gsi3sk: _sk3, ...rest } = item;
  const at = '2026-01-15T10:00:00.000Z';
  return {
    ...rest,
    version: (item.version as number) + 1,
    updatedAt: at,
    deletedAt: at,
    deletedBy: actor.id,
    expiresAt: 1_800_000_000,
    lastWrite: { actor, cause: human, action: 'deleted', at },
  };
}

const detailOf = (event: BusEvent | undefined) => event?.detail as unknown as CrmEventDetail;
const typesOf = (events: BusEvent[]) => events.map((event) => event.detailType);

const lifecycleRows: Array<[EntityType, string]> = [
  ['contact', 'Contact'],
  ['company', 'Company'],
  ['lead', 'Lead'],
  ['deal', 'Deal'],
  ['activity', 'Activity'],
  ['document', 'Document'],
  ['user', 'User'],
  ['pipeline', 'Pipeline'],
];

describe('<Entity> Created', () => {
  it.each(lifecycleRows)('an INSERT of a %s is "%s Created" with the record as after', (type, name) => {
    const item = entityItem(type);

    const events = deriveEvents(undefined, item, meta);

    expect(events).toEqual([
      {
        source: 'stagecraft.crm',
        detailType: `${name} Created`,
        time: new Date('2026-01-15T08:59:59.123Z'),
        detail: {
          eventId: meta.eventId,
          entityType: type,
          entityId: '01JTEST',
          occurredAt: '2026-01-15T08:59:59.123Z',
          actor: ada,
          cause: human,
          before: null,
          after: expect.objectContaining({ id: '01JTEST', version: 1, ...fieldsOf[type] }),
          changedFields: Object.keys(fieldsOf[type]).sort(),
        },
      },
    ]);
  });

  it('a deal created in a stage is only "Deal Created" (a stage is entered by a move)', () => {
    const events = deriveEvents(undefined, entityItem('deal'), meta);

    expect(typesOf(events)).toEqual(['Deal Created']);
  });
});

describe('<Entity> Updated', () => {
  it.each(lifecycleRows)('a MODIFY of a %s is "%s Updated" with before, after and the changed fields', (type, name) => {
    const before = entityItem(type);
    const after = written(before, { fields: { note: 'changed' } });

    const events = deriveEvents(before, after, meta);

    expect(typesOf(events)).toEqual([`${name} Updated`]);
    expect(detailOf(events[0])).toMatchObject({
      eventId: meta.eventId,
      before: expect.objectContaining({ version: 1 }),
      after: expect.objectContaining({ version: 2, fields: { note: 'changed' } }),
      changedFields: ['fields', 'fields.note'],
    });
  });

  it('a write that changed only bookkeeping (version, updatedAt) is no event', () => {
    const before = entityItem('contact');

    const events = deriveEvents(before, written(before, {}), meta);

    expect(events).toEqual([]);
  });

  it('map attributes read back in another key order are no change', () => {
    const before = entityItem('contact', { fields: { a: 1, b: 2 } });

    const events = deriveEvents(before, written(before, { fields: { b: 2, a: 1 } }), meta);

    expect(events).toEqual([]);
  });
});

describe('<Entity> Deleted', () => {
  it.each(lifecycleRows)('a %s turned into a tombstone is "%s Deleted" by whoever deleted it', (type, name) => {
    const before = entityItem(type);
    const mia: Actor = { kind: 'user', id: 'mia' };

    const events = deriveEvents(before, tombstone(before, mia), meta);

    expect(typesOf(events)).toEqual([`${name} Deleted`]);
    expect(detailOf(events[0])).toMatchObject({
      actor: mia,
      occurredAt: '2026-01-15T10:00:00.000Z',
      before: expect.objectContaining({ id: '01JTEST' }),
      after: null,
      changedFields: Object.keys(fieldsOf[type]).sort(),
    });
  });

  it('the TTL removal of a tombstone is no event (the delete was published already)', () => {
    const events = deriveEvents(tombstone(entityItem('deal')), undefined, meta);

    expect(events).toEqual([]);
  });

  it('the removal of a live item outside the CRM is Deleted by the system actor at the stream time', () => {
    const events = deriveEvents(entityItem('contact'), undefined, meta);

    expect(typesOf(events)).toEqual(['Contact Deleted']);
    expect(detailOf(events[0])).toMatchObject({
      actor: { kind: 'user', id: 'system' },
      cause: { automationId: 'none', depth: 0 },
      occurredAt: meta.occurredAt,
    });
  });
});

describe('Deal Stage Changed and Lead Stage Changed', () => {
  it('a deal moved to another stage is "Deal Updated" and "Deal Stage Changed"', () => {
    const before = entityItem('deal');

    const events = deriveEvents(before, written(before, { stageId: 'contract' }), meta);

    expect(typesOf(events)).toEqual(['Deal Updated', 'Deal Stage Changed']);
    expect(detailOf(events[1])).toMatchObject({
      eventId: `${meta.eventId}.stage`,
      before: expect.objectContaining({ stageId: 'new' }),
      after: expect.objectContaining({ stageId: 'contract' }),
      changedFields: ['stageId'],
    });
  });

  it('a deal moved to a stage of the same id in another pipeline changes stage too', () => {
    const before = entityItem('deal');

    const events = deriveEvents(before, written(before, { pipelineId: 'installation' }), meta);

    expect(typesOf(events)).toEqual(['Deal Updated', 'Deal Stage Changed']);
  });

  it('a deal update that keeps the stage is only "Deal Updated"', () => {
    const before = entityItem('deal');

    const events = deriveEvents(before, written(before, { amount: 15000 }), meta);

    expect(typesOf(events)).toEqual(['Deal Updated']);
  });

  it('a lead moved to another stage is "Lead Updated" and "Lead Stage Changed"', () => {
    const before = entityItem('lead');

    const events = deriveEvents(before, written(before, { stageId: 'in_progress' }), meta);

    expect(typesOf(events)).toEqual(['Lead Updated', 'Lead Stage Changed']);
    expect(detailOf(events[1]).eventId).toBe(`${meta.eventId}.stage`);
  });
});

describe('Document Signed', () => {
  it('the sender signing first is "Document Signed" with party sender', () => {
    const before = entityItem('document');

    const events = deriveEvents(before, written(before, { signedBySenderAt: '2026-01-15T09:30:00.000Z' }), meta);

    expect(typesOf(events)).toEqual(['Document Updated', 'Document Signed']);
    expect(detailOf(events[1])).toMatchObject({ eventId: `${meta.eventId}.signed-sender`, party: 'sender' });
  });

  it('the recipient signing first is "Document Signed" with party recipient', () => {
    const before = entityItem('document');

    const events = deriveEvents(before, written(before, { signedByRecipientAt: '2026-01-15T09:30:00.000Z' }), meta);

    expect(events.map((event) => detailOf(event).party)).toEqual([undefined, 'recipient']);
  });

  it('the second signature is its party and then party all, once', () => {
    const before = entityItem('document', { signedBySenderAt: '2026-01-15T09:10:00.000Z' });

    const events = deriveEvents(before, written(before, { signedByRecipientAt: '2026-01-15T09:30:00.000Z' }), meta);

    expect(events.map((event) => detailOf(event).party)).toEqual([undefined, 'recipient', 'all']);
    expect(detailOf(events[2]).eventId).toBe(`${meta.eventId}.signed-all`);
  });

  it('both signatures in one write are sender, recipient and all', () => {
    const before = entityItem('document');

    const events = deriveEvents(
      before,
      written(before, { signedBySenderAt: '2026-01-15T09:30:00.000Z', signedByRecipientAt: '2026-01-15T09:30:00.000Z' }),
      meta,
    );

    expect(events.map((event) => detailOf(event).party)).toEqual([undefined, 'sender', 'recipient', 'all']);
  });

  it('a later change of a signed document signs nothing again', () => {
    const before = entityItem('document', { signedBySenderAt: '2026-01-15T09:10:00.000Z', signedByRecipientAt: '2026-01-15T09:20:00.000Z' });

    const events = deriveEvents(before, written(before, { title: 'Contract v2' }), meta);

    expect(typesOf(events)).toEqual(['Document Updated']);
  });
});

describe('Document Viewed', () => {
  it('a view (viewedAt and viewCount) is "Document Updated" and "Document Viewed"', () => {
    const before = entityItem('document');

    const events = deriveEvents(before, written(before, { viewedAt: '2026-01-15T09:30:00.000Z', viewCount: 1 }), meta);

    expect(typesOf(events)).toEqual(['Document Updated', 'Document Viewed']);
    expect(detailOf(events[1])).toMatchObject({ eventId: `${meta.eventId}.viewed`, changedFields: ['viewCount', 'viewedAt'] });
  });
});

describe('items that are no CRM record', () => {
  it.each([
    ['history', { pk: 'deal#D1', sk: 'history#01J', itemKind: 'history', recordType: 'deal', action: 'created' }],
    ['contactPoint', { pk: 'cp#email#jane@example.com', sk: 'contact#C1', itemKind: 'contactPoint', recordType: 'contact' }],
    ['exception', { pk: 'exception#jane@example.com', sk: 'exception', itemKind: 'exception', value: 'jane@example.com' }],
    ['credential', { pk: 'credential#abc', sk: 'credential', itemKind: 'credential' }],
    ['idempotency', { pk: 'idempotency#api', sk: 'hash', status: 'COMPLETED' }],
    ['execution', { pk: 'execution#x', sk: 'execution', itemKind: 'execution', status: 'RUNNING' }],
  ])('a %s item is no event, written or removed', (_kind, item) => {
    const events = [...deriveEvents(undefined, item, meta), ...deriveEvents(item, { ...item, status: 'X' }, meta), ...deriveEvents(item, undefined, meta)];

    expect(events).toEqual([]);
  });
});

describe('every event detail', () => {
  it('leaves keys, indexes and bookkeeping attributes out of before and after', () => {
    const before = entityItem('deal', { gsi2pk: 'board#sales#new', gsi2sk: '01JTEST' });

    const detail = detailOf(deriveEvents(before, written(before, { amount: 1 }), meta)[0]);

    for (const side of [detail.before, detail.after]) {
      for (const attribute of ['pk', 'sk', 'gsi1pk', 'gsi2pk', 'gsi2sk', 'itemKind', 'recordType', 'lastWrite', 'deletedAt', 'expiresAt']) {
        expect(side).not.toHaveProperty(attribute);
      }
    }
  });

  it('keeps a user record’s own `kind` field (human or butler)', () => {
    const detail = detailOf(deriveEvents(undefined, entityItem('user'), meta)[0]);

    expect(detail.after).toMatchObject({ kind: 'human' });
  });

  it('carries the Butler with its via and the automation cause of an automation write', () => {
    const butler: Actor = { kind: 'butler', id: 'butler', via: { automationId: 'A1', runId: 'R1' } };
    const cause: Cause = { automationId: 'A1', depth: 2 };
    const before = entityItem('deal');

    const detail = detailOf(deriveEvents(before, written(before, { stageId: 'won' }, { actor: butler, cause }), meta)[1]);

    expect(detail).toMatchObject({ actor: butler, cause });
  });

  it('has the default cause when the item carries none', () => {
    const item = entityItem('contact');
    item.lastWrite = { actor: ada, action: 'created', at: '2026-01-15T08:00:00.000Z' };

    const detail = detailOf(deriveEvents(undefined, item, meta)[0]);

    expect(detail.cause).toEqual({ automationId: 'none', depth: 0 });
  });

  it('gives each event of one record its own id, and the same ids on a replay', () => {
    const before = entityItem('document', { signedBySenderAt: '2026-01-15T09:10:00.000Z' });
    const after = written(before, { signedByRecipientAt: '2026-01-15T09:30:00.000Z', viewedAt: '2026-01-15T09:30:00.000Z', viewCount: 1 });

    const first = deriveEvents(before, after, meta);
    const replay = deriveEvents(before, after, meta);

    const ids = first.map((event) => detailOf(event).eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(replay).toEqual(first);
  });
});
