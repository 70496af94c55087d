// The only code that builds keys. Every item says what it is in `itemKind`; the kinds
// and what each index serves:
//   entity        pk `<type>#<id>`, sk `entity`
//                 gsi1 `type#<type>` / id            — a page of one type, newest first (ULIDs sort by time)
//                 gsi2 `board#<pipeline>#<stage>` / id  (deals: a board column)
//                      `owner#<type>#<id>` / `<status>#<id>` (activities of a record, open first-class)
//                 gsi3 `pipeline#<pipeline>` / id      (deals of a pipeline)
//                 gsi4 `contactDeals#<contact>` / id   (deals of a contact)
//                 gsi5 `companyDeals#<company>` / id   (deals of a company)
//                      `companyContacts#<company>` / id (contacts: the contacts of a company)
//                 `search`: the record's normalised search text (contacts, companies, leads, deals),
//                 filtered within whichever of these a listing queries (shared/domain/search.ts)
//   history       pk `<type>#<id>`, sk `history#<ulid>` — kept after the entity is deleted
//                 gsi1 `actor#<actorId>` / `<at>#<ulid>` — actions per actor in a date range
//   contactPoint  pk `cp#<email|phone>#<value>`, sk `<type>#<id>` — records by e-mail or phone
//   exception     pk `exception#<value>`, sk `exception`; gsi1 `exceptions` / value
//   exceptionLog  pk `exception#<value>`, sk `history#<ulid>` — each addition and removal, kept after removal
//   credential    pk `credential#<sha256>`, sk `credential` — API keys and local tokens, hashed
//   idempotency   pk `idempotency#<fn>#<hash>`, sk `idempotency` — Powertools idempotency records, one partition each
import type { ContactPointKind } from '#shared/domain/contact-points.ts';
import type { EntityType } from '#shared/domain/entities.ts';

export type Key = { pk: string; sk: string };

export const ENTITY_SK = 'entity';

export const entityKey = (type: EntityType, id: string): Key => ({ pk: `${type}#${id}`, sk: ENTITY_SK });
export const typeIndexKey = (type: EntityType) => `type#${type}`;
export const boardKey = (pipelineId: string, stageId: string) => `board#${pipelineId}#${stageId}`;
export const pipelineDealsKey = (pipelineId: string) => `pipeline#${pipelineId}`;
export const ownerKey = (type: string, id: string) => `owner#${type}#${id}`;
export const contactDealsKey = (contactId: string) => `contactDeals#${contactId}`;
export const companyDealsKey = (companyId: string) => `companyDeals#${companyId}`;
export const companyContactsKey = (companyId: string) => `companyContacts#${companyId}`;
/** The item attribute holding a searchable record's normalised text. */
export const SEARCH_ATTRIBUTE = 'search';

export const HISTORY_PREFIX = 'history#';
export const historyKey = (type: EntityType, id: string, historyId: string): Key => ({
  pk: `${type}#${id}`,
  sk: `${HISTORY_PREFIX}${historyId}`,
});
export const actorIndexKey = (actorId: string) => `actor#${actorId}`;

export const contactPointKey = (kind: ContactPointKind, value: string, type: EntityType, id: string): Key => ({
  pk: `cp#${kind}#${value}`,
  sk: `${type}#${id}`,
});
export const contactPointPartition = (kind: ContactPointKind, value: string) => `cp#${kind}#${value}`;

export const exceptionKey = (value: string): Key => ({ pk: `exception#${value}`, sk: 'exception' });
export const EXCEPTIONS_INDEX_KEY = 'exceptions';
export const exceptionHistoryKey = (value: string, historyId: string): Key => ({ pk: `exception#${value}`, sk: `${HISTORY_PREFIX}${historyId}` });
export const exceptionPartition = (value: string) => `exception#${value}`;

export const credentialKey = (hash: string): Key => ({ pk: `credential#${hash}`, sk: 'credential' });

/** An idempotency record: `recordKey` is Powertools' `<prefix>#<hash of caller and Idempotency-Key>`. */
export const idempotencyKey = (recordKey: string): Key => ({ pk: `idempotency#${recordKey}`, sk: 'idempotency' });

/** Index attributes an entity item carries; removed on delete so the record leaves every listing. */
export function entityIndexAttributes(type: EntityType, record: Record<string, unknown>): Record<string, string> {
  const id = String(record.id);
  const attributes: Record<string, string> = { gsi1pk: typeIndexKey(type), gsi1sk: id };
  if (type === 'deal') {
    attributes.gsi2pk = boardKey(String(record.pipelineId), String(record.stageId));
    attributes.gsi2sk = id;
    attributes.gsi3pk = pipelineDealsKey(String(record.pipelineId));
    attributes.gsi3sk = id;
    if (typeof record.contactId === 'string') {
      attributes.gsi4pk = contactDealsKey(record.contactId);
      attributes.gsi4sk = id;
    }
    if (typeof record.companyId === 'string') {
      attributes.gsi5pk = companyDealsKey(record.companyId);
      attributes.gsi5sk = id;
    }
  }
  // Contacts share gsi5 with deals (their keys differ): a company's contacts are found without a Scan or another index.
  if (type === 'contact' && typeof record.companyId === 'string') {
    attributes.gsi5pk = companyContactsKey(record.companyId);
    attributes.gsi5sk = id;
  }
  if (type === 'activity') {
    attributes.gsi2pk = ownerKey(String(record.entityType), String(record.entityId));
    attributes.gsi2sk = `${String(record.status)}#${id}`;
  }
  if (type === 'document') {
    attributes.gsi2pk = ownerKey(String(record.entityType), String(record.entityId));
    attributes.gsi2sk = `document#${id}`;
  }
  return attributes;
}

export const indexAttributeNames = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk', 'gsi5pk', 'gsi5sk'] as const;
export const keyAttributeNames = ['pk', 'sk', ...indexAttributeNames] as const;

/** Workspace bookkeeping (seed marker, settings): never an event, never listed. */
export const settingKey = (name: string): Key => ({ pk: 'workspace', sk: `setting#${name}` });

// Local mode's state-machine runner (infra/local/workflows.ts) keeps its executions here:
//   stateMachine  pk `stateMachine#<name>`, sk `version#<000n>` — each published definition
//   execution     pk `execution#<id>`, sk `execution`          — status, steps, checkpoint
//   wait          pk `execution#<id>`, sk `wait`; gsi1 `waits` / `<dueAt>#<id>` — durable timers
//   (an execution while RUNNING is also in gsi1 `runningExecutions` / `<startedAt>#<id>`, so a
//   start after a crash finds what it has to resume)
export const stateMachineVersionKey = (name: string, version: number): Key => ({
  pk: `stateMachine#${name}`,
  sk: `version#${String(version).padStart(6, '0')}`,
});
export const stateMachinePartition = (name: string) => `stateMachine#${name}`;
export const executionKey = (executionId: string): Key => ({ pk: `execution#${executionId}`, sk: 'execution' });
export const waitKey = (executionId: string): Key => ({ pk: `execution#${executionId}`, sk: 'wait' });
export const WAITS_INDEX_KEY = 'waits';
export const RUNNING_EXECUTIONS_INDEX_KEY = 'runningExecutions';

/** In-app notifications of one user, newest first: pk `notifications#<userId>`, sk <ulid>. */
export const notificationKey = (userId: string, id: string): Key => ({ pk: `notifications#${userId}`, sk: id });
export const notificationPartition = (userId: string) => `notifications#${userId}`;

/** Integrations (holders of API keys): pk `integration#<id>`, sk `integration`; gsi1 `integrations` / id. */
export const integrationKey = (id: string): Key => ({ pk: `integration#${id}`, sk: 'integration' });
export const INTEGRATIONS_INDEX_KEY = 'integrations';

/** Attributes that describe an item rather than its record: never shown, never diffed, never in events. */
export const itemOnlyAttributes: ReadonlySet<string> = new Set([
  'pk',
  'sk',
  ...indexAttributeNames,
  'itemKind',
  'recordType',
  'lastWrite',
  'deletedAt',
  'deletedBy',
  'expiresAt',
  SEARCH_ATTRIBUTE,
]);
/** What every record carries besides its own fields. */
export const metaAttributes: ReadonlySet<string> = new Set(['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy']);

/** Where an automation's deployment stands: pk `automation#<id>`, sk `provisioning` (bookkeeping, no events). */
export const provisioningKey = (automationId: string): Key => ({ pk: `automation#${automationId}`, sk: 'provisioning' });

/** A tracked document link, by the SHA-256 of its token: pk `doclink#<hash>`, sk `doclink`. */
export const documentLinkKey = (hash: string): Key => ({ pk: `doclink#${hash}`, sk: 'doclink' });
/** One recorded view of a document per link (recipient) and day, beside the document's own item. */
export const documentViewKey = (documentId: string, day: string, linkId: string): Key => ({
  pk: `document#${documentId}`,
  sk: `view#${day}#${linkId}`,
});
/** A fixed-window request counter (rate limits of the public document page): pk `rate#<bucket>#<window>`. */
export const rateKey = (bucket: string, window: string): Key => ({ pk: `rate#${bucket}#${window}`, sk: 'rate' });

/** A side effect an automation step made once (a mail sent): pk `step#<runId>#<step>`, sk `done`. */
export const stepMarkerKey = (runId: string, step: number): Key => ({ pk: `step#${runId}#${step}`, sk: 'done' });

/** A shared counter (round-robin assignment): pk `counter#<name>`, sk `counter`; incremented atomically. */
export const counterKey = (name: string): Key => ({ pk: `counter#${name}`, sk: 'counter' });
/** What a step chose once (the user a round-robin gave the record): pk `choice#<runId>#<step>`, sk `choice`. */
export const stepChoiceKey = (runId: string, step: number): Key => ({ pk: `choice#${runId}#${step}`, sk: 'choice' });
/** Which run holds a record's enrolment in an automation (re-enrolment policy): pk `enrolment#<automationId>#<type>#<id>`. */
export const enrolmentKey = (automationId: string, entityType: string, entityId: string): Key => ({
  pk: `enrolment#${automationId}#${entityType}#${entityId}`,
  sk: 'enrolment',
});
/** Secrets that sign outgoing webhooks: pk `webhookSecret#<id>`, sk `webhookSecret`; gsi1 `webhookSecrets` / id. */
export const webhookSecretKey = (id: string): Key => ({ pk: `webhookSecret#${id}`, sk: 'webhookSecret' });
export const WEBHOOK_SECRETS_INDEX_KEY = 'webhookSecrets';
/** What a named step of a run answered (a webhook's response), for later steps' templates: pk `stepResults#<runId>`, sk name. */
export const stepResultKey = (runId: string, name: string): Key => ({ pk: `stepResults#${runId}`, sk: name });
export const stepResultsPartition = (runId: string) => `stepResults#${runId}`;
