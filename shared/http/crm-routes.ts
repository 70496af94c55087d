// The CRM part of the HTTP API (docs/ARCHITECTURE.md §8): records, history, documents' signatures,
// pipelines, users with the Butler, the exceptions list and activity statistics.
import { z } from 'zod';
import { type CrmRecordType, type RecordService, parseWith } from '#shared/crm/records.ts';
import { ButlerPatch, ExceptionInput, ExceptionRemoval, StatsQuery, type WorkspaceService } from '#shared/crm/workspace.ts';
import { BUTLER_ID } from '#shared/domain/actors.ts';
import { normaliseSearch } from '#shared/domain/search.ts';
import { type Entity, type SchemaType, Id, createSchemas, ownerTypes, patchSchemas } from '#shared/domain/entities.ts';
import { Forbidden } from '#shared/errors.ts';
import type { Notifications } from '#shared/store/notifications.ts';
import type { ListOptions } from '#shared/store/records.ts';
import type { Reply, Route } from './router.ts';

export const collections: Record<CrmRecordType, string> = {
  contact: 'contacts',
  company: 'companies',
  lead: 'leads',
  deal: 'deals',
  activity: 'activities',
  document: 'documents',
};

const Limit = z.coerce.number().int().min(1).max(100).optional();
const Cursor = z.string().max(2000).optional();
const ListQuery = z.strictObject({ limit: Limit, cursor: Cursor });
/** Text search (`q`): what the record is found by is in shared/domain/search.ts. */
const SearchText = z
  .string()
  .max(100)
  .transform((value, ctx) => {
    const text = normaliseSearch(value);
    if (!text) ctx.addIssue({ code: 'custom', message: 'a text to search for (letters or digits)' });
    return text;
  })
  .optional();
/** Filters a board's totals share with its columns. */
const DealFilters = { responsibleId: Id.optional(), q: SearchText };
const DealListQuery = z
  .strictObject({
    limit: Limit,
    cursor: Cursor,
    pipelineId: z.string().optional(),
    stageId: z.string().optional(),
    contactId: Id.optional(),
    companyId: Id.optional(),
    ...DealFilters,
  })
  .refine((query) => !query.stageId || query.pipelineId, { path: ['stageId'], message: 'filter by stageId together with pipelineId' })
  .refine((query) => [query.pipelineId, query.contactId, query.companyId].filter(Boolean).length <= 1, {
    path: ['contactId'],
    message: 'filter by one of pipelineId, contactId and companyId',
  });
const TotalsQuery = z.strictObject(DealFilters);
const ActivityListQuery = z
  .strictObject({
    limit: Limit,
    cursor: Cursor,
    entityType: z.enum(ownerTypes).optional(),
    entityId: Id.optional(),
    status: z.enum(['open', 'completed']).optional(),
  })
  .refine((query) => Boolean(query.entityType) === Boolean(query.entityId), {
    path: ['entityId'],
    message: 'entityType and entityId go together',
  });
const HistoryQuery = ListQuery;
const SignInput = z.strictObject({ party: z.enum(['sender', 'recipient']) });

const Actor = z.object({ kind: z.enum(['user', 'butler']), id: z.string(), via: z.record(z.string(), z.string()).optional() });
/** An actor as history shows it: with the user's (or the Butler's) name and icon as they are now. */
const ShownActor = Actor.extend({ name: z.string(), icon: z.string().optional() });
const HistoryEntry = z.object({
  at: z.string(),
  actor: ShownActor,
  action: z.enum(['created', 'updated', 'deleted', 'stageChanged']),
  changes: z.record(z.string(), z.object({ from: z.unknown().optional(), to: z.unknown().optional() })),
});
export const recordMeta = {
  id: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
};
/** Fields the API sets itself, beyond those a caller writes. */
const serverFields: Partial<Record<SchemaType, z.ZodRawShape>> = {
  document: {
    signedBySenderAt: z.string().optional(),
    signedByRecipientAt: z.string().optional(),
    viewedAt: z.string().optional(),
    viewCount: z.number().int().optional(),
    lastViewedBy: z.string().optional(),
    signedByRecipient: z.string().optional(),
    body: z.string().optional(),
    kind: z.string().optional(),
    parties: z.array(z.enum(['sender', 'recipient'])).optional(),
    pipelineId: z.string().optional(),
    templateVersion: z.number().int().optional(),
  },
  user: { kind: z.enum(['human', 'butler']) },
};
/** Replies name every documented field and may carry more (custom fields live under `fields`). */
const recordResponse = (type: SchemaType) => z.looseObject({ ...(createSchemas[type] as z.ZodObject).shape, ...serverFields[type], ...recordMeta });
const pageOf = (item: z.ZodType) => z.object({ items: z.array(item), cursor: z.string().optional() });

/** `If-Match` travels as an ETag: the version in quotes. */
const etag = (record: Entity) => ({ etag: `"${record.version}"` });

const ok = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({ status, body, ...(headers ? { headers } : {}) });

/** The filters every listing may add to its key range: the responsible person and a search text. */
function filtersOf(query: Record<string, unknown>): Pick<ListOptions, 'where' | 'search'> {
  return {
    ...(typeof query.responsibleId === 'string' ? { where: { responsibleId: query.responsibleId } } : {}),
    ...(typeof query.q === 'string' ? { search: query.q } : {}),
  };
}

function listOptions(type: CrmRecordType, query: Record<string, unknown>): ListOptions {
  const base = {
    ...(query.limit ? { limit: Number(query.limit) } : {}),
    ...(query.cursor ? { cursor: String(query.cursor) } : {}),
    ...filtersOf(query),
  };
  if (type === 'deal' && query.pipelineId) {
    return {
      ...base,
      filter: query.stageId
        ? { by: 'board', pipelineId: String(query.pipelineId), stageId: String(query.stageId) }
        : { by: 'pipeline', pipelineId: String(query.pipelineId) },
    };
  }
  if (type === 'deal' && query.contactId) return { ...base, filter: { by: 'contact', contactId: String(query.contactId) } };
  if (type === 'deal' && query.companyId) return { ...base, filter: { by: 'company', companyId: String(query.companyId) } };
  if (type === 'activity' && query.entityId) {
    return {
      ...base,
      filter: {
        by: 'owner',
        ownerType: String(query.entityType),
        ownerId: String(query.entityId),
        ...(query.status ? { status: String(query.status) } : {}),
      },
    };
  }
  if (type === 'activity' && query.status) return { ...base, where: { status: String(query.status) } };
  if (type === 'document' && query.entityId) {
    return { ...base, filter: { by: 'owner', ownerType: String(query.entityType), ownerId: String(query.entityId) } };
  }
  return base;
}

/** Records carrying e-mails and phones can be looked up by one: the duplicate check before creating. */
const ContactPointListQuery = z
  .strictObject({ limit: Limit, cursor: Cursor, email: z.string().max(320).optional(), phone: z.string().max(40).optional(), q: SearchText })
  .refine((query) => [query.email, query.phone, query.q].filter(Boolean).length <= 1, {
    path: ['phone'],
    message: 'filter by one of email, phone and q',
  });

/** A record's documents, as the console's record page lists them. */
const DocumentListQuery = z
  .strictObject({ limit: Limit, cursor: Cursor, entityType: z.enum(ownerTypes).optional(), entityId: Id.optional() })
  .refine((query) => Boolean(query.entityType) === Boolean(query.entityId), { path: ['entityId'], message: 'entityType and entityId go together' });

const listQueries: Partial<Record<CrmRecordType, z.ZodType>> = {
  deal: DealListQuery,
  activity: ActivityListQuery,
  document: DocumentListQuery,
  contact: ContactPointListQuery,
  company: ContactPointListQuery,
  lead: ContactPointListQuery,
};

const searchHelp: Partial<Record<CrmRecordType, string>> = {
  deal:
    '; pipelineId (+ stageId: a board column), contactId or companyId choose the deals; responsibleId and q (text in the title or the contact\'s name, any case or accents) filter them, reading at most 1,000 deals a call (a short page with a cursor means: read on)',
  contact: '; q finds text in the name, e-mails and phones (reading at most 1,000 contacts a call); email and phone look one up exactly',
  company: '; q finds text in the name, e-mails and phones (reading at most 1,000 companies a call); email and phone look one up exactly',
  lead: '; q finds text in the title, name, source, e-mails and phones (reading at most 1,000 leads a call); email and phone look one up exactly',
};

function recordRoutes(type: CrmRecordType, records: RecordService): Route[] {
  const path = `/${collections[type]}`;
  const tag = collections[type];
  const listQuery = listQueries[type] ?? ListQuery;
  return [
    {
      method: 'POST',
      path,
      tag,
      summary: `Create a ${type}`,
      body: createSchemas[type],
      response: recordResponse(type),
      status: 201,
      handle: async (request) => {
        const record = await records.create(type, request.body, request.caller);
        return ok(record, 201, { ...etag(record), location: `${path}/${record.id}` });
      },
    },
    {
      method: 'GET',
      path,
      tag,
      summary: `List ${collections[type]}, newest first${searchHelp[type] ?? ''}`,
      query: listQuery,
      response: pageOf(recordResponse(type)),
      status: 200,
      handle: async (request) => {
        const query = parseWith(listQuery, request.query, 'query') as Record<string, unknown>;
        if (typeof query.email === 'string') return ok(await records.findByContactPoint(type, 'email', query.email));
        if (typeof query.phone === 'string') return ok(await records.findByContactPoint(type, 'phone', query.phone));
        return ok(await records.list(type, listOptions(type, query)));
      },
    },
    {
      method: 'GET',
      path: `${path}/{id}`,
      tag,
      summary: `Read a ${type}`,
      response: recordResponse(type),
      status: 200,
      handle: async (request) => {
        const record = await records.get(type, request.params.id!);
        return ok(record, 200, etag(record));
      },
    },
    {
      method: 'PATCH',
      path: `${path}/{id}`,
      tag,
      summary: type === 'deal' ? 'Change a deal; a stage move is {"stageId": "…"}' : `Change a ${type}; null clears an optional field`,
      body: patchSchemas[type],
      response: recordResponse(type),
      status: 200,
      handle: async (request) => {
        const record = await records.update(type, request.params.id!, request.body, request.caller, request.expectedVersion);
        return ok(record, 200, etag(record));
      },
    },
    {
      method: 'DELETE',
      path: `${path}/{id}`,
      tag,
      summary: `Delete a ${type}; its history stays readable`,
      status: 204,
      handle: async (request) => {
        await records.remove(type, request.params.id!, request.caller, request.expectedVersion);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: `${path}/{id}/history`,
      tag,
      summary: `History of a ${type}, newest first (also after it was deleted)`,
      query: HistoryQuery,
      response: pageOf(HistoryEntry),
      status: 200,
      handle: async (request) => {
        const query = parseWith(HistoryQuery, request.query, 'query');
        const page = await records.history(type, request.params.id!, query);
        return ok({ items: page.items.map(({ cause: _cause, ...entry }) => entry), ...(page.cursor ? { cursor: page.cursor } : {}) });
      },
    },
  ];
}

function documentRoutes(records: RecordService): Route[] {
  return [
    {
      method: 'POST',
      path: '/documents/{id}/sign',
      tag: 'documents',
      summary: 'Sign a document as sender or recipient; signing twice changes nothing',
      body: SignInput,
      response: recordResponse('document'),
      status: 200,
      handle: async (request) => {
        const { party } = parseWith(SignInput, request.body);
        return ok(await records.sign(request.params.id!, party, request.caller));
      },
    },
    {
      method: 'POST',
      path: '/documents/{id}/view',
      tag: 'documents',
      summary: 'Record that the recipient viewed a document',
      response: recordResponse('document'),
      status: 200,
      handle: async (request) => ok(await records.view(request.params.id!, request.caller)),
    },
  ];
}

function pipelineRoutes(records: RecordService, workspace: WorkspaceService): Route[] {
  const Pipeline = recordResponse('pipeline').extend({ id: z.string() });
  return [
    {
      method: 'GET',
      path: '/pipelines',
      tag: 'pipelines',
      summary: 'List pipelines',
      query: ListQuery,
      response: pageOf(Pipeline),
      status: 200,
      handle: async (request) => ok(await records.list('pipeline', parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'POST',
      path: '/pipelines',
      tag: 'pipelines',
      summary: 'Create a pipeline with ordered stages (admins)',
      body: createSchemas.pipeline,
      response: Pipeline,
      status: 201,
      handle: async (request) => ok(await workspace.createPipeline(request.body, request.caller), 201),
    },
    {
      method: 'GET',
      path: '/pipelines/{id}',
      tag: 'pipelines',
      summary: 'Read a pipeline',
      response: Pipeline,
      status: 200,
      handle: async (request) => ok(await records.get('pipeline', request.params.id!)),
    },
    {
      method: 'GET',
      path: '/pipelines/{id}/totals',
      tag: 'pipelines',
      summary:
        'Deals per stage of a pipeline (count, amounts per currency), filtered like GET /deals by responsibleId and q; reads every deal of the pipeline',
      query: TotalsQuery,
      response: z.object({
        pipelineId: z.string(),
        stages: z.record(z.string(), z.object({ count: z.number().int(), amounts: z.record(z.string(), z.number()) })),
      }),
      status: 200,
      handle: async (request) => {
        const query = parseWith(TotalsQuery, request.query, 'query');
        const pipeline = await records.get('pipeline', request.params.id!);
        return ok({ pipelineId: pipeline.id, stages: await records.stageTotals(pipeline.id, filtersOf(query)) });
      },
    },
    {
      method: 'PATCH',
      path: '/pipelines/{id}',
      tag: 'pipelines',
      summary: 'Rename a pipeline or change its stages (admins); a stage holding deals stays',
      body: patchSchemas.pipeline,
      response: Pipeline,
      status: 200,
      handle: async (request) => ok(await workspace.updatePipeline(request.params.id!, request.body, request.caller, request.expectedVersion)),
    },
  ];
}

function userRoutes(records: RecordService, workspace: WorkspaceService): Route[] {
  const User = recordResponse('user');
  return [
    {
      method: 'GET',
      path: '/users',
      tag: 'users',
      summary: 'List users, the Butler among them',
      query: ListQuery,
      response: pageOf(User),
      status: 200,
      handle: async (request) => ok(await records.list('user', parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'POST',
      path: '/users',
      tag: 'users',
      summary: 'Create a user (admins)',
      body: createSchemas.user,
      response: User,
      status: 201,
      handle: async (request) => ok(await workspace.createUser(request.body, request.caller), 201),
    },
    {
      method: 'GET',
      path: '/users/{id}',
      tag: 'users',
      summary: 'Read a user; /users/butler always exists',
      response: User,
      status: 200,
      handle: async (request) => ok(await records.get('user', request.params.id!)),
    },
    {
      method: 'PATCH',
      path: '/users/{id}',
      tag: 'users',
      summary: 'Change a user; the Butler takes only name and icon',
      body: z.union([patchSchemas.user, ButlerPatch]),
      response: User,
      status: 200,
      handle: async (request) =>
        ok(await workspace.updateUser(request.params.id!, request.body, request.caller, request.expectedVersion)),
    },
    {
      method: 'DELETE',
      path: '/users/{id}',
      tag: 'users',
      summary: `Delete a user (admins); the Butler (id "${BUTLER_ID}") cannot be deleted`,
      status: 204,
      handle: async (request) => {
        await workspace.deleteUser(request.params.id!, request.caller, request.expectedVersion);
        return { status: 204 };
      },
    },
  ];
}

function exceptionRoutes(workspace: WorkspaceService, exceptions: { list: (o: { limit?: number; cursor?: string }) => Promise<unknown> }): Route[] {
  const Exception = z.object({
    value: z.string(),
    kind: z.enum(['email', 'phone']),
    reason: z.string().optional(),
    addedAt: z.string(),
    addedBy: Actor,
  });
  const ExceptionChange = z.object({ at: z.string(), action: z.enum(['added', 'removed']), actor: Actor, reason: z.string().optional() });
  return [
    {
      method: 'GET',
      path: '/exceptions',
      tag: 'exceptions',
      summary: 'List the exceptions list',
      query: ListQuery,
      response: pageOf(Exception),
      status: 200,
      handle: async (request) => ok(await exceptions.list(parseWith(ListQuery, request.query, 'query'))),
    },
    {
      method: 'POST',
      path: '/exceptions',
      tag: 'exceptions',
      summary: 'Put an e-mail or phone on the exceptions list (people and integrations; 200 when it was there already)',
      body: ExceptionInput,
      response: Exception,
      status: 201,
      handle: async (request) => {
        const { entry, created } = await workspace.addException(request.body, request.caller);
        return ok(entry, created ? 201 : 200);
      },
    },
    {
      method: 'DELETE',
      path: '/exceptions/{value}',
      tag: 'exceptions',
      summary: 'Take an e-mail or phone off the exceptions list (admins); the reason goes in ?reason= or the body, and in its history',
      query: ExceptionRemoval,
      body: ExceptionRemoval,
      status: 204,
      handle: async (request) => {
        const query = parseWith(ExceptionRemoval, request.query, 'query');
        const body = request.body === undefined ? {} : parseWith(ExceptionRemoval, request.body);
        await workspace.removeException(request.params.value!, { reason: body.reason ?? query.reason }, request.caller);
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      path: '/exceptions/{value}/history',
      tag: 'exceptions',
      summary: 'Every addition and removal of an e-mail or phone, newest first, with actor and reason (also after removal)',
      query: ListQuery,
      response: pageOf(ExceptionChange),
      status: 200,
      handle: async (request) => ok(await workspace.exceptionHistory(request.params.value!, parseWith(ListQuery, request.query, 'query'))),
    },
  ];
}

function statsRoutes(workspace: WorkspaceService): Route[] {
  const Figures = z.object({ created: z.number(), updated: z.number(), deleted: z.number(), stageChanges: z.number() });
  return [
    {
      method: 'GET',
      path: '/stats/activity',
      tag: 'stats',
      summary: 'Writes per person in [from, to), with the Butler counted apart',
      query: StatsQuery,
      response: z.object({
        from: z.string(),
        to: z.string(),
        humans: z.array(Figures.extend({ userId: z.string(), name: z.string(), icon: z.string().optional() })),
        butler: Figures.extend({ name: z.string(), icon: z.string() }),
      }),
      status: 200,
      handle: async (request) => ok(await workspace.activityStats(request.query)),
    },
  ];
}

function notificationRoutes(notifications: Notifications): Route[] {
  const Notification = z.object({
    id: z.string(),
    userId: z.string(),
    message: z.string(),
    at: z.string(),
    from: z.object({ automationId: z.string().optional(), runId: z.string().optional() }),
  });
  return [
    {
      method: 'GET',
      path: '/notifications',
      tag: 'notifications',
      summary: 'The calling user’s in-app notifications, newest first (from `notify` automation steps)',
      query: ListQuery,
      response: pageOf(Notification),
      status: 200,
      handle: async (request) => {
        if (request.caller.kind !== 'user') throw new Forbidden('Notifications belong to people; an API key has none.');
        return ok(await notifications.list(request.caller.userId, parseWith(ListQuery, request.query, 'query')));
      },
    },
  ];
}

const IntegrationInput = z.strictObject({ name: z.string().trim().min(1).max(200) });

function integrationRoutes(workspace: WorkspaceService): Route[] {
  const Integration = z.object({ integrationId: z.string(), name: z.string(), createdAt: z.string(), createdBy: z.string() });
  return [
    {
      method: 'GET',
      path: '/integrations',
      tag: 'integrations',
      summary: 'Integrations holding API keys (admins); keys are never shown again',
      response: z.object({ items: z.array(Integration) }),
      status: 200,
      handle: async (request) => ok({ items: await workspace.listIntegrations(request.caller) }),
    },
    {
      method: 'POST',
      path: '/integrations',
      tag: 'integrations',
      summary: 'Create an integration and its API key (admins); the key is in this response only',
      body: IntegrationInput,
      response: Integration.extend({ key: z.string() }),
      status: 201,
      handle: async (request) => ok(await workspace.createIntegration(request.body, request.caller), 201),
    },
    {
      method: 'DELETE',
      path: '/integrations/{id}',
      tag: 'integrations',
      summary: 'Revoke an integration’s API key (admins)',
      status: 204,
      handle: async (request) => {
        await workspace.removeIntegration(request.params.id!, request.caller);
        return { status: 204 };
      },
    },
  ];
}

export interface CrmRouteDeps {
  records: RecordService;
  workspace: WorkspaceService;
  exceptions: { list: (options: { limit?: number; cursor?: string }) => Promise<unknown> };
  notifications: Notifications;
}

export function crmRoutes({ records, workspace, exceptions, notifications }: CrmRouteDeps): Route[] {
  const types = Object.keys(collections) as CrmRecordType[];
  return [
    ...types.flatMap((type) => recordRoutes(type, records)),
    ...documentRoutes(records),
    ...pipelineRoutes(records, workspace),
    ...userRoutes(records, workspace),
    ...exceptionRoutes(workspace, exceptions),
    ...statsRoutes(workspace),
    ...notificationRoutes(notifications),
    ...integrationRoutes(workspace),
  ];
}
